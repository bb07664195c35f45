// API helpers over the auth-aware fetch of ./session (access token in memory, refresh token in sessionStorage, one
// transparent refresh on 401); the session functions are re-exported here for the pages.
import { client } from '../client/client.gen';
import { authFetch, getAccessToken, refreshSession, takePrefetched } from './session';

export {
  authFetch,
  getRefreshToken,
  hasAccessToken,
  hasRefreshToken,
  onSessionLost,
  refreshSession,
  restoreSession,
  setTokens,
  type TokenPair,
} from './session';

export interface FieldErr {
  field?: string | null;
  row?: number | null;
  message: string;
  message_en?: string | null;
}
export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  detail_en?: string | null;
  code?: string;
  errors?: FieldErr[];
}

export class ApiError extends Error {
  status: number;
  problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** The generated SDK's fetch: the boot script's early GET is reused (as in api()), else the auth-aware fetch. */
function sdkFetch(request: Request): Promise<Response> {
  if (request.method === 'GET') {
    const u = new URL(request.url, window.location.origin);
    const early = takePrefetched(u.pathname + u.search);
    if (early) return early.catch(() => authFetch(request));
  }
  return authFetch(request);
}

client.setConfig({ baseUrl: '', fetch: sdkFetch });
// The SDK throws what the server said as an ApiError (status and problem+json body), like api() below.
client.interceptors.error.use((error, response) =>
  response
    ? new ApiError(response.status, (typeof error === 'object' && error ? error : { detail: String(error) }) as Problem)
    : new ApiError(0, { detail: 'Mất kết nối mạng', detail_en: 'Network error' }),
);

async function problemOf(res: Response): Promise<Problem> {
  try {
    return (await res.json()) as Problem;
  } catch {
    return { status: res.status, title: res.statusText };
  }
}

export interface ApiResult<T> {
  data: T;
  etag: string | null;
}

/** JSON request to /api/v1; throws ApiError with the problem+json body. */
export async function api<T>(
  path: string,
  opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const url = `/api/v1${path}`;
  const method = opts.method ?? 'GET';
  // A plain GET the boot script already started (the landing page's list) is not sent twice.
  const early = method === 'GET' && !opts.headers ? takePrefetched(url) : null;
  const send = () => authFetch(url, { method, headers, body });
  const res = early ? await early.catch(send) : await send();
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  const data = res.status === 204 ? (undefined as T) : ((await res.json()) as T);
  return { data, etag: res.headers.get('ETag') };
}

/** Multipart upload with real progress (XMLHttpRequest upload.onprogress). */
export function uploadWithProgress<T>(
  path: string,
  form: FormData,
  onProgress: (percent: number) => void,
  retried = false,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    const accessToken = getAccessToken();
    if (accessToken) xhr.setRequestHeader('Authorization', `Bearer ${accessToken}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: 'Mất kết nối mạng', detail_en: 'Network error' }));
    xhr.onload = async () => {
      let payload: unknown = null;
      try {
        payload = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        payload = null;
      }
      if (xhr.status === 401 && !retried && (await refreshSession())) {
        uploadWithProgress<T>(path, form, onProgress, true).then(resolve, reject);
        return;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        resolve(payload as T);
      } else reject(new ApiError(xhr.status, (payload as Problem) ?? { status: xhr.status }));
    };
    xhr.send(form);
  });
}

/** Download a protected file (bearer header) and hand it to the browser. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await authFetch(`/api/v1${path}`);
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
