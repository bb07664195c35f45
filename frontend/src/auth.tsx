import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authLogin, authLogout, authMe } from './client/sdk.gen';
import type { MeRead } from './client/types.gen';
import { queryClient } from './api/query';
import { rememberAccess } from './api/session';
import { ApiError, getRefreshToken, onSessionLost, restoreSession, setTokens, type Problem, type TokenPair } from './api/http';

interface AuthState {
  me: MeRead | null;
  ready: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  can: (perm: string) => boolean;
}

const AuthContext = createContext<AuthState | null>(null);

/** The SDK's error interceptor (api/http.ts) already makes an ApiError; anything else is wrapped. */
function asApiError(error: unknown, response: Response | undefined): ApiError {
  return error instanceof ApiError ? error : new ApiError(response?.status ?? 0, (error ?? {}) as Problem);
}

async function loadMe(): Promise<MeRead> {
  const r = await authMe();
  if (r.error || !r.data) throw asApiError(r.error, r.response);
  return r.data;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<MeRead | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    // Reload keeps the session: the refresh token lives in sessionStorage, the access token only in memory. The entry
    // script (main.tsx) already started the refresh and /me while this code was downloading; this waits for them.
    let alive = true;
    void restoreSession().then((m) => {
      if (!alive) return;
      if (m) setMe(m);
      setReady(true);
    });
    const off = onSessionLost(() => {
      queryClient.clear(); // nothing of one session is shown to the next
      setMe(null);
    });
    return () => {
      alive = false;
      off();
    };
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    void import('./pages/Shell'); // fetched while the credentials are checked
    const r = await authLogin({ body: { username, password } });
    if (r.error || !r.data) throw asApiError(r.error, r.response);
    queryClient.clear();
    setTokens(r.data as TokenPair);
    const signedIn = await loadMe();
    rememberAccess(signedIn); // what a reload of this tab may prefetch (main.tsx)
    setMe(signedIn);
  }, []);

  const logout = useCallback(async () => {
    try {
      await authLogout({ body: { refresh_token: getRefreshToken() } });
    } finally {
      setTokens(null);
      queryClient.clear();
      setMe(null);
    }
  }, []);

  const value = useMemo<AuthState>(
    () => ({
      me,
      ready,
      login,
      logout,
      can: (perm) => !!me?.permissions.includes(perm as MeRead['permissions'][number]),
    }),
    [me, ready, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('AuthProvider missing');
  return ctx;
}
