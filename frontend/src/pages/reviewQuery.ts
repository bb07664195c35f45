// The review queue's API request for a URL query (Review.tsx).

const FILTERS = ['q', 'unit_id', 'plan_id', 'bucket', 'submitted_since'] as const;
export const REVIEW_SIZES = [20, 50, 100, 200];

/** `/assignments?status=submitted…` for the page's URL: filters, search and paging are done by the API. */
export function reviewPath(params: URLSearchParams): string {
  const q = new URLSearchParams({ status: 'submitted' });
  for (const k of FILTERS) {
    const v = params.get(k);
    if (v) q.set(k, v);
  }
  const size = REVIEW_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 200;
  const page = Math.max(1, Number(params.get('page')) || 1);
  q.set('limit', String(size));
  q.set('offset', String((page - 1) * size));
  return `/assignments?${q.toString()}`;
}
