// Role-aware navigation: which pages a signed-in person may open, what the menu lists and where each role lands.
// One table, read from the permissions /me returns (api/authz/permissions.py); the API stays the judge.
import type { Key } from './i18n';

export type Can = (perm: string) => boolean;

interface Area {
  /** First path segment ("review" for /review and /review/…). */
  path: string;
  /** Menu entry (absent: a page reached from others, never listed). */
  menu?: { to: string; label: Key };
  /** Opening the page needs ANY of these (empty: everyone signed in). */
  any: string[];
  /** The menu lists the entry only with ANY of these (default: `any`). */
  menuAny?: string[];
}

// Quản trị is for who manages something; unit heads, leaders and observers hold units:read / users:read for look-ups
// (names in lists), not an administration screen.
const ADMIN_ANY = ['units:manage', 'users:manage', 'tokens:manage', 'audit:read'];

export const AREAS: Area[] = [
  { path: 'dashboard', menu: { to: '/dashboard', label: 'dashboard' }, any: ['dashboards:read'] },
  { path: 'my-work', menu: { to: '/my-work', label: 'myWork' }, any: ['assignments:read'], menuAny: ['assignments:edit'] },
  { path: 'assignments', any: ['assignments:read'] },
  { path: 'review', menu: { to: '/review', label: 'review' }, any: ['assignments:review'] },
  { path: 'plans', menu: { to: '/plans', label: 'plans' }, any: ['plans:read'] },
  { path: 'frameworks', menu: { to: '/frameworks', label: 'frameworks' }, any: ['frameworks:read'] },
  { path: 'reports', menu: { to: '/reports', label: 'reports' }, any: ['reports:read'] },
  { path: 'activities', menu: { to: '/activities', label: 'activities' }, any: ['activities:read'] },
  { path: 'scoring', menu: { to: '/scoring', label: 'scTitle' }, any: ['assessments:read'] },
  { path: 'surveys', menu: { to: '/surveys', label: 'surveys' }, any: ['surveys:read', 'surveys:enter'] },
  { path: 'imports', menu: { to: '/imports', label: 'imports' }, any: ['imports:run'] },
  { path: 'admin', menu: { to: '/admin', label: 'admin' }, any: ADMIN_ANY },
  { path: 'account', menu: { to: '/account', label: 'account' }, any: [] },
];

const byPath = new Map(AREAS.map((a) => [a.path, a]));

/** May the holder of these permissions open this path? Paths outside the table (other features) are left open. */
export function mayOpen(pathname: string, can: Can): boolean {
  const area = byPath.get(pathname.split('/')[1] ?? '');
  return !area || !area.any.length || area.any.some(can);
}

/** The menu entries this person may use, in order. */
export function menuFor(can: Can): { to: string; label: Key; path: string }[] {
  const listed = (a: Area) => {
    const need = a.menuAny ?? a.any;
    return !need.length || need.some(can);
  };
  return AREAS.filter((a) => a.menu && listed(a)).map((a) => ({ ...a.menu!, path: a.path }));
}

/**
 * Each role's own first screen: a system administrator → administration; Phòng Nội vụ and leaders and observers →
 * the dashboard; units (who work assignments) → their work list; anyone else → their account.
 */
export function homePath(can: Can): string {
  if (can('dashboards:read') && (can('assignments:review') || !can('assignments:edit'))) return '/dashboard';
  if (can('assignments:edit')) return '/my-work';
  if (ADMIN_ANY.some(can)) return '/admin';
  return '/account';
}

/** Where to go after signing in: the page asked for (same-origin paths only, never /login itself) or the home. */
export function afterLogin(next: string | null, can: Can): string {
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') && next !== '/') return next;
  return homePath(can);
}
