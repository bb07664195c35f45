// The ETag of what the generated SDK read or wrote, for the next If-Match (edits that must name the version they
// change). Call the SDK function with `throwOnError: true`; errors still arrive as ApiError (src/api/http.ts).
export interface Tagged<T> {
  data: T;
  etag: string | null;
}

/** `await etagged(xxxGet({ path, throwOnError: true }))` → `{ data, etag }`, typed by the SDK function. */
export async function etagged<T>(call: Promise<{ data: T; response: Response }>): Promise<Tagged<T>> {
  const { data, response } = await call;
  return { data, etag: response.headers.get('ETag') };
}
