// What the bounded appendix does not list (#19): the appendix carries, per task, the count of its units and of its
// assignments by status and only its first `units_limit` units; these words and counts say what is left out.
import { useI18n } from '../../i18n';
import type { Appendix } from './model';

export type AppendixTask = Appendix['tasks'][number];

export const STATUSES = ['not_started', 'in_progress', 'submitted', 'returned', 'approved'] as const;
export const UNITS_PAGE = 20;

const vi = {
  more: '… và {n} đơn vị khác',
  moreCoord: '… và {n} đơn vị phối hợp khác',
  openAll: 'Xem tất cả {n} đơn vị',
  title: 'Đơn vị thực hiện nhiệm vụ {label}',
  unit: 'Đơn vị',
  instance: 'Kỳ',
  due: 'Hạn',
  progress: 'Tiến độ',
  searchUnit: 'Tìm đơn vị',
  total: 'Tổng số: {n}',
  failed: 'Không tải được danh sách đơn vị.',
  close: 'Đóng',
};
type Key = keyof typeof vi;
const en: Record<Key, string> = {
  more: '… and {n} more units',
  moreCoord: '… and {n} more coordinating units',
  openAll: 'See all {n} units',
  title: 'Units working on task {label}',
  unit: 'Unit',
  instance: 'Period',
  due: 'Due',
  progress: 'Progress',
  searchUnit: 'Search units',
  total: 'Total: {n}',
  failed: 'The unit list could not be loaded.',
  close: 'Close',
};

export function useUnitWords() {
  const i18n = useI18n();
  const dict = i18n.lang === 'en' ? en : vi;
  return (k: Key, vars: Record<string, string | number> = {}) =>
    Object.entries(vars).reduce((s, [name, v]) => s.replace(`{${name}}`, String(v)), dict[k]);
}

/** Units of the task not listed in the appendix (0 when it lists them all). */
export function hiddenUnits(x: Pick<AppendixTask, 'units' | 'units_total' | 'units_truncated'>): number {
  if (!x.units_truncated) return 0;
  return Math.max(0, (x.units_total ?? 0) - new Set((x.units ?? []).map((u) => u.unit_id)).size);
}

/** Coordinators of the task not listed in the appendix. */
export function hiddenCoordinators(x: Pick<AppendixTask, 'coordinating_units' | 'coordinating_total' | 'coordinating_truncated'>): number {
  if (!x.coordinating_truncated) return 0;
  return Math.max(0, (x.coordinating_total ?? 0) - (x.coordinating_units ?? []).length);
}

/** "Đã duyệt: 1.238 · Đang thực hiện: 825": the task's assignments by status (all of them), the non-zero ones. */
export function statusSummary(counts: Record<string, number> | undefined, label: (v: string) => string, num: (v: number) => string): string {
  return STATUSES.filter((s) => (counts?.[s] ?? 0) > 0)
    .map((s) => `${label(s)}: ${num(counts![s])}`)
    .join(' · ');
}
