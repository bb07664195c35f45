import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, setTokens } from './api/http';

afterEach(() => {
  vi.unstubAllGlobals();
  setTokens(null);
});

describe('authFetch', () => {
  it('refreshes once on 401 and replays the same request with its body', async () => {
    setTokens({ access_token: 'old', refresh_token: 'refresh-0123456789', expires_in: 900 });
    const seen: { url: string; auth: string | null; body: string }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: Request | string, init?: RequestInit) => {
        const req = input instanceof Request ? input : new Request(new URL(input, 'http://x'), init);
        seen.push({ url: new URL(req.url).pathname, auth: req.headers.get('Authorization'), body: await req.text() });
        if (req.url.endsWith('/auth/refresh'))
          return new Response(JSON.stringify({ access_token: 'new', refresh_token: 'refresh-abcdefghij', expires_in: 900 }), { status: 200 });
        if (req.headers.get('Authorization') === 'Bearer old') return new Response('{"detail":"hết hạn"}', { status: 401 });
        return new Response('{"ok":true}', { status: 200, headers: { ETag: '"a-1-v2"' } });
      }),
    );
    const r = await api<{ ok: boolean }>('/assignments/1', { method: 'PATCH', body: { progress: 60 } });
    expect(r).toEqual({ data: { ok: true }, etag: '"a-1-v2"' });
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/assignments/1', '/api/v1/auth/refresh', '/api/v1/assignments/1']);
    expect(seen[2].auth).toBe('Bearer new');
    expect(seen[2].body).toBe('{"progress":60}');
    expect(sessionStorage.getItem('parsipas.refresh')).toBe('refresh-abcdefghij');
  });
});
