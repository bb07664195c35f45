// The public survey form's logic (no DOM): the desk's token from the address, the device's id, what to send, what
// to say when the server or the network refuses, and the answer kept across a network loss. main.ts draws it.

export type Factor = 'tiep_can' | 'thu_tuc' | 'cong_chuc' | 'ket_qua' | 'gop_y';
export type Scale = 'likert5' | 'yes_no';
export type Extra = 'tay' | 'nung' | 'en';

export interface PublicQuestion {
  id: number;
  factor: Factor | string;
  order?: number;
  text: string;
  labels?: Partial<Record<Extra, string | null>> | null;
  scale: Scale | string;
  required?: boolean;
}

export interface PublicForm {
  desk_name: string;
  unit_name: string;
  survey: { questions: PublicQuestion[]; allow_comment: boolean };
  honeypot_field_name: string;
}

export interface Draft {
  answers: Record<number, number>;
  comment: string;
  phone: string;
}

export interface Pending {
  token: string;
  key: string;
  body: Record<string, unknown>;
}

export const FACTORS: { code: Factor; name: string }[] = [
  { code: 'tiep_can', name: 'Tiếp cận dịch vụ hành chính công' },
  { code: 'thu_tuc', name: 'Thủ tục hành chính' },
  { code: 'cong_chuc', name: 'Công chức giải quyết công việc' },
  { code: 'ket_qua', name: 'Kết quả cung ứng dịch vụ hành chính công' },
  { code: 'gop_y', name: 'Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị' },
];

/** 5-level scale, the value sent first (1 = rất không hài lòng … 5 = rất hài lòng). */
export const LIKERT: { value: number; vi: string; en: string }[] = [
  { value: 5, vi: 'Rất hài lòng', en: 'Very satisfied' },
  { value: 4, vi: 'Hài lòng', en: 'Satisfied' },
  { value: 3, vi: 'Bình thường', en: 'Neutral' },
  { value: 2, vi: 'Không hài lòng', en: 'Dissatisfied' },
  { value: 1, vi: 'Rất không hài lòng', en: 'Very dissatisfied' },
];
export const YES_NO: { value: number; vi: string; en: string }[] = [
  { value: 1, vi: 'Có', en: 'Yes' },
  { value: 0, vi: 'Không', en: 'No' },
];

export const EXTRA_NAMES: Record<Extra, { name: string; lang: string }> = {
  tay: { name: 'Tiếng Tày', lang: 'tyz' },
  nung: { name: 'Tiếng Nùng', lang: 'nut' },
  en: { name: 'English', lang: 'en' },
};

export const CLIENT_KEY = 'parsipas.survey.client';
export const PENDING_KEY = 'parsipas.survey.pending';
export const EXTRA_KEY = 'parsipas.survey.extra';
export const KIOSK_RESET_SECONDS = 6;

/** The desk's token from /khao-sat/<token> (null when the address holds none). */
export function tokenFromPath(pathname: string): string | null {
  const m = /^\/khao-sat\/([^/?#]+)\/?$/.exec(pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

export const isKiosk = (search: string): boolean => {
  const v = new URLSearchParams(search).get('kiosk');
  return v === '1' || v === 'true';
};

export function randomId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A random id for this device, kept in localStorage (a new one if storage is refused). */
export function clientId(storage: Storage | null): string {
  try {
    const known = storage?.getItem(CLIENT_KEY);
    if (known && /^[A-Za-z0-9-]{8,64}$/.test(known)) return known;
    const id = randomId();
    storage?.setItem(CLIENT_KEY, id);
    return id;
  } catch {
    return randomId();
  }
}

/** Questions grouped by factor, in the factors' order, each group by the questions' order. */
export function groups(questions: PublicQuestion[]): { factor: string; name: string; questions: PublicQuestion[] }[] {
  const known = FACTORS.map((f) => f.code as string);
  const codes = [...new Set(questions.map((q) => q.factor))].sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  return codes.map((code) => ({
    factor: code,
    name: FACTORS.find((f) => f.code === code)?.name ?? 'Ý kiến khác',
    // by `order` when given, else as the server listed them
    questions: questions
      .map((q, i) => ({ q, at: q.order ?? i }))
      .filter(({ q }) => q.factor === code)
      .sort((a, b) => a.at - b.at)
      .map(({ q }) => q),
  }));
}

/** Which extra languages the survey has labels in (to offer them). */
export function extrasOf(questions: PublicQuestion[]): Extra[] {
  return (['tay', 'nung', 'en'] as Extra[]).filter((x) => questions.some((q) => !!q.labels?.[x]?.trim()));
}

export const optionsOf = (q: PublicQuestion) => (q.scale === 'yes_no' ? YES_NO : LIKERT);

/** Digits, spaces, dots, dashes and a leading +; 9 to 12 digits. Empty is fine (the phone is optional). */
export function phoneProblem(phone: string): string | null {
  const p = phone.trim();
  if (!p) return null;
  if (!/^\+?[\d\s.-]+$/.test(p)) return 'Số điện thoại chỉ gồm chữ số.';
  const digits = p.replace(/\D/g, '').length;
  if (digits < 9 || digits > 12) return 'Số điện thoại chưa đúng (9 đến 12 chữ số).';
  return null;
}

/** The questions still unanswered that must be answered (required, or — when none is marked — none). */
export function missing(questions: PublicQuestion[], draft: Draft): PublicQuestion[] {
  return questions.filter((q) => q.required && draft.answers[q.id] === undefined);
}

export function isEmpty(draft: Draft): boolean {
  return Object.keys(draft.answers).length === 0 && !draft.comment.trim();
}

/** The POST body: answers in the questions' order, comment and phone only when given, the honeypot empty. */
export function buildBody(
  form: PublicForm,
  draft: Draft,
  opts: { kiosk: boolean; clientId: string; honeypot?: string },
): Record<string, unknown> {
  const answers = form.survey.questions
    .filter((q) => draft.answers[q.id] !== undefined)
    .map((q) => ({ question_id: q.id, value: draft.answers[q.id] }));
  const body: Record<string, unknown> = { answers, kiosk: opts.kiosk, client_id: opts.clientId };
  const comment = draft.comment.trim();
  if (comment && form.survey.allow_comment) body.comment = comment;
  const phone = draft.phone.trim();
  if (phone) body.phone = phone;
  body[form.honeypot_field_name || 'website'] = opts.honeypot ?? '';
  return body;
}

/** Seconds from a Retry-After header (seconds, or an HTTP date); at least 1, default 30. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (!header) return 30;
  const n = Number(header.trim());
  if (Number.isFinite(n) && n >= 0) return Math.max(1, Math.ceil(n));
  const at = Date.parse(header);
  if (!Number.isNaN(at)) return Math.max(1, Math.ceil((at - now) / 1000));
  return 30;
}

export type Outcome =
  | { kind: 'thanks' }
  | { kind: 'rate'; seconds: number; message: string }
  | { kind: 'unknown_desk'; message: string }
  | { kind: 'invalid'; message: string; fields: string[] }
  | { kind: 'offline'; message: string }
  | { kind: 'server'; message: string };

export const MSG = {
  unknownDesk:
    'Không tìm thấy điểm khảo sát này: mã QR không đúng hoặc đã ngừng sử dụng. Xin vui lòng hỏi cán bộ tại bộ phận một cửa.',
  offline:
    'Chưa gửi được vì mất kết nối mạng. Câu trả lời của Ông/Bà đã được giữ lại trên máy và sẽ tự gửi lại khi có mạng; Ông/Bà cũng có thể bấm “Gửi lại”.',
  server: 'Máy chủ đang bận, chưa nhận được câu trả lời. Câu trả lời vẫn được giữ lại, xin vui lòng bấm “Gửi lại” sau ít phút.',
  rate: (s: number) => `Ông/Bà gửi quá nhanh hoặc có quá nhiều lượt gửi từ thiết bị này. Xin vui lòng thử lại sau ${s} giây.`,
  invalid: 'Câu trả lời chưa hợp lệ:',
  loadFailed: 'Không tải được phiếu khảo sát vì mất kết nối mạng. Xin vui lòng kiểm tra mạng rồi tải lại trang.',
  missing: (n: number) => `Còn ${n} câu bắt buộc chưa trả lời (được đánh dấu bên dưới).`,
  empty: 'Xin vui lòng trả lời ít nhất một câu hỏi trước khi gửi.',
};

interface ProblemBody {
  detail?: string;
  errors?: { field?: string | null; message: string }[];
}

/** What a response (or a failed fetch: res = null) means for the person. */
export async function outcomeOf(res: Response | null): Promise<Outcome> {
  if (!res) return { kind: 'offline', message: MSG.offline };
  if (res.ok) return { kind: 'thanks' };
  if (res.status === 429) {
    const s = retryAfterSeconds(res.headers.get('Retry-After'));
    return { kind: 'rate', seconds: s, message: MSG.rate(s) };
  }
  if (res.status === 404 || res.status === 410) return { kind: 'unknown_desk', message: MSG.unknownDesk };
  if (res.status === 422 || res.status === 400) {
    let p: ProblemBody = {};
    try {
      p = (await res.json()) as ProblemBody;
    } catch {
      p = {};
    }
    const fields = (p.errors ?? []).map((e) => e.message).filter(Boolean);
    return { kind: 'invalid', message: p.detail || MSG.invalid, fields };
  }
  return { kind: 'server', message: MSG.server };
}

/** The answer not yet delivered (network loss, server down), one per browser; null if none or unreadable. */
export function loadPending(storage: Storage | null, token: string): Pending | null {
  try {
    const raw = storage?.getItem(PENDING_KEY);
    if (!raw) return null;
    const p = JSON.parse(raw) as Pending;
    return p && p.token === token && typeof p.key === 'string' && p.body ? p : null;
  } catch {
    return null;
  }
}

export function savePending(storage: Storage | null, p: Pending | null): void {
  try {
    if (p) storage?.setItem(PENDING_KEY, JSON.stringify(p));
    else storage?.removeItem(PENDING_KEY);
  } catch {
    /* private mode: the answer stays in memory only */
  }
}

export const formUrl = (token: string) => `/api/v1/public/survey/${encodeURIComponent(token)}`;
export const postUrl = (token: string) => `${formUrl(token)}/responses`;

/** Send one answer; a thrown fetch (no network) is `null`. */
export async function send(token: string, p: Pending, fetcher: typeof fetch = fetch): Promise<Outcome> {
  let res: Response | null = null;
  try {
    res = await fetcher(postUrl(token), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': p.key },
      body: JSON.stringify(p.body),
      credentials: 'omit',
    });
  } catch {
    res = null;
  }
  return outcomeOf(res);
}
