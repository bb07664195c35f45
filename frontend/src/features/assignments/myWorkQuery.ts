// The work queue's API request for a URL query: shared by the page and by the entry script, which starts the request
// on a cold load of /my-work before the page code has arrived (so both must build exactly the same path).
import type { AssignmentsWorkCountsData, AssignmentsWorkListData } from '../../client/types.gen';

export const PAGE_SIZES = [20, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 200;

/** Work states in the order of what to do next (the API's `sort=work`, its default on /assignments/work). */
export const WORK_STATES = ['overdue', 'due_soon', 'in_progress', 'not_started', 'submitted', 'done'] as const;
export type WorkState = (typeof WORK_STATES)[number];

/** URL parameters that choose rows of the list but not what the counts at the top count. */
const LIST_ONLY = ['state', 'ready', 'include_done', 'sort'];

/** 1-based page number and page size from `?page=&size=` (anything else falls back to the defaults). */
export function pageOf(params: URLSearchParams): { page: number; size: number } {
  const page = Number(params.get('page'));
  const size = Number(params.get('size'));
  return {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/** The URL's filters as API parameters: `mine=true` for "Việc của tôi"; the dashboard's drill-down (all) and a
 *  filter that asks for finished work (approved status, done buckets, the done state) include approved work. */
function filters(params: URLSearchParams, all: boolean): URLSearchParams {
  const q = new URLSearchParams(params);
  q.delete('page');
  q.delete('size');
  if (!all) q.set('mine', 'true');
  const wantsDone =
    all || q.get('status') === 'approved' || ['done_on_time', 'done_late'].includes(q.get('bucket') ?? '') || q.get('state') === 'done';
  if (wantsDone && !q.has('include_done')) q.set('include_done', 'true');
  return q;
}

/** The SDK query of assignmentsWorkList for the page's URL query: its filters, plus limit/offset (ordered by what to
 *  do next). The URL's values pass as written (the API validates them), in the order workQueuePath sends them. */
export function workQueueQuery(params: URLSearchParams, all: boolean): AssignmentsWorkListData['query'] {
  const { page, size } = pageOf(params);
  const q = filters(params, all);
  q.set('limit', String(size));
  q.set('offset', String((page - 1) * size));
  return Object.fromEntries(q) as AssignmentsWorkListData['query'];
}

/** The SDK query of assignmentsWorkCounts: the counts per state for the same filters, whatever state or page is shown. */
export function workCountsQuery(params: URLSearchParams, all: boolean): AssignmentsWorkCountsData['query'] {
  const q = filters(params, all);
  for (const k of LIST_ONLY) q.delete(k);
  return Object.fromEntries(q) as AssignmentsWorkCountsData['query'];
}

const pathOf = (base: string, query: object | undefined) =>
  `${base}?${new URLSearchParams(Object.entries(query ?? {}).map(([k, v]) => [k, String(v)])).toString()}`;

/** `/assignments/work?…`: the request workQueueQuery makes (the entry script prefetches it on a cold load). */
export const workQueuePath = (params: URLSearchParams, all: boolean): string => pathOf('/assignments/work', workQueueQuery(params, all));

/** `/assignments/work/counts?…`: the request workCountsQuery makes. */
export const workCountsPath = (params: URLSearchParams, all: boolean): string =>
  pathOf('/assignments/work/counts', workCountsQuery(params, all));

/** "2024-Q1" → Quý I/2024, "2024-Q2" → 6 tháng 2024, "2024-Q3" → Quý III/2024, "2024-Q4" → Năm 2024 (the reporting
 *  periods' names), "2024-03" → Tháng 3/2024; templates from the dictionary (`{y}`, `{m}`). Empty for "". */
export function periodOfInstance(key: string | null | undefined, t: (k: 'periodQ1' | 'periodH1' | 'periodQ3' | 'periodYear' | 'periodMonth') => string): string {
  const m = /^(\d{4})-(Q[1-4]|\d{2})$/.exec(key ?? '');
  if (!m) return key ?? '';
  const [, y, p] = m;
  const tpl = { Q1: t('periodQ1'), Q2: t('periodH1'), Q3: t('periodQ3'), Q4: t('periodYear') }[p] ?? t('periodMonth');
  return tpl.replace('{y}', y).replace('{m}', String(Number(p)));
}
