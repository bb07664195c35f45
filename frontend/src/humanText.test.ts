import { describe, expect, it } from 'vitest';
import { DICTS, makeI18n } from './i18n';
import { ALL_PERMISSIONS } from './features/admin/lib';
import { nodeName } from './nodeName';

const vi = makeI18n('vi', () => undefined);
const en = makeI18n('en', () => undefined);

describe('human text', () => {
  it('names every permission in Vietnamese and in English, never by its code', () => {
    for (const p of ALL_PERMISSIONS) {
      expect(vi.label(p)).not.toBe(p);
      expect(en.label(p)).not.toBe(p);
      expect(vi.label(p)).not.toMatch(/[a-z]+:[a-z]+/);
    }
    expect(vi.label('assignments:edit')).toBe('Cập nhật kết quả nhiệm vụ');
    expect(en.label('imports:run')).toBe('Import data');
  });
  it('shows criteria by number and title, not by framework code', () => {
    const c = { framework_code: 'PAR_INDEX_TINH_876', code: '3.1', title: 'Tỷ lệ hồ sơ giải quyết đúng hạn' };
    expect(nodeName(c, vi.t('criterionNo'), false)).toBe('Tiêu chí 3.1 — Tỷ lệ hồ sơ giải quyết đúng hạn');
    expect(nodeName(c, en.t('criterionNo'), false)).toBe('Criterion 3.1 — Tỷ lệ hồ sơ giải quyết đúng hạn');
    expect(nodeName({ ...c, code: '3' }, null, true)).toBe('PAR INDEX · 3. Tỷ lệ hồ sơ giải quyết đúng hạn');
    expect(nodeName(c, vi.t('criterionNo'), true)).not.toContain('PAR_INDEX');
  });
  it('has an English text for every new navigation and import word', () => {
    for (const k of ['notForRole', 'backHome', 'impKindTasks', 'impPlanRequired', 'impColumn'] as const) {
      expect(DICTS.en[k]).toBeTruthy();
      expect(DICTS.en[k]).not.toBe(DICTS.vi[k]);
    }
  });
});
