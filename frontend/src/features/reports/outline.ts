// The report's outline and indicator table in the browser (contract B of the wave): shapes, the drafts typed by
// the unit → the PUT body, and which rows the caller may type into.
import type { IndicatorItem, ReportIndicators } from '../../client/types.gen';
import { parseDecimal } from '../activities/model';

export interface OutlineSection {
  key: string;
  number: string;
  title: string;
  /** auto | written | heading | indicators */
  fill: string;
  depth?: number | null;
  hint?: string | null;
  text?: string | null;
  auto_text?: string | null;
}

export type IndicatorRow = IndicatorItem;
export type IndicatorTable = ReportIndicators;

export interface Draft {
  value?: string;
  note?: string;
}

/** A row the caller types into: the API says so (`editable`: the report is a draft the caller may edit, the value
 * is neither computed nor rolled up from the units). */
export const enterable = (row: IndicatorRow): boolean => !!row.editable && row.indicator_id != null && !row.computed;

/**
 * The drafts → {values: [...]} of the PUT, only rows that changed; `bad` lists the rows whose value is not a number
 * (nothing is sent while any is bad).
 */
export function indicatorBody(rows: IndicatorRow[], drafts: Record<number, Draft>): { values: { indicator_id: number; value: string | null; note: string | null }[]; bad: number[] } {
  const values: { indicator_id: number; value: string | null; note: string | null }[] = [];
  const bad: number[] = [];
  for (const r of rows) {
    if (r.indicator_id == null || !enterable(r)) continue;
    const d = drafts[r.indicator_id];
    if (!d) continue;
    const value = d.value === undefined ? r.value : parseDecimal(d.value);
    if (value === undefined) {
      bad.push(r.indicator_id);
      continue;
    }
    const note = d.note === undefined ? (r.note ?? null) : d.note.trim() || null;
    if (value === r.value && note === (r.note ?? null)) continue;
    values.push({ indicator_id: r.indicator_id, value, note });
  }
  return { values, bad };
}

/** Depth of a heading number: I, II… → 0; 1, 2… → 1; a, b… → 2 (unless the API says). */
export function depthOf(s: Pick<OutlineSection, 'number' | 'depth'>): number {
  if (s.depth != null) return s.depth;
  if (/^[IVXL]+$/.test(s.number)) return 0;
  if (/^\d+(\.\d+)*$/.test(s.number)) return 1;
  return 2;
}
