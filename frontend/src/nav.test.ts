import { describe, expect, it } from 'vitest';
import { afterLogin, homePath, mayOpen, menuFor } from './nav';

// The permissions /me returns for each demo role (api/authz/permissions.py ROLE_PERMISSIONS).
const READ = ['units:read', 'frameworks:read', 'plans:read', 'assignments:read', 'evidence:read', 'reports:read', 'dashboards:read', 'assessments:read', 'results:read'];
const ROLES: Record<string, string[]> = {
  admin: ['units:read', 'units:manage', 'users:read', 'users:manage', 'tokens:manage', 'audit:read', 'frameworks:read', 'frameworks:manage', 'imports:run'],
  district_admin: [...READ, 'units:manage', 'users:read', 'users:manage', 'tokens:manage', 'audit:read', 'frameworks:manage', 'plans:manage', 'assignments:edit', 'assignments:submit', 'assignments:review', 'comments:write', 'imports:run', 'reports:edit', 'reports:review'],
  leader: [...READ, 'users:read', 'reports:approve', 'assessments:approve', 'comments:write'],
  unit_head: [...READ, 'users:read', 'assignments:edit', 'assignments:submit', 'comments:write', 'evidence:upload', 'reports:edit', 'reports:submit'],
  unit_officer: [...READ, 'assignments:edit', 'comments:write', 'evidence:upload', 'reports:edit'],
  observer: READ,
};
const can = (role: string) => (p: string) => ROLES[role].includes(p);
const menu = (role: string) => menuFor(can(role)).map((i) => i.to);

describe('role-aware navigation', () => {
  it('lands each role on its own home', () => {
    expect(homePath(can('admin'))).toBe('/admin');
    expect(homePath(can('district_admin'))).toBe('/dashboard');
    expect(homePath(can('leader'))).toBe('/dashboard');
    expect(homePath(can('observer'))).toBe('/dashboard');
    expect(homePath(can('unit_head'))).toBe('/my-work');
    expect(homePath(can('unit_officer'))).toBe('/my-work');
    expect(homePath(() => false)).toBe('/account');
  });
  it('lists only what the role may use', () => {
    expect(menu('admin')).toEqual(['/frameworks', '/imports', '/admin', '/account']);
    expect(menu('observer')).toEqual(['/dashboard', '/plans', '/frameworks', '/reports', '/scoring', '/account']);
    expect(menu('unit_officer')).toContain('/my-work');
    expect(menu('unit_officer')).not.toContain('/admin');
    expect(menu('leader')).not.toContain('/review');
    expect(menu('district_admin')).toEqual(expect.arrayContaining(['/review', '/imports', '/admin']));
  });
  it('refuses the pages a role may not use, even by address', () => {
    expect(mayOpen('/review', can('observer'))).toBe(false);
    expect(mayOpen('/imports', can('observer'))).toBe(false);
    expect(mayOpen('/admin/users', can('unit_head'))).toBe(false);
    expect(mayOpen('/my-work', can('admin'))).toBe(false);
    expect(mayOpen('/review', can('district_admin'))).toBe(true);
    expect(mayOpen('/assignments/12', can('observer'))).toBe(true);
    expect(mayOpen('/account', () => false)).toBe(true);
    expect(mayOpen('/notifications', () => false)).toBe(true); // other features decide for themselves
  });
  it('returns to the requested page after login, never to /login or another site', () => {
    expect(afterLogin('/review?status=submitted', can('district_admin'))).toBe('/review?status=submitted');
    expect(afterLogin('/', can('admin'))).toBe('/admin');
    expect(afterLogin(null, can('unit_head'))).toBe('/my-work');
    expect(afterLogin('/login?next=/x', can('leader'))).toBe('/dashboard');
    expect(afterLogin('//evil.example/', can('leader'))).toBe('/dashboard');
    expect(afterLogin('https://evil.example/', can('leader'))).toBe('/dashboard');
  });
});
