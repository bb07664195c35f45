// Test double for the network: the generated SDK (and api()/authFetch) end in globalThis.fetch, so a test answers
// per method and path with real Response objects instead of mocking modules.
//
//   const net = stubFetch({
//     'GET /api/v1/imports/history': { total: 0, items: [] },
//     'PATCH /api/v1/users/3': (req) => reply({ ...user, full_name: 'B' }, { headers: { ETag: '"2"' } }),
//     'POST /api/v1/users': reply({ detail: 'Trùng tên', errors: [...] }, { status: 422 }),
//   });
//   ...
//   expect(net.calls('PATCH /api/v1/users/3')[0].headers.get('If-Match')).toBe('"1"');
//   expect(net.called('GET /api/v1/imports/history?limit=20')).toBe(true);
//
// A key is "METHOD /path" (query ignored) or "METHOD /path?query" (exact query). A value is a JSON body (answered
// 200), a Response, or a function of (Request, URL, body) returning either (async allowed). An unmatched request
// answers 404 problem+json and is recorded in `unmatched` so a test can assert nothing unexpected was asked.
import { vi } from 'vitest';

export interface Recorded {
  method: string;
  /** pathname + search, e.g. "/api/v1/users?limit=20" */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** the parsed JSON body (or the raw text / FormData) */
  body: unknown;
}

type Answer = unknown;
export type Handler = (req: Recorded) => Answer | Promise<Answer>;
export type Routes = Record<string, Answer | Handler>;

/** A Response with a JSON body (problem+json for an error status). */
export function reply(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const status = init.status ?? 200;
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  if (status === 204) return new Response(null, { status, headers: init.headers });
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type, ...(init.headers ?? {}) } });
}

/** The generated client builds Request objects from relative paths, as a browser allows; Node needs a base. */
export function stubRelativeRequest(): void {
  const NativeRequest = globalThis.Request;
  if ((NativeRequest as unknown as { relativeOk?: boolean }).relativeOk) return;
  class RelativeRequest extends NativeRequest {
    static relativeOk = true;
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === 'string' && input.startsWith('/') ? `http://localhost${input}` : input, init);
    }
  }
  vi.stubGlobal('Request', RelativeRequest);
}

async function readBody(req: Request): Promise<unknown> {
  const type = req.headers.get('Content-Type') ?? '';
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  if (type.includes('multipart/form-data')) return req.formData();
  const text = await req.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface FetchStub {
  /** every request, in order */
  log: Recorded[];
  /** requests that no route answered */
  unmatched: Recorded[];
  /** requests matching a key ("METHOD /path" or "METHOD /path?query") */
  calls: (key: string) => Recorded[];
  called: (key: string) => boolean;
  /** add or replace routes (e.g. what the server holds after a save) */
  on: (routes: Routes) => void;
  mock: ReturnType<typeof vi.fn>;
}

function matches(key: string, r: Recorded): boolean {
  const [method, target] = key.split(' ', 2);
  if (method !== r.method) return false;
  return target.includes('?') ? target === r.url : target === r.path;
}

const originalFetch = globalThis.fetch;

/** Puts the real fetch back (call in afterEach; vi.unstubAllGlobals() also does, with every other stub). */
export function restoreFetch(): void {
  globalThis.fetch = originalFetch;
}

/** Replaces globalThis.fetch for the current test (undone by restoreFetch() or vi.unstubAllGlobals()). */
export function stubFetch(routes: Routes = {}): FetchStub {
  stubRelativeRequest();
  const table: Routes = { ...routes };
  const log: Recorded[] = [];
  const unmatched: Recorded[] = [];
  const mock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request && !init ? input : new Request(input instanceof URL ? input.href : input, init);
    const u = new URL(req.url, 'http://localhost');
    const rec: Recorded = {
      method: req.method.toUpperCase(),
      url: u.pathname + u.search,
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body: await readBody(req.clone()),
    };
    log.push(rec);
    // exact query first, then path only; later routes (on()) win over earlier ones
    const keys = Object.keys(table).reverse();
    const key = keys.find((k) => k.includes('?') && matches(k, rec)) ?? keys.find((k) => !k.includes('?') && matches(k, rec));
    if (key === undefined) {
      unmatched.push(rec);
      return reply({ title: 'Not Found', status: 404, detail: `no stub for ${rec.method} ${rec.url}` }, { status: 404 });
    }
    const value = table[key];
    const answer = typeof value === 'function' ? await (value as Handler)(rec) : value;
    return answer instanceof Response ? answer : reply(answer);
  });
  globalThis.fetch = mock as unknown as typeof fetch;
  return {
    log,
    unmatched,
    calls: (key) => log.filter((r) => matches(key, r)),
    called: (key) => log.some((r) => matches(key, r)),
    on: (more) => {
      for (const [k, v] of Object.entries(more)) {
        delete table[k];
        table[k] = v;
      }
    },
    mock,
  };
}
