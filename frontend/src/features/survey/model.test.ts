import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import type { PlanRead } from '../../client/types.gen';
import { ciText, defaultDue, defaultPlan, paperGaps, dec, gapText, isWeak, kioskUrl, monthText, nextCode, paperBatch, pct, questionIn } from './model';
import { daysLabel, hoursLabel } from './words';

describe('figures for people', () => {
  it('rates with a decimal comma and one decimal', () => {
    expect(pct('87.46', 'vi')).toBe('87,5%');
    expect(pct(87.44, 'vi')).toBe('87,4%');
    expect(pct('100', 'vi')).toBe('100,0%');
    expect(pct('0', 'en')).toBe('0.0%');
    expect(pct(null, 'vi')).toBe('–');
    expect(pct('abc', 'vi')).toBe('–');
  });
  it('signed gaps in points', () => {
    expect(gapText('3.16', 'vi')).toBe('+3,2');
    expect(gapText(-4, 'vi')).toBe('−4,0');
    expect(gapText('0.01', 'vi')).toBe('0,0');
    expect(gapText(null, 'vi')).toBe('–');
  });
  it('index, months, confidence interval', () => {
    expect(dec('0.8125', 'vi')).toBe('0,8');
    expect(monthText('2026-03')).toBe('03/2026');
    expect(ciText({ responses: 12, satisfied_share: 75, ci_low: 46.8, ci_high: 91.1 }, 'vi')).toBe('46,8% – 91,1%');
    expect(ciText({ responses: 12, satisfied_share: '75' }, 'vi')).toBeNull();
  });
  it('weak results', () => {
    expect(isWeak({ satisfied_share: 79.9 })).toBe(true);
    expect(isWeak({ satisfied_share: '80' })).toBe(false);
    expect(isWeak({ satisfied_share: null })).toBe(false);
  });
  it('desk hours and days in words, no raw codes', () => {
    expect(hoursLabel('07:30-11:30,13:30-17:00')).toBe('07:30–11:30, 13:30–17:00');
    expect(daysLabel('1-5', 'vi')).toBe('Thứ Hai – Thứ Sáu');
    expect(daysLabel('1-5,6', 'vi')).toBe('Thứ Hai – Thứ Sáu, Thứ Bảy');
    expect(daysLabel('weekdays', 'vi')).toBe('weekdays');
  });
  it('kiosk link', () => {
    expect(kioskUrl('/khao-sat/3.abc')).toBe('/khao-sat/3.abc?kiosk=1');
    expect(kioskUrl('https://x/khao-sat/3.abc?a=1')).toBe('https://x/khao-sat/3.abc?a=1&kiosk=1');
  });
});

describe('what is sent', () => {
  it('a draft question without its id and name, empty labels dropped', () => {
    expect(
      questionIn({ id: 4, code: 'TC1', factor: 'tiep_can', factor_name: 'x', order: 1, text: ' Dễ tìm ', labels: { tay: ' ', en: 'Easy' }, scale: 'likert5', required: true }),
    ).toEqual({ code: 'TC1', factor: 'tiep_can', order: 1, text: 'Dễ tìm', labels: { en: 'Easy' }, scale: 'likert5', required: true, node_id: null });
    expect(nextCode([{ code: 'Q1' }, { code: 'Q3' }])).toBe('Q4');
    expect(nextCode([{ code: 'Q1' }, { code: 'Q2' }])).toBe('Q3');
  });
  it('paper forms: blank rows and blank cells left out', () => {
    const batch = paperBatch(
      [
        { key: 'a', answers: { 1: 5, 2: undefined, 3: 0 }, comment: ' ' },
        { key: 'b', answers: {}, comment: 'only a comment' },
        { key: 'c', answers: { 2: 1 }, comment: 'Chờ lâu' },
      ],
      '2026-12-01',
    );
    expect(batch).toEqual([
      { answered_on: '2026-12-01', answers: [{ question_id: 1, value: 5 }, { question_id: 3, value: 0 }], comment: null },
      { answered_on: '2026-12-01', answers: [{ question_id: 2, value: 1 }], comment: 'Chờ lâu' },
    ]);
  });
});

describe('a task from a weak result', () => {
  const plan = (id: number, year: number, status: string) => ({ id, year, status, issuing_unit_id: 1, title: `KH ${id}` }) as unknown as PlanRead;
  it("goes to the year's issued plan, else its draft, never a closed one", () => {
    expect(defaultPlan([plan(1, 2024, 'draft'), plan(2, 2024, 'issued'), plan(3, 2023, 'issued')], 2024)?.id).toBe(2);
    expect(defaultPlan([plan(1, 2024, 'draft'), plan(3, 2023, 'issued')], 2024)?.id).toBe(1);
    expect(defaultPlan([plan(4, 2024, 'closed')], 2024)).toBeUndefined();
  });
  it('is due two months ahead within the year', () => {
    expect(defaultDue(2024, dayjs('2024-10-15')).format('DD/MM/YYYY')).toBe('15/12/2024');
    expect(defaultDue(2024, dayjs('2024-11-20')).format('DD/MM/YYYY')).toBe('31/12/2024');
    expect(defaultDue(2026, dayjs('2024-11-20')).format('DD/MM/YYYY')).toBe('31/03/2026');
  });
});

describe('paper forms: required questions', () => {
  it('names the rows that leave a required question blank, skips blank rows', () => {
    const qs = [
      { id: 1, code: 'TC1', required: true },
      { id: 2, code: 'TT2', required: true },
      { id: 3, code: 'GY2', required: false },
    ];
    const rows = [
      { key: 'a', answers: { 1: 5, 2: 0 }, comment: '' },
      { key: 'b', answers: {}, comment: '' },
      { key: 'c', answers: { 1: 4, 3: 2 }, comment: '' },
      { key: 'd', answers: { 2: undefined, 3: 1 }, comment: '' },
    ];
    expect(paperGaps(rows, qs)).toEqual([
      [3, ['TT2']],
      [4, ['TC1', 'TT2']],
    ]);
  });
});
