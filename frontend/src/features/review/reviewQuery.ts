// The review queue's API request for a URL query, and the small rules of its keyboard flow (Review.tsx).
import type { AssignmentsListData } from '../../client/types.gen';

const FILTERS = ['q', 'unit_id', 'plan_id', 'node_id', 'period_id', 'bucket', 'submitted_since', 'sort'] as const;
export const REVIEW_SIZES = [20, 50, 100, 200];
/** URL keys that are not filters: paging, the open item and the framework whose nodes the node filter lists. */
export const REVIEW_VIEW_KEYS = ['page', 'size', 'open', 'fw'];
export const REVIEW_SORTS = ['submitted_at', '-submitted_at', 'due_date', 'unit'] as const;

const NUMERIC = new Set<string>(['unit_id', 'plan_id', 'node_id', 'period_id']);

export type ReviewListQuery = NonNullable<AssignmentsListData['query']>;

/** The typed query of the SDK's assignmentsList for the page's URL: filters, search, sort and paging are done by the API. */
export function reviewListQuery(params: URLSearchParams): ReviewListQuery {
  const q: Record<string, string | number> = { status: 'submitted' };
  for (const k of FILTERS) {
    const v = params.get(k);
    if (v) q[k] = NUMERIC.has(k) ? Number(v) : v;
  }
  const size = REVIEW_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 200;
  const page = Math.max(1, Number(params.get('page')) || 1);
  q.limit = size;
  q.offset = (page - 1) * size;
  return q as ReviewListQuery;
}

/** `/assignments?status=submitted…` for the page's URL (the request reviewListQuery makes). */
export function reviewPath(params: URLSearchParams): string {
  const q = new URLSearchParams(Object.entries(reviewListQuery(params)).map(([k, v]) => [k, String(v)]));
  return `/assignments?${q.toString()}`;
}

/** The URL after changing one filter: any filter change goes back to the first page (and closes the panel). */
export function withFilter(params: URLSearchParams, key: string, value: string | undefined): URLSearchParams {
  const p = new URLSearchParams(params);
  if (value) p.set(key, value);
  else p.delete(key);
  if (!REVIEW_VIEW_KEYS.includes(key)) {
    p.delete('page');
    p.delete('open');
  }
  if (key === 'fw') p.delete('node_id');
  return p;
}

/** Next / previous position on the page (j/k, ↓/↑), clamped; -1 (nothing highlighted) starts at the first row. */
export function moveIndex(current: number, delta: 1 | -1, length: number): number {
  if (length <= 0) return -1;
  if (current < 0) return 0;
  return Math.min(length - 1, Math.max(0, current + delta));
}

/** The keyboard flow's action for a key press, or null (typing in a field, a modifier held, another key). */
export function reviewKey(e: {
  key: string;
  target: EventTarget | null;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}): 'next' | 'prev' | 'open' | null {
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  const el = e.target as { tagName?: string; isContentEditable?: boolean; getAttribute?: (n: string) => string | null } | null;
  const tag = el?.tagName?.toLowerCase() ?? '';
  if (['input', 'textarea', 'select'].includes(tag) || el?.isContentEditable) return null;
  if (el?.getAttribute?.('role') === 'combobox') return null;
  if (e.key === 'j' || e.key === 'ArrowDown') return 'next';
  if (e.key === 'k' || e.key === 'ArrowUp') return 'prev';
  if (e.key === 'Enter' && !['button', 'a'].includes(tag)) return 'open';
  return null;
}
