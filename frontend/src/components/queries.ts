// Server-state helpers over the generated SDK and TanStack Query (src/api/query.ts) for what the generated
// `xxxOptions()` do not cover: a read whose ETag the page sends back as If-Match, and "every page" of a list.
import { queryOptions } from '@tanstack/react-query';

/** A resource with the version the server gave it (the ETag header), for an If-Match on the next write. */
export interface Tagged<T> {
  data: T;
  etag: string | null;
}

/** What an SDK call with `throwOnError: true` resolves to, reduced to the body and its ETag. */
export const tagged = <T>(r: { data: T; response: Response }): Tagged<T> => ({
  data: r.data,
  etag: r.response.headers.get('ETag'),
});

/**
 * The query of one resource with its ETag: keyed under the operation's own key (`xxxQueryKey(opts)` + "etag"), so
 * invalidating the operation (or the detail) refetches it too; after a write, `setQueryData(key, tagged(r))`.
 */
export function etagQuery<T, K extends readonly unknown[]>(
  key: K,
  get: (signal: AbortSignal) => Promise<{ data: T; response: Response }>,
) {
  return queryOptions({
    queryKey: [...key, 'etag'] as const,
    queryFn: async ({ signal }): Promise<Tagged<T>> => tagged(await get(signal)),
  });
}

/** The If-Match header for a write, when the read gave a version. */
export const ifMatch = (etag: string | null | undefined): Record<string, string> => (etag ? { 'If-Match': etag } : {});

/** Every row of a paged list (the API caps a page at 500), page after page. */
export async function everyPage<T>(
  get: (page: { limit: number; offset: number }) => Promise<{ items: T[]; total: number }>,
  pageSize = 500,
): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await get({ limit: pageSize, offset });
    out.push(...page.items);
    if (out.length >= page.total || page.items.length === 0) return out;
  }
}
