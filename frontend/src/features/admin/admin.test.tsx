import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, setTokens } from '../../api/http';
import type { MeRead, OrgUnitRead } from '../../client/types.gen';
import { I18nContext, makeI18n } from '../../i18n';
import { stubFetch } from '../../test/fetchStub';
import { allOrgUnits } from '../orgUnits';
import { ErrorOrConflict } from './common';
import {
  applyFieldErrors,
  assignableRoles,
  buildTree,
  changeRows,
  childLevel,
  filterUnits,
  fieldLabel,
  formatValue,
  grantablePermissions,
  randomPassword,
  tokenState,
} from './lib';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setTokens(null);
});

const unit = (id: number, code: string, parent: number | null, extra: Partial<OrgUnitRead> = {}): OrgUnitRead => ({
  id,
  code,
  name: `Đơn vị ${code}`,
  short_name: null,
  level: 'commune',
  kind: 'people_committee',
  parent_id: parent,
  path: '',
  valid_from: null,
  valid_to: null,
  is_active: true,
  verified: true,
  source_note: null,
  version: 1,
  created_at: '2024-01-01T00:00:00Z',
  ...extra,
});

const UNITS = [
  unit(1, 'LS', null, { level: 'province' }),
  unit(2, 'LS.BG', 1, { level: 'district' }),
  unit(3, 'LS.BG.X.HOATHAM', 2),
  unit(4, 'LS.BG.X.TANVAN', 2),
  unit(5, 'LS.BG.VHTT', 2, { level: 'district', kind: 'department' }),
];

const me = (roles: string[], permissions: string[] = []): MeRead =>
  ({
    id: 1,
    username: 'x',
    full_name: 'X',
    kind: 'user',
    memberships: roles.map((role) => ({ role, unit_id: 2, unit_code: 'LS.BG', unit_name: 'BG', unit_level: 'district' })),
    permissions,
  }) as MeRead;

describe('unit tree', () => {
  it('nests units under their parents', () => {
    const tree = buildTree(UNITS, (u) => u.code);
    expect(tree.map((n) => n.key)).toEqual([1]);
    expect(tree[0].children?.[0].children?.map((n) => n.title)).toEqual(['LS.BG.X.HOATHAM', 'LS.BG.X.TANVAN', 'LS.BG.VHTT']);
  });
  it('keeps the ancestors of a search hit, and nothing else', () => {
    expect(filterUnits(UNITS, 'hoa tham').map((u) => u.id)).toEqual([]);
    expect(filterUnits(UNITS, 'hoatham').map((u) => u.id)).toEqual([1, 2, 3]);
    expect(filterUnits(UNITS, '  ').length).toBe(5);
  });
  it('proposes the level of a child', () => {
    expect(childLevel(UNITS[0])).toBe('district');
    expect(childLevel(UNITS[1])).toBe('commune');
    expect(childLevel(UNITS[4])).toBe('district');
  });
});

describe('what the caller may hand out', () => {
  it('mirrors the assignable roles', () => {
    expect(assignableRoles(me(['admin']))).toContain('admin');
    expect(assignableRoles(me(['district_admin']))).not.toContain('admin');
    expect(assignableRoles(me(['district_admin']))).toContain('unit_officer');
    expect(assignableRoles(me(['leader']))).toEqual([]);
  });
  it('caps token permissions by unit level and by what the caller holds', () => {
    const holder = me(['district_admin'], ['units:read', 'users:manage', 'assignments:submit', 'reports:approve', 'imports:run']);
    expect(grantablePermissions('commune', holder)).toEqual(['units:read', 'assignments:submit']);
    expect(grantablePermissions('district', holder)).toEqual(['units:read', 'users:manage', 'assignments:submit', 'imports:run']);
  });
  it('tells active, expired and revoked tokens apart', () => {
    const now = Date.parse('2024-10-15T00:00:00Z');
    expect(tokenState({ revoked_at: null, expires_at: null }, now)).toBe('active');
    expect(tokenState({ revoked_at: null, expires_at: '2024-10-14T00:00:00Z' }, now)).toBe('expired');
    expect(tokenState({ revoked_at: '2024-10-01T00:00:00Z', expires_at: '2030-01-01T00:00:00Z' }, now)).toBe('revoked');
  });
  it('generates passwords the API accepts', () => {
    const a = randomPassword();
    expect(a.length).toBeGreaterThanOrEqual(10);
    expect(randomPassword()).not.toBe(a);
  });
});

describe('audit before / after', () => {
  const vi18n = makeI18n('vi', () => undefined);
  it('reads {from, to} pairs and plain values', () => {
    expect(changeRows({ name: { from: 'A', to: 'B' }, rows: 12 })).toEqual([
      { field: 'name', before: 'A', after: 'B' },
      { field: 'rows', before: null, after: 12 },
    ]);
  });
  it('shows values readably', () => {
    expect(formatValue('2024-07-01', vi18n)).toBe('01/07/2024');
    expect(formatValue('2024-12-31T20:30:00Z', vi18n)).toBe('01/01/2025 03:30');
    expect(formatValue(null, vi18n)).toBe('—');
    expect(formatValue(true, vi18n)).toBe('Có');
    expect(formatValue('***', vi18n)).toBe('(ẩn)');
    expect(formatValue([{ unit_id: 3, role: 'unit_officer' }], vi18n, UNITS)).toBe('Cán bộ · Đơn vị LS.BG.X.HOATHAM');
    expect(formatValue({ created: 2, updated: 0 }, vi18n)).toBe('created: 2\nupdated: 0');
    // stored codes by their names: permissions, statuses (#18)
    expect(formatValue(['assignments:read', 'imports:run'], vi18n)).toBe('Xem nhiệm vụ\nNhập dữ liệu');
    expect(formatValue('in_progress', vi18n)).toBe('Đang thực hiện');
    expect(formatValue('Kế hoạch số 85', vi18n)).toBe('Kế hoạch số 85');
    expect(fieldLabel('valid_from', vi18n.t)).toBe('Hiệu lực từ');
    expect(fieldLabel('some_new_field', vi18n.t)).toBeNull();
  });
});

describe('API errors in forms', () => {
  it('puts field errors on their fields', () => {
    const setFields = vi.fn();
    const err = new ApiError(409, {
      detail: "Mã đơn vị 'X' đã tồn tại.",
      errors: [
        { field: 'code', message: 'Mã đã tồn tại', message_en: 'Code exists' },
        { field: 'body.other', message: 'ignored' },
      ],
    });
    const out = applyFieldErrors({ setFields } as never, err, 'en', ['code', 'name']);
    expect(out).toBe(err);
    expect(setFields).toHaveBeenCalledWith([{ name: 'code', errors: ['Code exists'] }]);
  });
  it('shows the conflict message on 412 and the API detail otherwise', () => {
    const reload = vi.fn();
    const { rerender } = render(<ErrorOrConflict error={new ApiError(412, { detail: 'stale' })} onReload={reload} />);
    expect(screen.getByRole('alert').textContent).toContain('Dữ liệu đã bị người khác thay đổi');
    screen.getByRole('button').click();
    expect(reload).toHaveBeenCalledOnce();
    rerender(
      <I18nContext.Provider value={makeI18n('en', () => undefined)}>
        <ErrorOrConflict error={new ApiError(409, { detail: 'vi', detail_en: 'The unit has history; deactivate it instead of deleting.' })} onReload={reload} />
      </I18nContext.Provider>,
    );
    expect(screen.getByRole('alert').textContent).toContain('The unit has history');
  });
});

describe('allOrgUnits (every page through the SDK)', () => {
  it('follows the pages until the total', async () => {
    const net = stubFetch({
      'GET /api/v1/org-units': ({ query }) => {
        const offset = Number(query.get('offset'));
        const items = offset === 0 ? [1, 2] : offset === 2 ? [3] : [];
        return { items, total: 3, limit: 2, offset };
      },
    });
    expect(await allOrgUnits(undefined, 2)).toEqual([1, 2, 3]);
    expect(net.calls('GET /api/v1/org-units').map((c) => c.url)).toEqual(['/api/v1/org-units?limit=2&offset=0', '/api/v1/org-units?limit=2&offset=2']);
  });
});
