import { describe, expect, it } from 'vitest';
import { barWidth, firstRows, lagOf } from './model';

describe('dashboard figures', () => {
  it('explains a lag by the assignments the rate is measured on', () => {
    const u = { on_time_rate: 40, buckets: { done_on_time: 2, done_late: 1, overdue: 2, in_progress_on_time: 9, awaiting_review: 3 } };
    expect(lagOf(u)).toEqual({ rate: 40, onTime: 2, dueOrDone: 5, overdue: 2, late: 1 });
    expect((lagOf(u).onTime / lagOf(u).dueOrDone) * 100).toBe(40);
  });
  it('says how many rows were left out', () => {
    expect(firstRows([1, 2, 3, 4], 3)).toEqual({ rows: [1, 2, 3], more: 1 });
    expect(firstRows([1], 3)).toEqual({ rows: [1], more: 0 });
  });
  it('bounds bar widths', () => {
    expect(barWidth(62.5)).toBe('62.5%');
    expect(barWidth(140)).toBe('100%');
    expect(barWidth(null)).toBe('0%');
  });
});
