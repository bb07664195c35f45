// SIPAS survey screens: shapes read from the API (/survey-results, /surveys, /collection-points) and how figures are
// written for people (percent with a decimal comma and one decimal, months as mm/yyyy, gaps with their sign).
import dayjs, { type Dayjs } from 'dayjs';
import type * as gen from '../../client/types.gen';
import type { Lang } from '../../i18n';

// The API's shapes (generated client); the screens read only these.
export type LinkedTask = gen.LinkedTask;
export type Share = Pick<gen.Figure, 'responses' | 'satisfied_share' | 'ci_low' | 'ci_high' | 'small_sample'>;
export type FactorResult = gen.FactorResult;
export type QuestionResult = gen.QuestionResult;
export type GroupResult = gen.GroupResult;
export type MonthResult = gen.MonthResult;
export type Results = gen.SurveyResults;

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

export type QuestionLabels = gen.QuestionLabels;
export type SurveyT = gen.SurveyRead;
export type PointT = gen.PointRead;
/** A question being edited in a draft: as read, or new (no id yet). */
export type SurveyQuestion = Omit<gen.QuestionRead, 'id' | 'factor_name'> & { id?: number; factor_name?: string };

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

/** Rows with answers but a required question left blank: [row number (1-based), codes missing]. */
export function paperGaps(rows: PaperRow[], questions: { id?: number; code: string; required?: boolean }[]): [number, string[]][] {
  const out: [number, string[]][] = [];
  rows.forEach((r, i) => {
    const answered = Object.values(r.answers).some((v) => v !== undefined && v !== null);
    if (!answered) return;
    const lacking = questions.filter((q) => q.required && (r.answers[q.id!] === undefined || r.answers[q.id!] === null)).map((q) => q.code);
    if (lacking.length) out.push([i + 1, lacking]);
  });
  return out;
}

/** Link for a desk's tablet: the same form, reset after each answer. */
export const kioskUrl = (publicUrl: string) => `${publicUrl}${publicUrl.includes('?') ? '&' : '?'}kiosk=1`;

// --- a task from a weak result ---------------------------------------------------------------------------------

/** The plan to put the task in: the year's issued plan first, else its draft (the caller's plans, in scope). */
export function defaultPlan(plans: gen.PlanRead[], year: number): gen.PlanRead | undefined {
  const ofYear = plans.filter((p) => p.year === year && p.status !== 'closed');
  return ofYear.find((p) => p.status === 'issued') ?? ofYear[0];
}

/** A deadline two months ahead, kept within the plan's year. */
export function defaultDue(year: number, today = dayjs()): Dayjs {
  const end = dayjs(`${year}-12-31`);
  const due = today.add(2, 'month');
  if (due.year() < year) return dayjs(`${year}-03-31`);
  return due.isAfter(end) ? end : due;
}

