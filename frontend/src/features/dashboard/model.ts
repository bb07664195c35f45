// Pure figures of the dashboard: what each number counts, so the cards, lists and the print view agree.
import type { Summary, UnitStat } from '../../client/types.gen';

/** The four buckets' counts of the summary (a bucket the API leaves out counts 0 where it is shown). */
export function bucketCounts(s: Pick<Summary, 'buckets'>): Record<string, number> {
  return { ...(s.buckets ?? {}) };
}

/** What a unit's on-time rate is measured on: done on time / (done on time + done late + overdue). Chờ duyệt is
 * left out until reviewed, as the API does (api/dashboards/service.py DUE_OR_DONE). */
export function lagOf(u: Pick<UnitStat, 'buckets' | 'on_time_rate'>) {
  const b = u.buckets;
  const onTime = b.done_on_time ?? 0;
  const late = b.done_late ?? 0;
  const overdue = b.overdue ?? 0;
  return { rate: u.on_time_rate ?? null, onTime, dueOrDone: onTime + late + overdue, overdue, late };
}

/** Rows kept for a page of limited room, and how many are left out (said in words, never silently dropped). */
export function firstRows<T>(rows: T[], n: number): { rows: T[]; more: number } {
  return { rows: rows.slice(0, n), more: Math.max(0, rows.length - n) };
}

/** A bar's width (0..100 %) from a percentage that may be missing or out of range. */
export const barWidth = (pct: number | null | undefined) => `${Math.max(0, Math.min(100, Number(pct) || 0))}%`;
