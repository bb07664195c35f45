// Shapes and rules of the reports screens: the figures the API computes, which actions a caller may take.
import type { MeRead, PeriodRead, ReportDetail, ReportLevel, ReportStatus } from '../../client/types.gen';

export const BUCKETS = ['done_on_time', 'done_late', 'in_progress_on_time', 'awaiting_review', 'overdue'] as const;
export type Bucket = (typeof BUCKETS)[number];
export type BucketCounts = Record<Bucket, number>;

/** Đề cương of a CCHC report: the narrative sections, in the order of the API (api/reports/schemas.py). */
export const NARRATIVE_SECTIONS = ['ket_qua', 'ton_tai_han_che', 'nguyen_nhan', 'phuong_huong', 'de_xuat_kien_nghi'] as const;
export type NarrativeSection = (typeof NARRATIVE_SECTIONS)[number];

export const REPORT_STATUSES: ReportStatus[] = ['draft', 'submitted', 'returned', 'accepted', 'approved'];
export const EDITABLE: ReportStatus[] = ['draft', 'returned'];

export interface FieldRow {
  framework: string | null;
  code: string | null;
  name: string;
  total: number;
  buckets: BucketCounts;
}
export interface CompletedTask {
  assignment_id: number;
  label: string | null;
  task: string;
  unit: string | null;
  completed_date: string | null;
  instance: string | null;
}
export interface EvidenceRow {
  id: number;
  title: string;
  doc_number: string | null;
  issue_date: string | null;
  issuing_body: string | null;
  task_label?: string | null;
  unit?: string | null;
}
export interface PlanRef {
  id: number;
  number: string | null;
  symbol: string | null;
  issue_date: string | null;
  title: string;
  issuing_unit: string | null;
}
export interface UnitRow {
  unit_id: number;
  code: string | null;
  name: string | null;
  report_id: number | null;
  report_status: ReportStatus | null;
  is_late: boolean | null;
  submitted_at: string | null;
  accepted: boolean;
  live: { total: number; buckets: BucketCounts };
  reported: { total: number; completed_in_window: number; evidence_in_window: number; buckets: BucketCounts } | null;
}
export interface NotReported {
  unit_id: number;
  code: string | null;
  name: string | null;
  report_status: ReportStatus | null;
}
export interface Figures {
  as_of: string | null;
  data_from: string | null;
  data_to: string | null;
  /** Assignments (lượt giao); ``tasks`` counts the distinct tasks (nhiệm vụ), null in figures frozen before it. */
  total: number;
  tasks: number | null;
  buckets: BucketCounts;
  by_field: FieldRow[];
  completed_in_window: number;
  evidence_in_window: number;
  completed_tasks: CompletedTask[];
  evidence: EvidenceRow[];
  plans: PlanRef[];
  /** District report only. */
  district: null | {
    units: UnitRow[];
    units_expected: number;
    accepted_reports: number;
    not_reported: NotReported[];
    reported_totals: { total: number; completed_in_window: number; evidence_in_window: number; buckets: BucketCounts };
  };
}
export interface TaskRow {
  key: string;
  label: string | null;
  task: string;
  plan: string | null;
  role: string | null;
  unit: string | null;
  lead_unit: string | null;
  status: string | null;
  status_label: string | null;
  bucket: string | null;
  progress: number | null;
  result: string | null;
  completed_date: string | null;
  due_date: string | null;
  deadline_text: string | null;
  /** District rows: "23/35 lượt hoàn thành". */
  done: number | null;
  total: number | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0);
const s = (v: unknown): string | null => (v == null ? null : String(v));

export function bucketsOf(v: unknown): BucketCounts {
  const o = obj(v);
  return {
    done_on_time: n(o.done_on_time),
    done_late: n(o.done_late),
    in_progress_on_time: n(o.in_progress_on_time),
    awaiting_review: n(o.awaiting_review),
    overdue: n(o.overdue),
  };
}

const totals = (v: unknown) => {
  const o = obj(v);
  return { total: n(o.total), completed_in_window: n(o.completed_in_window), evidence_in_window: n(o.evidence_in_window), buckets: bucketsOf(o.buckets) };
};

/** The figures of a report (unit or district) with every field present, whatever the API left out. */
export function figuresOf(r: Pick<ReportDetail, 'figures' | 'level'>): Figures {
  const f = obj(r.figures);
  const out: Figures = {
    as_of: s(f.as_of),
    data_from: s(f.data_from),
    data_to: s(f.data_to),
    total: n(f.total),
    tasks: f.tasks == null ? null : n(f.tasks),
    buckets: bucketsOf(f.buckets),
    by_field: arr(f.by_field).map((x) => ({ framework: s(x.framework), code: s(x.code), name: String(x.name ?? ''), total: n(x.total), buckets: bucketsOf(x.buckets) })),
    completed_in_window: n(f.completed_in_window),
    evidence_in_window: n(f.evidence_in_window),
    completed_tasks: arr(f.completed_tasks) as unknown as CompletedTask[],
    evidence: arr(f.evidence) as unknown as EvidenceRow[],
    plans: arr(f.plans) as unknown as PlanRef[],
    district: null,
  };
  if (r.level === 'district' || 'units' in f) {
    out.district = {
      units: arr(f.units).map((u) => ({
        unit_id: n(u.unit_id),
        code: s(u.code),
        name: s(u.name),
        report_id: u.report_id == null ? null : n(u.report_id),
        report_status: (s(u.report_status) as ReportStatus | null) ?? null,
        is_late: u.is_late == null ? null : !!u.is_late,
        submitted_at: s(u.submitted_at),
        accepted: !!u.accepted,
        live: { total: n(obj(u.live).total), buckets: bucketsOf(obj(u.live).buckets) },
        reported: u.reported ? totals(u.reported) : null,
      })),
      units_expected: n(f.units_expected),
      accepted_reports: n(f.accepted_reports),
      not_reported: arr(f.not_reported).map((u) => ({ unit_id: n(u.unit_id), code: s(u.code), name: s(u.name), report_status: (s(u.report_status) as ReportStatus | null) ?? null })),
      reported_totals: totals(f.reported_totals),
    };
  }
  return out;
}

/** Rows of the report's task table (a unit report: one per assignment; the district's: one per task). */
export function taskRowsOf(r: Pick<ReportDetail, 'task_table'>): TaskRow[] {
  return arr(r.task_table).map((x, i) => ({
    key: `${s(x.assignment_id) ?? s(x.task_id) ?? 'row'}-${i}`,
    label: s(x.label),
    task: String(x.task ?? ''),
    plan: s(x.plan),
    role: s(x.role),
    unit: s(x.unit),
    lead_unit: s(x.lead_unit),
    status: s(x.status),
    status_label: s(x.status_label),
    bucket: s(x.bucket),
    progress: x.progress == null ? null : n(x.progress),
    result: s(x.result),
    completed_date: s(x.completed_date),
    due_date: s(x.due_date),
    deadline_text: s(x.deadline_text),
    done: x.done == null ? null : n(x.done),
    total: x.total == null ? null : n(x.total),
  }));
}

/** Share of ``part`` in ``total`` as a percentage, or null when there is nothing to divide. */
export function percent(part: number, total: number): number | null {
  return total > 0 ? (part * 100) / total : null;
}

const PERCENT = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** The one way a report writes a share (as api/reports/vn.py ``percent``): decimal comma, one decimal, "50,0%". */
export function percentText(share: number | null): string {
  return share == null ? '' : `${PERCENT.format(share)}%`;
}

export type ReportAction = 'edit' | 'submit' | 'accept' | 'return' | 'approve';

/**
 * What the caller may do with a report now: its status (the workflow of api/reports/service.py) and the caller's
 * permissions. The API stays the judge (scope, 403/409 shown in place); this only hides buttons that cannot work.
 */
export function allowedActions(r: { status: ReportStatus; level: ReportLevel }, can: (perm: string) => boolean): Set<ReportAction> {
  const out = new Set<ReportAction>();
  const editable = EDITABLE.includes(r.status);
  if (editable && can('reports:edit')) out.add('edit');
  if (editable && can('reports:submit')) out.add('submit');
  if (r.status === 'submitted') {
    if (r.level === 'unit' && can('reports:review')) {
      out.add('accept');
      out.add('return');
    }
    if (r.level === 'district' && can('reports:approve')) {
      out.add('approve');
      out.add('return');
    }
  }
  return out;
}

/** Roles whose membership lets the holder open (create) a unit report / the district report for its unit. */
const OPENS_UNIT_REPORT = new Set(['district_admin', 'unit_head', 'unit_officer']);
const OPENS_DISTRICT_REPORT = new Set(['district_admin']);

export interface OwnUnit {
  unit_id: number;
  unit_name: string;
  /** The unit defines the period: its report is the district's aggregate report. */
  district: boolean;
  canCreate: boolean;
}

/** The caller's own units for a period: one row per membership (a district member sees the district report). */
export function ownUnits(me: Pick<MeRead, 'memberships'> | null, period: Pick<PeriodRead, 'owner_unit_id'>): OwnUnit[] {
  const seen = new Map<number, OwnUnit>();
  for (const m of me?.memberships ?? []) {
    const district = m.unit_id === period.owner_unit_id;
    const canCreate = (district ? OPENS_DISTRICT_REPORT : OPENS_UNIT_REPORT).has(m.role);
    const prev = seen.get(m.unit_id);
    seen.set(m.unit_id, { unit_id: m.unit_id, unit_name: m.unit_name, district, canCreate: canCreate || !!prev?.canCreate });
  }
  return [...seen.values()];
}

/** A fresh Idempotency-Key (crypto.randomUUID where the page is a secure context). */
export function newIdempotencyKey(prefix: string): string {
  const c = globalThis.crypto as Crypto | undefined;
  const rand = c && typeof c.randomUUID === 'function' ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${rand}`;
}

const KIND_EN: Record<string, string> = { q1: 'Q1', h1: 'First half of', q3: 'Q3', year: 'Year' };

/** The period's name: the API's Vietnamese one, or an English one built from kind and year. */
export function periodName(p: Pick<PeriodRead, 'name' | 'kind' | 'year'>, lang: 'vi' | 'en'): string {
  if (lang === 'vi') return p.name;
  return `${KIND_EN[p.kind] ?? p.kind} ${p.year}`;
}

/** The editable text of a narrative section (the API stores JSON, normally a string or null). */
export function sectionText(v: unknown): string {
  if (v == null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export type NarrativeValues = Record<NarrativeSection, string> & {
  number: string;
  title: string;
  signer: string;
  signer_title: string;
};

export function initialValues(r: ReportDetail): NarrativeValues {
  const narrative = r.narrative ?? {};
  const out = {
    number: r.number ?? '',
    title: r.title ?? '',
    signer: r.signer ?? '',
    signer_title: r.signer_title ?? '',
  } as NarrativeValues;
  for (const k of NARRATIVE_SECTIONS) out[k] = sectionText(narrative[k]);
  return out;
}

/** PATCH body: blank fields are cleared (null), every section is sent. */
export function updateBody(v: NarrativeValues) {
  const blank = (x: string | undefined) => (x && x.trim() ? x : null);
  const narrative: Record<string, string | null> = {};
  for (const k of NARRATIVE_SECTIONS) narrative[k] = blank(v[k]);
  return {
    number: blank(v.number),
    title: blank(v.title),
    signer: blank(v.signer),
    signer_title: blank(v.signer_title),
    narrative,
  };
}
