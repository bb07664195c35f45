import { describe, expect, it } from 'vitest';
import { makeI18n } from './i18n';
import { fillLevel, levelWords, ownerOf, roleNameAt } from './levels';

const m = (owner_level: string, owner_name = '') =>
  ({ memberships: [{ unit_id: 1, unit_code: 'X', unit_name: 'X', unit_level: 'commune', role: 'unit_head', role_label: '', owner_level, owner_name }] }) as never;

describe('level words', () => {
  it('keeps the Bình Gia 2024 (district) wording by default', () => {
    const i = makeI18n('vi', () => undefined);
    expect(i.t('rpDueUnit')).toBe('Hạn đơn vị gửi huyện');
    expect(i.t('rpHelpSubmittedUnit')).toBe('Đã gửi: chờ Phòng Nội vụ tiếp nhận hoặc trả lại.');
    expect(i.t('rpLevelDistrict')).toBe('Báo cáo tổng hợp của huyện');
    expect(i.label('district_admin')).toBe('Phòng Nội vụ');
  });

  it('speaks of Sở Nội vụ and the province where the province owns the plan', () => {
    const i = makeI18n('vi', () => undefined, levelWords('province'));
    expect(i.t('rpHelpSubmittedUnit')).toBe('Đã gửi: chờ Sở Nội vụ tiếp nhận hoặc trả lại.');
    expect(i.t('rpHelpSubmittedDistrict')).toBe('Đã gửi: chờ lãnh đạo UBND tỉnh phê duyệt hoặc trả lại.');
    expect(i.label('district_admin')).toBe('Sở Nội vụ');
    const en = makeI18n('en', () => undefined, levelWords('province', 'en'));
    expect(en.t('rpLevelDistrict')).toBe('Province aggregate report');
  });

  it('uses a ward\'s own word, and fills no unknown placeholder', () => {
    expect(levelWords('commune', 'vi', 'UBND phường Tam Thanh').ubnd).toBe('UBND phường');
    expect(fillLevel('{cap} {other}', levelWords('province'))).toBe('tỉnh {other}');
    expect(fillLevel('{Cap}', levelWords('province', 'en'))).toBe('Province');
  });

  it('takes the owner level from /me, and names roles at other units by their level', () => {
    expect(ownerOf(m('province', 'UBND tỉnh Lạng Sơn'))).toEqual({ level: 'province', name: 'UBND tỉnh Lạng Sơn' });
    expect(ownerOf(null).level).toBe('district');
    expect(roleNameAt('district_admin', { level: 'province', name: 'UBND tỉnh' })).toBe('Sở Nội vụ');
    expect(roleNameAt('unit_head', { level: 'province' })).toBeNull();
  });
});
