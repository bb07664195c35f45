// The work queue's API request for a URL query: shared by the page and by the entry script, which starts the request
// on a cold load of /my-work before the page code has arrived (so both must build exactly the same path).

export const PAGE_SIZES = [20, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 200;

/** 1-based page number and page size from `?page=&size=` (anything else falls back to the defaults). */
export function pageOf(params: URLSearchParams): { page: number; size: number } {
  const page = Number(params.get('page'));
  const size = Number(params.get('size'));
  return {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/** `/assignments?…` for the page's URL query: its filters as they are, plus `mine=true` and limit/offset. */
export function workQueuePath(params: URLSearchParams, all: boolean): string {
  const { page, size } = pageOf(params);
  const q = new URLSearchParams(params);
  q.delete('page');
  q.delete('size');
  if (!all) q.set('mine', 'true');
  q.set('limit', String(size));
  q.set('offset', String((page - 1) * size));
  return `/assignments?${q.toString()}`;
}
