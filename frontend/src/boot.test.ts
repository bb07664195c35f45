import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, setTokens } from './api/http';
import { mayReadWorkList, prefetch, rememberAccess, restoreSession, resumeSession } from './api/session';
import { landingPrefetch } from './boot';
import { pageOf, workQueuePath } from './features/assignments/myWorkQuery';

afterEach(() => {
  vi.unstubAllGlobals();
  setTokens(null);
});

type Me = Parameters<typeof rememberAccess>[0] & object;
const meWith = (permissions: string[], extra: Partial<Me> = {}): Me =>
  ({ id: 1, username: 'u', full_name: 'U', kind: 'user', memberships: [], today: '2026-12-06', permissions, ...extra }) as Me;

describe('work queue query', () => {
  it('turns page and size into limit/offset and keeps the filters', () => {
    const p = new URLSearchParams('bucket=overdue&q=SIPAS&page=3&size=20');
    expect(pageOf(p)).toEqual({ page: 3, size: 20 });
    const path = workQueuePath(p, false);
    const q = new URLSearchParams(path.split('?')[1]);
    expect(path.startsWith('/assignments/work?')).toBe(true);
    expect(Object.fromEntries(q)).toEqual({ bucket: 'overdue', q: 'SIPAS', mine: 'true', limit: '20', offset: '40' });
  });
  it('falls back to the first page and the default size on odd input', () => {
    expect(pageOf(new URLSearchParams('page=-2&size=7'))).toEqual({ page: 1, size: 200 });
    expect(pageOf(new URLSearchParams('page=abc'))).toEqual({ page: 1, size: 200 });
  });
  it('lists every unit for the dashboard drill-down (no mine=true)', () => {
    const q = new URLSearchParams(workQueuePath(new URLSearchParams('unit_id=4'), true).split('?')[1]);
    expect(q.get('mine')).toBeNull();
    expect(q.get('unit_id')).toBe('4');
  });
});

describe('session restore on load', () => {
  it('sends the list request right after the refresh, not after /me, and the page reuses it', async () => {
    sessionStorage.setItem('parsipas.refresh', 'refresh-0123456789');
    const seen: string[] = [];
    let releaseMe: () => void = () => undefined;
    const meGate = new Promise<void>((r) => (releaseMe = r));
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: Request | string, init?: RequestInit) => {
        const req = input instanceof Request ? input : new Request(new URL(input, 'http://x'), init);
        const path = new URL(req.url).pathname + new URL(req.url).search;
        seen.push(`${path} ${req.headers.get('Authorization') ?? '-'}`);
        if (path === '/api/v1/auth/refresh')
          return new Response(JSON.stringify({ access_token: 'acc', refresh_token: 'refresh-abcdefghij', expires_in: 900 }), { status: 200 });
        if (path === '/api/v1/me') {
          await meGate; // /me is slow: the list must not wait for it
          return new Response(JSON.stringify({ id: 1, permissions: [] }), { status: 200 });
        }
        return new Response(JSON.stringify({ items: [{ id: 7 }], total: 1 }), { status: 200, headers: { ETag: '"l"' } });
      }),
    );
    const me = restoreSession();
    prefetch('/assignments?mine=true&limit=200&offset=0');
    expect(await resumeSession()).toBe(true);
    const list = await api<{ total: number }>('/assignments?mine=true&limit=200&offset=0');
    expect(list.data.total).toBe(1);
    expect(seen).toEqual([
      '/api/v1/auth/refresh -',
      '/api/v1/me Bearer acc',
      '/api/v1/assignments?mine=true&limit=200&offset=0 Bearer acc',
    ]);
    releaseMe();
    expect(await me).toEqual({ id: 1, permissions: [] });
    // taken once: the next call (a reload of the page's data) goes to the server again
    await api('/assignments?mine=true&limit=200&offset=0');
    expect(seen).toHaveLength(4);
  });
});

describe('what a cold load prefetches (main.tsx)', () => {
  const signIn = () => setTokens({ access_token: 'a', refresh_token: 'refresh-0123456789', expires_in: 900 });

  it('prefetches the work list of /my-work for a user who may read it', () => {
    signIn();
    rememberAccess(meWith(['assignments:read', 'assignments:edit']));
    expect(mayReadWorkList()).toBe(true);
    expect(landingPrefetch('/my-work', '?bucket=overdue&page=2&size=20')).toBe(workQueuePath(new URLSearchParams('bucket=overdue&page=2&size=20'), false));
    expect(landingPrefetch('/my-work/', '')).toBe(workQueuePath(new URLSearchParams(''), false));
    expect(landingPrefetch('/dashboard', '')).toBeNull();
    expect(landingPrefetch('/', '')).toBeNull();
  });
  it('prefetches nothing for the admin (no assignments:read: the list would be a 403)', () => {
    signIn();
    rememberAccess(meWith(['units:read', 'users:manage', 'frameworks:manage']));
    expect(landingPrefetch('/my-work', '')).toBeNull();
  });
  it('prefetches nothing while the password must be changed (every other call is a 403)', () => {
    signIn();
    rememberAccess(meWith(['assignments:read'], { must_change_password: true }));
    expect(landingPrefetch('/my-work', '')).toBeNull();
  });
  it('prefetches nothing when the rights are unknown or the session is gone', () => {
    signIn();
    expect(landingPrefetch('/my-work', '')).toBeNull(); // no /me seen in this tab
    rememberAccess(meWith(['assignments:read']));
    setTokens(null); // logged out: the note goes with the refresh token
    expect(landingPrefetch('/my-work', '')).toBeNull();
    signIn();
    expect(mayReadWorkList()).toBe(false);
  });
  it('the restored session notes what its /me allows', async () => {
    sessionStorage.setItem('parsipas.refresh', 'refresh-0123456789');
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: Request | string, init?: RequestInit) => {
        const req = input instanceof Request ? input : new Request(new URL(input, 'http://x'), init);
        if (new URL(req.url).pathname === '/api/v1/auth/refresh')
          return new Response(JSON.stringify({ access_token: 'acc', refresh_token: 'refresh-abcdefghij', expires_in: 900 }), { status: 200 });
        return new Response(JSON.stringify(meWith(['units:read'])), { status: 200 });
      }),
    );
    rememberAccess(meWith(['assignments:read'])); // an older note (the role was changed since)
    vi.resetModules(); // a fresh load: restoreSession answers once per page
    const fresh = await import('./api/session');
    const boot = await import('./boot');
    const me = await fresh.restoreSession();
    expect(me?.permissions).toEqual(['units:read']);
    expect(boot.landingPrefetch('/my-work', '')).toBeNull();
    fresh.setTokens(null);
  });
});
