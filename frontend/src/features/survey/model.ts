// SIPAS survey screens: shapes read from the API (/survey-results, /surveys, /collection-points) and how figures are
// written for people (percent with a decimal comma and one decimal, months as mm/yyyy, gaps with their sign).
import type { Lang } from '../../i18n';

/** A plan task linked to the factor's or question's SIPAS node, with its assignments per bucket. */
export interface LinkedTask {
  task_id: number;
  plan_id: number;
  label: string;
  title: string;
  assignments: number;
  buckets: Record<string, number>;
}

/** Counts and the satisfaction rate (%, top two levels) with its 95 % interval (api/surveys/results.py Figure). */
export interface Share {
  responses: number;
  answers?: number;
  satisfied?: number;
  satisfied_share: number | string | null;
  ci_low?: number | string | null;
  ci_high?: number | string | null;
  small_sample?: boolean;
}

export interface FactorResult extends Share {
  factor: string;
  factor_name?: string;
  node_id?: number | null;
  node_code?: string | null;
  weight?: number | null;
  index?: number | null;
  official_percent?: number | null;
  gap?: number | null;
  tasks?: LinkedTask[];
  allowed_actions?: string[];
}

export interface QuestionResult extends Share {
  question_id: number;
  code?: string;
  factor: string;
  text: string;
  scale?: string;
  node_id?: number | null;
  tasks?: LinkedTask[];
  allowed_actions?: string[];
}

export interface GroupResult extends Share {
  id: number;
  name: string;
  unit_id?: number | null;
  unit_name?: string | null;
  index?: number | null;
  factors?: Record<string, number | null>;
}

export interface MonthResult {
  month: string;
  responses: number;
  index: number | null;
  factors: Record<string, number | null>;
}

export interface OfficialRow {
  unit_id: number;
  unit_name: string;
  year: number;
  factor: string;
  percent: number;
  source?: string | null;
  illustrative: boolean;
}

export interface Results {
  start?: string | null;
  end?: string | null;
  responses: number;
  excluded?: number;
  flags?: Record<string, number>;
  weights_source?: string;
  weights_verified?: boolean;
  min_sample?: number;
  overall: Share;
  index?: number | null;
  official_year?: number | null;
  official_index?: number | null;
  gap?: number | null;
  factors: FactorResult[];
  questions: QuestionResult[];
  desks: GroupResult[];
  units: GroupResult[];
  months: MonthResult[];
  official?: OfficialRow[];
  allowed_actions?: string[];
}

/** A number from the API's decimal string or number; null when absent or not a number. */
export function num(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function fixed1(v: number, lang: Lang): string {
  const s = (Math.round(v * 10) / 10).toFixed(1);
  return lang === 'vi' ? s.replace('.', ',') : s;
}

/** 87.46 → "87,5%" (vi) / "87.5%" (en); "–" when there is nothing to show. */
export function pct(v: string | number | null | undefined, lang: Lang): string {
  const n = num(v);
  return n === null ? '–' : `${fixed1(n, lang)}%`;
}

/** A gap in percentage points, signed: "+3,2" / "−4,0"; "–" when either side is missing. */
export function gapText(v: string | number | null | undefined, lang: Lang): string {
  const n = num(v);
  if (n === null) return '–';
  const r = Math.round(n * 10) / 10;
  if (r === 0) return fixed1(0, lang);
  return `${r > 0 ? '+' : '−'}${fixed1(Math.abs(r), lang)}`;
}

/** An index or weight as a plain decimal, one digit after the comma. */
export function dec(v: string | number | null | undefined, lang: Lang): string {
  const n = num(v);
  return n === null ? '–' : fixed1(n, lang);
}

/** "2026-03" → "03/2026". */
export function monthText(m: string): string {
  const x = /^(\d{4})-(\d{2})/.exec(m);
  return x ? `${x[2]}/${x[1]}` : m;
}

/** "[80,1% – 92,3%]" for a confidence interval, or null. */
export function ciText(s: Share, lang: Lang): string | null {
  const lo = num(s.ci_low);
  const hi = num(s.ci_high);
  return lo === null || hi === null ? null : `${pct(lo, lang)} – ${pct(hi, lang)}`;
}

/** Weak: a share below this is offered as the start of a task (the action itself is the API's to allow). */
export const WEAK_BELOW = 80;
export const isWeak = (s: Pick<Share, 'satisfied_share'>) => {
  const n = num(s.satisfied_share);
  return n !== null && n < WEAK_BELOW;
};

// --- definitions and desks ---------------------------------------------------------------------------------------

export interface QuestionLabels {
  tay?: string | null;
  nung?: string | null;
  en?: string | null;
}

export interface SurveyQuestion {
  id?: number;
  code: string;
  factor: string;
  factor_name?: string;
  order: number;
  text: string;
  labels: QuestionLabels;
  scale: string;
  required: boolean;
  node_id?: number | null;
}

export interface SurveyT {
  id: number;
  owner_unit_id: number | null;
  code: string;
  name: string;
  version: number;
  status: string;
  verified: boolean;
  source_note: string | null;
  framework_id: number | null;
  allow_comment: boolean;
  published_at: string | null;
  questions: SurveyQuestion[];
  points?: number;
  allowed_actions: string[];
}

export interface PointT {
  id: number;
  unit_id: number;
  unit_name: string;
  code: string;
  name: string;
  address: string | null;
  opening_hours: string;
  open_days: string;
  active: boolean;
  survey_id: number;
  survey_name: string;
  token?: string | null;
  public_url?: string | null;
  poster_pdf_url: string;
  poster_png_url: string;
  allowed_actions: string[];
}

/** The question as sent back in a draft edit (the API's QuestionIn: no id, no factor_name). */
export function questionIn(q: SurveyQuestion) {
  const labels: QuestionLabels = {};
  for (const k of ['tay', 'nung', 'en'] as const) {
    const v = q.labels?.[k]?.trim();
    if (v) labels[k] = v;
  }
  return {
    code: q.code,
    factor: q.factor,
    order: q.order,
    text: q.text.trim(),
    labels,
    scale: q.scale,
    required: q.required,
    node_id: q.node_id ?? null,
  };
}

/** A fresh question code not used yet in the survey ("Q12"). */
export function nextCode(questions: { code: string }[]): string {
  const used = new Set(questions.map((q) => q.code));
  for (let i = questions.length + 1; ; i++) if (!used.has(`Q${i}`)) return `Q${i}`;
}

// --- paper forms -------------------------------------------------------------------------------------------------

export interface PaperRow {
  key: string;
  answers: Record<number, number | undefined>;
  comment: string;
}

export const emptyRow = (i: number): PaperRow => ({ key: `r${Date.now()}-${i}`, answers: {}, comment: '' });

/** Rows with at least one answer, as the API's PaperResponseIn (blank rows dropped). */
export function paperBatch(rows: PaperRow[], answeredOn: string) {
  return rows
    .map((r) => ({
      answered_on: answeredOn,
      answers: Object.entries(r.answers)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([q, v]) => ({ question_id: Number(q), value: v as number })),
      comment: r.comment.trim() || null,
    }))
    .filter((r) => r.answers.length > 0);
}

/** Link for a desk's tablet: the same form, reset after each answer. */
export const kioskUrl = (publicUrl: string) => `${publicUrl}${publicUrl.includes('?') ? '&' : '?'}kiosk=1`;
