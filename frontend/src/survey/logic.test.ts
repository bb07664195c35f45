import { describe, expect, it, vi } from 'vitest';
import {
  buildBody,
  clientId,
  CLIENT_KEY,
  extrasOf,
  groups,
  isKiosk,
  loadPending,
  missing,
  outcomeOf,
  phoneProblem,
  retryAfterSeconds,
  savePending,
  send,
  tokenFromPath,
  type PublicForm,
} from './logic';

const form: PublicForm = {
  desk_name: 'Bộ phận một cửa xã Hoa Thám',
  unit_name: 'UBND xã Hoa Thám',
  honeypot_field_name: 'hp_fax',
  survey: {
    allow_comment: true,
    questions: [
      { id: 7, factor: 'ket_qua', order: 1, text: 'Kết quả đúng quy định?', scale: 'yes_no', required: true },
      { id: 3, factor: 'tiep_can', order: 2, text: 'Nơi ngồi chờ', scale: 'likert5', labels: { tay: 'Tày 2' } },
      { id: 2, factor: 'tiep_can', order: 1, text: 'Dễ tìm', scale: 'likert5', required: true, labels: { en: '' } },
      { id: 9, factor: 'gop_y', order: 1, text: 'Dễ góp ý', scale: 'likert5' },
    ],
  },
};

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

describe('address', () => {
  it('takes the token from /khao-sat/<token> only', () => {
    expect(tokenFromPath('/khao-sat/abc.DEF-1_2')).toBe('abc.DEF-1_2');
    expect(tokenFromPath('/khao-sat/abc%2Exy/')).toBe('abc.xy');
    expect(tokenFromPath('/khao-sat/')).toBeNull();
    expect(tokenFromPath('/khao-sat/a/b')).toBeNull();
    expect(tokenFromPath('/my-work')).toBeNull();
    expect(tokenFromPath('/khao-sat/%E0%A4%A')).toBeNull();
  });
  it('kiosk mode from ?kiosk=1', () => {
    expect(isKiosk('?kiosk=1')).toBe(true);
    expect(isKiosk('?kiosk=true')).toBe(true);
    expect(isKiosk('?kiosk=0')).toBe(false);
    expect(isKiosk('')).toBe(false);
  });
});

describe('device id', () => {
  it('is made once and kept', () => {
    const s = memoryStorage();
    const a = clientId(s);
    expect(a).toMatch(/^[A-Za-z0-9-]{8,64}$/);
    expect(clientId(s)).toBe(a);
    expect(s.getItem(CLIENT_KEY)).toBe(a);
  });
  it('replaces a tampered value and survives a refusing storage', () => {
    const s = memoryStorage();
    s.setItem(CLIENT_KEY, '<script>');
    expect(clientId(s)).not.toBe('<script>');
    const refusing = { ...memoryStorage(), getItem: () => { throw new Error('denied'); } } as Storage;
    expect(clientId(refusing)).toMatch(/^[A-Za-z0-9-]{8,64}$/);
  });
});

describe('questions', () => {
  it('are grouped by factor in the SIPAS order, each group by order', () => {
    const g = groups(form.survey.questions);
    expect(g.map((x) => x.factor)).toEqual(['tiep_can', 'ket_qua', 'gop_y']);
    expect(g[0].name).toBe('Tiếp cận dịch vụ hành chính công');
    expect(g[0].questions.map((q) => q.id)).toEqual([2, 3]);
  });
  it('offers only the extra languages some question has a label in', () => {
    expect(extrasOf(form.survey.questions)).toEqual(['tay']);
  });
  it('lists the required questions left unanswered', () => {
    expect(missing(form.survey.questions, { answers: { 2: 5 }, comment: '', phone: '' }).map((q) => q.id)).toEqual([7]);
    expect(missing(form.survey.questions, { answers: { 2: 5, 7: 0 }, comment: '', phone: '' })).toEqual([]);
  });
});

describe('body', () => {
  it('sends answers in the questions order, the empty honeypot, no empty phone', () => {
    const body = buildBody(form, { answers: { 2: 4, 7: 1 }, comment: '  ', phone: ' ' }, { kiosk: false, clientId: 'dev-12345678' });
    expect(body).toEqual({
      answers: [
        { question_id: 7, value: 1 },
        { question_id: 2, value: 4 },
      ],
      kiosk: false,
      client_id: 'dev-12345678',
      hp_fax: '',
    });
  });
  it('keeps comment and phone when given, passes on what a robot typed in the honeypot', () => {
    const body = buildBody(form, { answers: { 2: 1 }, comment: ' Chờ lâu ', phone: '0912 345 678' }, { kiosk: true, clientId: 'x'.repeat(8), honeypot: 'spam' });
    expect(body.comment).toBe('Chờ lâu');
    expect(body.phone).toBe('0912 345 678');
    expect(body.kiosk).toBe(true);
    expect(body.hp_fax).toBe('spam');
  });
  it('drops the comment when the survey takes none', () => {
    const f = { ...form, survey: { ...form.survey, allow_comment: false } };
    expect(buildBody(f, { answers: { 2: 1 }, comment: 'x', phone: '' }, { kiosk: false, clientId: 'abcdefgh' }).comment).toBeUndefined();
  });
  it('checks the optional phone', () => {
    expect(phoneProblem('')).toBeNull();
    expect(phoneProblem('0912.345.678')).toBeNull();
    expect(phoneProblem('+84 912 345 678')).toBeNull();
    expect(phoneProblem('12345')).toMatch(/9 đến 12/);
    expect(phoneProblem('09x2345678')).toMatch(/chữ số/);
  });
});

describe('refusals, in words', () => {
  it('429: retry after the seconds the server says', async () => {
    const out = await outcomeOf(new Response('{}', { status: 429, headers: { 'Retry-After': '42' } }));
    expect(out).toMatchObject({ kind: 'rate', seconds: 42 });
    expect(out.kind === 'rate' && out.message).toContain('sau 42 giây');
  });
  it('Retry-After as a date or missing', () => {
    const now = Date.parse('2026-12-06T07:00:00Z');
    expect(retryAfterSeconds('Sun, 06 Dec 2026 07:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds(null)).toBe(30);
    expect(retryAfterSeconds('0')).toBe(1);
  });
  it('404: unknown or retired desk', async () => {
    const out = await outcomeOf(new Response('{}', { status: 404 }));
    expect(out.kind).toBe('unknown_desk');
    expect(out.kind !== 'thanks' && out.message).toContain('mã QR');
  });
  it('422: the server message and its field errors', async () => {
    const body = JSON.stringify({ detail: 'Câu trả lời không hợp lệ.', errors: [{ field: 'answers.0.value', message: 'Giá trị phải từ 1 đến 5.' }] });
    const out = await outcomeOf(new Response(body, { status: 422, headers: { 'Content-Type': 'application/problem+json' } }));
    expect(out).toEqual({ kind: 'invalid', message: 'Câu trả lời không hợp lệ.', fields: ['Giá trị phải từ 1 đến 5.'] });
  });
  it('no network, server error', async () => {
    expect((await outcomeOf(null)).kind).toBe('offline');
    expect((await outcomeOf(new Response('', { status: 503 }))).kind).toBe('server');
    expect((await outcomeOf(new Response('{"thanks":true}', { status: 201 }))).kind).toBe('thanks');
  });
});

describe('keeping the answer across a network loss', () => {
  it('stores it per desk and sends it again with the same key', async () => {
    const s = memoryStorage();
    const p = { token: 'tok', key: 'k-1', body: { answers: [{ question_id: 2, value: 5 }] } };
    savePending(s, p);
    expect(loadPending(s, 'other')).toBeNull();
    const kept = loadPending(s, 'tok')!;
    expect(kept).toEqual(p);
    const fetcher = vi
      .fn<typeof fetch>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(new Response('{"thanks":true}', { status: 201 }));
    expect((await send('tok', kept, fetcher)).kind).toBe('offline');
    expect((await send('tok', kept, fetcher)).kind).toBe('thanks');
    const [url, init] = fetcher.mock.calls[1];
    expect(url).toBe('/api/v1/public/survey/tok/responses');
    expect((init!.headers as Record<string, string>)['Idempotency-Key']).toBe('k-1');
    expect(init!.credentials).toBe('omit');
    expect(JSON.parse(init!.body as string)).toEqual(p.body);
    savePending(s, null);
    expect(loadPending(s, 'tok')).toBeNull();
  });
  it('ignores a damaged stored answer', () => {
    const s = memoryStorage();
    s.setItem('parsipas.survey.pending', '{not json');
    expect(loadPending(s, 'tok')).toBeNull();
  });
});
