import { describe, expect, it } from 'vitest';
import type { TrendPoint } from '../client/types.gen';
import { listLink, trendLink, trendTick, weeksBefore } from './trend';

const point: TrendPoint = { period_start: '2024-09-01', period_end: '2024-09-30', due: 5, done_on_time: 3, done_late: 1, overdue: 1 };

describe('dashboard trend links', () => {
  it('keeps the dashboard filters in the list link', () => {
    expect(listLink({ plan_id: '7', unit_id: undefined }, { bucket: 'overdue' })).toBe('/assignments?plan_id=7&bucket=overdue');
    expect(listLink({}, {})).toBe('/assignments');
  });
  it('links "due" at every point and the buckets only at the as-of point', () => {
    const f = { unit_id: '3', node_id: '12' };
    expect(trendLink('due', point, false, f)).toBe('/assignments?unit_id=3&node_id=12&due_to=2024-09-30');
    expect(trendLink('overdue', point, false, f)).toBeNull();
    expect(trendLink('overdue', point, true, f)).toBe('/assignments?unit_id=3&node_id=12&bucket=overdue');
  });
  it('labels months and weeks', () => {
    expect(trendTick(point, 'month')).toBe('09/2024');
    expect(trendTick({ ...point, period_end: '2024-10-13' }, 'week')).toBe('13/10');
  });
  it('starts the weekly chart on a Monday', () => {
    expect(weeksBefore('2024-10-15', 12)).toBe('2024-07-22');
    expect(weeksBefore('2024-10-14', 0)).toBe('2024-10-14');
    expect(weeksBefore('2024-10-20', 1)).toBe('2024-10-07');
  });
});
