// Kế hoạch in the browser: the form ⇄ body mapping of a task, the words of its deadline and of its coordinators
// (the API calls are the generated SDK's, with If-Match / Idempotency-Key, in the screens).
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import type { Appendix, PlanRead, TaskRead } from '../../api/types';
import type { OrgUnitRead } from '../../client/types.gen';
import type { I18n, Key } from '../../i18n';

export type { Appendix, PlanRead, TaskRead };

export const PERIOD_CODES = ['Q1', 'Q2', 'Q3', 'Q4', 'H1', 'H2', 'Y'] as const;
export const RECURRENCES = ['monthly', 'quarterly', 'continuous'] as const;
export const DEADLINE_KINDS = ['date', 'period', 'recurring'] as const;

const PERIOD_KEYS: Record<string, Key> = {
  Q1: 'plPeriodQ1',
  Q2: 'plPeriodQ2',
  Q3: 'plPeriodQ3',
  Q4: 'plPeriodQ4',
  H1: 'plPeriodH1',
  H2: 'plPeriodH2',
  Y: 'plPeriodY',
};
export const RECURRENCE_KEYS: Record<string, Key> = {
  monthly: 'plMonthly',
  quarterly: 'plQuarterly',
  continuous: 'plContinuous',
};
export const KIND_KEYS: Record<string, Key> = { date: 'plKindDate', period: 'plKindPeriod', recurring: 'plKindRecurring' };

/** "Quý I/2024", "Hằng tháng", "30/11/2024": what the deadline reads on screen (never a raw code). */
export function deadlineText(x: Pick<TaskRead, 'deadline_text' | 'due_date' | 'period_code' | 'period_year' | 'recurrence' | 'deadline_kind'>, i18n: Pick<I18n, 't' | 'date'>, year?: number): string {
  if (x.deadline_text) return x.deadline_text;
  if (x.deadline_kind === 'date' && x.due_date) return i18n.date(x.due_date);
  if (x.deadline_kind === 'period' && x.period_code) {
    const k = PERIOD_KEYS[x.period_code];
    return `${k ? i18n.t(k) : x.period_code}/${x.period_year ?? year ?? ''}`;
  }
  if (x.recurrence) return i18n.t(RECURRENCE_KEYS[x.recurrence] ?? 'plKindRecurring');
  return x.due_date ? i18n.date(x.due_date) : '';
}

/** A due instance's key ("2024-Q1", "2024-03", "2024-H1") in words: "Quý I/2024", "Tháng 3/2024". */
export function instanceName(key: string, t: I18n['t']): string {
  const q = /^(\d{4})-(Q[1-4]|H[12]|Y)$/.exec(key);
  if (q) return `${t(PERIOD_KEYS[q[2]])}/${q[1]}`;
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return `${t('plMonth')} ${Number(m[2])}/${m[1]}`;
  return key;
}

export const periodLabel = (code: string, t: I18n['t']) => (PERIOD_KEYS[code] ? t(PERIOD_KEYS[code]) : code);

export interface TaskValues {
  label?: string;
  section_id?: number | null;
  title?: string;
  product?: string;
  description?: string;
  deadline_kind?: string;
  due_date?: Dayjs | null;
  period_code?: string | null;
  recurrence?: string | null;
  lead_unit_id?: number;
  coordinating_unit_ids?: number[];
  node_ids?: number[];
  target?: string;
  reason?: string;
}

const blank = (v?: string | null) => (v == null || v.trim() === '' ? null : v.trim());

/** Form → the API's TaskCreate / TaskUpdate body (dates as YYYY-MM-DD; the deadline's unused fields cleared). */
export function taskBody(v: TaskValues, year: number, issued: boolean): Record<string, unknown> {
  const kind = v.deadline_kind ?? 'date';
  const body: Record<string, unknown> = {
    label: (v.label ?? '').trim(),
    section_id: v.section_id ?? null,
    title: (v.title ?? '').trim(),
    product: blank(v.product),
    description: blank(v.description),
    deadline_kind: kind,
    due_date: kind === 'date' && v.due_date ? v.due_date.format('YYYY-MM-DD') : null,
    period_code: kind === 'period' ? (v.period_code ?? null) : null,
    period_year: kind === 'period' ? year : null,
    recurrence: kind === 'recurring' ? (v.recurrence ?? null) : null,
    lead_unit_id: v.lead_unit_id,
    coordinating_unit_ids: (v.coordinating_unit_ids ?? []).filter((id) => id !== v.lead_unit_id),
    node_ids: v.node_ids ?? [],
    target: blank(v.target),
  };
  if (issued) body.reason = (v.reason ?? '').trim();
  return body;
}

/** A task → the form's initial values. */
export function taskValues(x: TaskRead): TaskValues {
  return {
    label: x.label,
    section_id: x.section_id,
    title: x.title,
    product: x.product ?? '',
    description: x.description ?? '',
    deadline_kind: x.deadline_kind,
    due_date: x.due_date ? dayjs(x.due_date) : null,
    period_code: x.period_code,
    recurrence: x.recurrence,
    lead_unit_id: x.lead_unit_id,
    coordinating_unit_ids: (x.coordinating_units ?? []).map((u) => u.id),
    node_ids: (x.nodes ?? []).map((n) => n.id),
    target: x.target ?? '',
  };
}

export const TASK_FIELDS = [
  'label',
  'section_id',
  'title',
  'product',
  'description',
  'deadline_kind',
  'due_date',
  'period_code',
  'recurrence',
  'lead_unit_id',
  'coordinating_unit_ids',
  'node_ids',
  'target',
  'reason',
];

/** What a plan's status allows on screen, given the caller's plans:manage. */
export function planActions(status: string, manage: boolean) {
  return {
    edit: manage && status === 'draft',
    issue: manage && status === 'draft',
    amend: manage && status === 'issued',
    close: manage && status === 'issued',
    tasks: manage && status !== 'closed',
    needsReason: status === 'issued',
  };
}

/** Who coordinates, as the appendix is printed: when a task names every commune under the issuing unit (or every
 * department and agency of it, the lead apart), the list reads "UBND các xã, thị trấn" / "Các cơ quan, đơn vị thuộc
 * huyện" instead of forty names; the others are named. Without the unit tree the names are listed as they are. */
export function coordinatorsText(
  coords: { id: number; name: string }[],
  units: Pick<OrgUnitRead, 'id' | 'parent_id' | 'kind' | 'level' | 'valid_from' | 'valid_to'>[],
  issuerId: number | null | undefined,
  year: number,
  words: { allCommunes: string; allDepartments: string },
  leadId?: number | null,
): string {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const children = units.filter(
    (u) => issuerId != null && u.parent_id === issuerId && (!u.valid_to || u.valid_to >= from) && (!u.valid_from || u.valid_from <= to) && u.id !== leadId,
  );
  const communes = children.filter((u) => u.level === 'commune' && u.kind === 'people_committee').map((u) => u.id);
  const departments = children.filter((u) => u.kind !== 'people_committee').map((u) => u.id);
  const ids = new Set(coords.map((c) => c.id));
  const whole = (group: number[]) => group.length >= 2 && group.every((id) => ids.has(id));
  const folded = new Set<number>([...(whole(departments) ? departments : []), ...(whole(communes) ? communes : [])]);
  return [
    ...(whole(departments) ? [words.allDepartments] : []),
    ...coords.filter((c) => !folded.has(c.id)).map((c) => c.name),
    ...(whole(communes) ? [words.allCommunes] : []),
  ].join(', ');
}
