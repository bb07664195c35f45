// The session, without dependencies: the entry script (main.tsx) imports this module alone so that, on a reload, the
// token refresh and the landing page's list request leave while React, antd and the page code are still downloading.
// Access token in memory, refresh token in sessionStorage, one transparent refresh on 401.
import type { MeRead } from '../client/types.gen';

const REFRESH_KEY = 'parsipas.refresh';
/** Set ('1') while the stored session's user may read the work list (from its last /me): the entry script prefetches
 *  the list on a reload of /my-work only then — for anyone else (the admin) it would be a 403 in the console. */
const WORK_LIST_KEY = 'parsipas.workList';
let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export function setTokens(pair: TokenPair | null): void {
  accessToken = pair?.access_token ?? null;
  if (pair) sessionStorage.setItem(REFRESH_KEY, pair.refresh_token);
  else {
    sessionStorage.removeItem(REFRESH_KEY);
    sessionStorage.removeItem(WORK_LIST_KEY);
  }
}
/** Note from the signed-in user's /me whether the work list is theirs to read (kept with the refresh token). */
export function rememberAccess(me: MeRead | null): void {
  if (me && !me.must_change_password && me.permissions.includes('assignments:read')) sessionStorage.setItem(WORK_LIST_KEY, '1');
  else sessionStorage.removeItem(WORK_LIST_KEY);
}
/** Whether the stored session's user may read the work list; false when not known (no /me seen in this tab yet). */
export const mayReadWorkList = (): boolean => hasRefreshToken() && sessionStorage.getItem(WORK_LIST_KEY) === '1';
export const hasRefreshToken = (): boolean => !!sessionStorage.getItem(REFRESH_KEY);
export const getRefreshToken = (): string | null => sessionStorage.getItem(REFRESH_KEY);
export const hasAccessToken = (): boolean => !!accessToken;
export const getAccessToken = (): string | null => accessToken;
/** Called when the session is definitely gone (refresh failed). */
export function onSessionLost(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

const nativeFetch: typeof fetch = (...args) => globalThis.fetch(...args);

/** Exchange the stored refresh token for a new pair; concurrent callers share one request. */
export function refreshSession(): Promise<boolean> {
  const token = getRefreshToken();
  if (!token) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const r = await nativeFetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
      });
      if (!r.ok) {
        setTokens(null);
        listeners.forEach((l) => l());
        return false;
      }
      setTokens((await r.json()) as TokenPair);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function withAuth(input: Request): Request {
  const req = input.clone();
  if (accessToken) req.headers.set('Authorization', `Bearer ${accessToken}`);
  return req;
}

/** fetch() with the bearer token; on 401 refreshes once and replays the same request (form data is kept). */
export const authFetch: typeof fetch = async (input, init) => {
  const target = typeof input === 'string' ? new URL(input, globalThis.location?.href) : input;
  const base = target instanceof Request && !init ? target : new Request(target, init);
  const spare = base.clone();
  let res = await nativeFetch(withAuth(base));
  if (res.status === 401 && !base.url.includes('/auth/') && (await refreshSession())) {
    res = await nativeFetch(withAuth(spare));
  }
  return res;
};

const JSON_HEADERS = { Accept: 'application/json' };
let resuming: Promise<boolean> | null = null;
let restoring: Promise<MeRead | null> | null = null;

/** On load: get an access token from the stored refresh token (once; later callers share the answer). */
export function resumeSession(): Promise<boolean> {
  if (hasAccessToken()) return Promise.resolve(true);
  resuming ??= refreshSession();
  return resuming;
}

/** On load: the signed-in user (refresh, then /me), or null when there is no usable session. */
export function restoreSession(): Promise<MeRead | null> {
  restoring ??= (async () => {
    if (!hasAccessToken() && !hasRefreshToken()) return null;
    if (!(await resumeSession())) return null;
    try {
      const r = await authFetch('/api/v1/me', { headers: JSON_HEADERS });
      const me = r.ok ? ((await r.json()) as MeRead) : null;
      if (me) rememberAccess(me);
      return me;
    } catch {
      return null;
    }
  })();
  return restoring;
}

const PREFETCH_TTL_MS = 60_000;
const prefetched = new Map<string, { at: number; res: Promise<Response> }>();

/** Start GET /api/v1{path} as soon as the session has an access token, without waiting for /me or the page code.
 *  The page's own `api()` call of the same path takes the response (once, within a minute). */
export function prefetch(path: string): void {
  const url = `/api/v1${path}`;
  const res = resumeSession().then(() => authFetch(url, { headers: JSON_HEADERS }));
  res.catch(() => undefined); // a failed prefetch is retried by the page itself
  prefetched.set(url, { at: Date.now(), res });
}

/** The prefetched response for this URL, if any (removed: a later call fetches again). */
export function takePrefetched(url: string): Promise<Response> | null {
  const hit = prefetched.get(url);
  if (!hit) return null;
  prefetched.delete(url);
  return Date.now() - hit.at <= PREFETCH_TTL_MS ? hit.res : null;
}
