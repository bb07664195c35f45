// CCHC activities in the browser: the shapes of the API (the generated client's types) and pure helpers (decimal
// comma in and out, form → body, list filters → the SDK's query). Requests go through the generated SDK.
import type { Dayjs } from 'dayjs';
import type {
  AreaRead,
  FindingCreate,
  FindingRead,
  FollowUpCreate,
  FollowUpRead,
  InspectionCreate,
  InspectionKind,
  InspectionPlanCreate,
  InspectionPlanItem,
  InspectionPlanItemRead,
  InspectionPlanRead,
  InspectionRead,
  ItemRead,
  OrgUnitRead,
  OutreachCreate,
  OutreachKind,
  OutreachLanguage,
  OutreachRead,
  OutreachUpdate,
  SessionCreate,
  SessionFollowUpRead,
  SessionRead,
  Severity,
} from '../../client/types.gen';
import { newIdempotencyKey } from '../admin/lib';
import { AREAS } from './words';

export { newIdempotencyKey };

// The API's shapes (generated client of the live OpenAPI document).
export type Inspection = InspectionRead;
export type Finding = FindingRead;
export type FollowUp = FollowUpRead | SessionFollowUpRead;
export type InspectionPlan = InspectionPlanRead;
export type PlanItem = InspectionPlanItemRead;
export type OutreachOutput = OutreachRead;
export type AccountabilitySession = SessionRead;
export type SessionItem = ItemRead;
export type Area = AreaRead;

/** What the API says this caller may do on the object (absent: nothing). */
export const mayDo = (o: { allowed_actions?: string[] | null } | null | undefined, action: string): boolean =>
  !!o?.allowed_actions?.includes(action);

/** A picked day → the API's ISO date; a required date gives a string, an optional one null when empty. */
export function iso(d: Dayjs): string;
export function iso(d: Dayjs | null | undefined): string | null;
export function iso(d: Dayjs | null | undefined): string | null {
  return d ? d.format('YYYY-MM-DD') : null;
}

const blank = (v?: string | null) => (v == null || v.trim() === '' ? null : v.trim());

/** "Nguyễn Văn A, Trưởng phòng\n…" → one name per line, empty lines dropped. */
export const lines = (v?: string | null): string[] =>
  (v ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

// --- form values → request bodies, typed against the generated client: a field renamed or dropped by the API is a
// compile error here, not a 422 at run time.

/** A CCHC area of the contract (chi_dao_dieu_hanh, the_che, …). */
export type AreaCode = NonNullable<FindingCreate['area']>;

/** The areas of a read object (typed as plain strings by the API) that are areas of the contract. */
export const areaCodes = (v: readonly string[] | null | undefined): AreaCode[] =>
  (v ?? []).flatMap((a) => {
    const code = AREAS.find((x) => x === a);
    return code ? [code] : [];
  });

export interface InspectionValues {
  unit_id: number;
  kind: InspectionKind;
  date: Dayjs;
  team?: string;
  areas?: AreaCode[];
  summary?: string;
  plan_id?: number | null;
}

export function inspectionBody(v: InspectionValues): InspectionCreate {
  return {
    unit_id: v.unit_id,
    kind: v.kind,
    date: iso(v.date),
    team: lines(v.team),
    areas: v.areas ?? [],
    summary: blank(v.summary),
    plan_id: v.plan_id ?? null,
  };
}

export interface FollowUpValues {
  title: string;
  product?: string | null;
  deadline: Dayjs;
}

/** Giao việc khắc phục: the title, the product (optional) and the deadline. */
export function followUpBody(v: FollowUpValues): FollowUpCreate {
  return { title: v.title.trim(), product: blank(v.product), deadline: iso(v.deadline) };
}

interface FindingFields {
  content: string;
  severity: Severity;
  area?: AreaCode | null;
}

/** A finding; with `with_follow_up` the form requires the follow-up's title and deadline. */
export type FindingValues = FindingFields &
  ({ with_follow_up?: false; fu_title?: string; fu_product?: string; fu_deadline?: Dayjs | null } | { with_follow_up: true; fu_title: string; fu_product?: string; fu_deadline: Dayjs });

export function findingBody(v: FindingValues): FindingCreate {
  return {
    content: v.content.trim(),
    severity: v.severity,
    area: v.area ?? null,
    follow_up: v.with_follow_up ? followUpBody({ title: v.fu_title, product: v.fu_product, deadline: v.fu_deadline }) : null,
  };
}

export interface OutreachValues {
  unit_id: number;
  date: Dayjs;
  kind: OutreachKind;
  language: OutreachLanguage;
  title: string;
  medium?: string;
  quantity: number;
  audience?: number | null;
  note?: string;
}

/** Every field of an output but its unit: what an edit sends (the API takes no unit on an edit, extra fields are
 * refused), and a new output with its unit added. */
export function outreachChanges(v: Omit<OutreachValues, 'unit_id'>): Omit<OutreachCreate, 'unit_id'> & OutreachUpdate {
  return {
    date: iso(v.date),
    kind: v.kind,
    language: v.language,
    title: v.title.trim(),
    medium: blank(v.medium),
    quantity: v.quantity,
    audience: v.audience ?? null,
    note: blank(v.note),
  };
}

export function outreachBody(v: OutreachValues): OutreachCreate {
  return { unit_id: v.unit_id, ...outreachChanges(v) };
}

export interface PlanValues {
  title: string;
  decision_number?: string;
  decision_date?: Dayjs | null;
  note?: string;
  items: { unit_id?: number; planned_month?: number; areas?: AreaCode[] }[];
}

/** The plan's fields (an edit sends them as they are; a new plan adds its year and owner). Rows without a unit or
 * a month are left out. */
export function planBody(v: PlanValues): Omit<InspectionPlanCreate, 'year' | 'owner_unit_id'> {
  return {
    title: v.title.trim(),
    decision_number: blank(v.decision_number),
    decision_date: iso(v.decision_date),
    note: blank(v.note),
    items: v.items.flatMap((i): InspectionPlanItem[] => (i.unit_id && i.planned_month ? [{ unit_id: i.unit_id, planned_month: i.planned_month, areas: i.areas ?? [] }] : [])),
  };
}

export interface SessionValues {
  unit_id: number;
  date: Dayjs;
  chaired_by?: string;
  head_name?: string;
  head_title?: string;
  assignment_ids?: number[];
}

export function sessionBody(v: SessionValues): SessionCreate {
  return {
    unit_id: v.unit_id,
    date: iso(v.date),
    chaired_by: blank(v.chaired_by),
    head_name: blank(v.head_name),
    head_title: blank(v.head_title),
    items: (v.assignment_ids ?? []).map((id) => ({ assignment_id: id })),
  };
}

// --- decimals: the API speaks "12.5", people read and type "12,5" -------------------------------------------

/** "1234.5" → "1.234,5" (string in, string out: no float rounding of what the unit entered). */
export function decimalText(v: string | number | null | undefined): string {
  if (v == null || v === '') return '';
  const s = String(v);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return s;
  const int = m[2].replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${m[1]}${int}${m[3] ? `,${m[3]}` : ''}`;
}

/**
 * What a person typed → the API's decimal string; '' → null; undefined when it is not a number. A comma is the
 * decimal mark ("12,5"; "1.234,5"; "12," and ",5" too); dots alone are thousands when grouped by three ("2.022",
 * not "0.125"), else a decimal point. With both marks the last one is the decimal mark and the other must group
 * thousands by three ("1,234.5" read as 1234.5, never as 1.2345).
 */
export function parseDecimal(input: string | null | undefined): string | null | undefined {
  const s = (input ?? '').replace(/\s/g, '');
  if (s === '') return null;
  if (!/\d/.test(s)) return undefined;
  const comma = s.lastIndexOf(',');
  const dot = s.lastIndexOf('.');
  let norm: string;
  if (comma >= 0 && dot >= 0) {
    const at = Math.max(comma, dot);
    const group = comma > dot ? '.' : ',';
    const int = s.slice(0, at);
    if (!(group === '.' ? /^-?\d{1,3}(\.\d{3})*$/ : /^-?\d{1,3}(,\d{3})*$/).test(int)) return undefined;
    norm = `${int.split(group).join('')}.${s.slice(at + 1)}`;
  } else if (comma >= 0) norm = s.replace(',', '.');
  else if (/^-?[1-9]\d{0,2}(\.\d{3})+$/.test(s)) norm = s.replace(/\./g, '');
  else norm = s;
  // a mark with no digits on one side: "12," is 12, ",5" is 0,5
  if (norm.indexOf('.') === norm.lastIndexOf('.')) norm = norm.replace(/^(-?)\./, '$10.').replace(/\.$/, '');
  if (!/^-?\d+(\.\d+)?$/.test(norm)) return undefined;
  // canonical: no leading zeros, no trailing fractional zeros
  const [i, f] = norm.split('.');
  const neg = i.startsWith('-');
  const int = String(BigInt(neg ? i.slice(1) : i));
  const frac = (f ?? '').replace(/0+$/, '');
  return `${neg && (int !== '0' || frac) ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

// --- the list pages' filters ---------------------------------------------------------------------------------

export interface Filters {
  year: number | null;
  unitId: number | null;
  units: OrgUnitRead[];
}

/** The calendar year when the page was loaded (the inspection plan's default year). */
export const THIS_YEAR = new Date().getFullYear();

/** The year's choices: next year back to 2020 (the demo's 2024 included). */
export function yearOptions(now = THIS_YEAR): number[] {
  const out: number[] = [];
  for (let y = now + 1; y >= 2020; y -= 1) out.push(y);
  return out;
}

/** The same filters as the SDK's query object ({ limit: 200, year: 2024, unit_id: 3 }; empty ones left out). */
export function listParams<E extends Record<string, string | number | null | undefined>>(f: Pick<Filters, 'year' | 'unitId'>, extra?: E): { limit: number; year?: number; unit_id?: number } & Partial<{ [K in keyof E]: NonNullable<E[K]> }> {
  const q: Record<string, string | number> = { limit: 200 };
  if (f.year) q.year = f.year;
  if (f.unitId) q.unit_id = f.unitId;
  for (const [k, v] of Object.entries(extra ?? {})) if (v != null && v !== '') q[k] = v;
  return q as { limit: number; year?: number; unit_id?: number } & Partial<{ [K in keyof E]: NonNullable<E[K]> }>;
}

/** "?year=2024&unit_id=3&kind=adhoc" from the filters (empty ones left out). */
export function listQuery(f: Pick<Filters, 'year' | 'unitId'>, extra: Record<string, string | number | null | undefined> = {}): string {
  const q = new URLSearchParams({ limit: '200' });
  if (f.year) q.set('year', String(f.year));
  if (f.unitId) q.set('unit_id', String(f.unitId));
  for (const [k, v] of Object.entries(extra)) if (v != null && v !== '') q.set(k, String(v));
  return `?${q.toString()}`;
}
