// Pure helpers of the dashboard trend (no chart library here: the chart itself is lazy-loaded).
import type { Trend, TrendPoint } from '../client/types.gen';
import { formatDate } from '../i18n';

export type Series = 'due' | 'done_on_time' | 'done_late' | 'overdue' | 'awaiting_review';
export const SERIES: Series[] = ['due', 'done_on_time', 'done_late', 'overdue', 'awaiting_review'];
// The bucket colours of BucketTag; "due" is the context drawn as a light area behind the lines.
export const SERIES_COLORS: Record<Series, string> = {
  due: '#0b5cab',
  done_on_time: '#1d6b2f',
  done_late: '#7a5a00',
  overdue: '#b3261e',
  awaiting_review: '#5b2d90',
};

export interface Filters {
  plan_id?: string;
  unit_id?: string;
  node_id?: string;
}

/** `/assignments?…` with the dashboard's filters and the given extra parameters. */
export function listLink(filters: Filters, extra: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) p.set(k, v);
  const qs = p.toString();
  return `/assignments${qs ? `?${qs}` : ''}`;
}

/**
 * Where a number of the trend leads, when the assignment list can show exactly those assignments:
 * "due" at any point = due on or before its end (`due_to`); the bucket figures of the as-of point = today's
 * buckets. A past point's bucket figure (the state at that date) has no list: null.
 */
export function trendLink(series: Series, point: TrendPoint, isLast: boolean, filters: Filters): string | null {
  if (series === 'due') return listLink(filters, { due_to: point.period_end });
  return isLast ? listLink(filters, { bucket: series }) : null;
}

/** X-axis label: "10/2024" for a month, the week's last day "13/10" for a week. */
export function trendTick(p: TrendPoint, granularity: Trend['granularity']): string {
  const d = formatDate(p.period_end);
  return granularity === 'month' ? d.slice(3) : d.slice(0, 5);
}


/** The Monday ``n`` weeks before the week of ``asOf`` (YYYY-MM-DD), as YYYY-MM-DD: the weekly chart's start. */
export function weeksBefore(asOf: string, n: number): string {
  const d = new Date(`${asOf}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) - 7 * n);
  return d.toISOString().slice(0, 10);
}

/** Round steps (1, 2, 5 × 10ⁿ) giving about five whole-number gridlines from 0 to at least `max`. */
export function yTicks(max: number): number[] {
  const raw = Math.max(1, max) / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow);
  const top = Math.max(step, Math.ceil(Math.max(1, max) / step) * step);
  const out: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) out.push(Math.round(v));
  return out;
}
