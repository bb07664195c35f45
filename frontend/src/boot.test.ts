import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, setTokens } from './api/http';
import { prefetch, restoreSession, resumeSession } from './api/session';
import { pageOf, workQueuePath } from './features/assignments/myWorkQuery';

afterEach(() => {
  vi.unstubAllGlobals();
  setTokens(null);
});

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
