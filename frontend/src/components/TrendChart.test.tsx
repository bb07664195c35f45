import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrendPoint } from '../client/types.gen';
import TrendChart from './TrendChart';
import { SERIES, yTicks } from './trend';

afterEach(cleanup);

const pts: TrendPoint[] = [
  { period_start: '2024-08-01', period_end: '2024-08-31', due: 12, done_on_time: 7, done_late: 2, overdue: 3, awaiting_review: 1 },
  { period_start: '2024-09-01', period_end: '2024-09-30', due: 20, done_on_time: 11, done_late: 3, overdue: 4, awaiting_review: 2 },
  { period_start: '2024-10-01', period_end: '2024-10-15', due: 23, done_on_time: 12, done_late: 3, overdue: 6, awaiting_review: 2 },
] as TrendPoint[];
const names = { due: 'Đến hạn', done_on_time: 'Đúng hạn', done_late: 'Trễ hạn', overdue: 'Quá hạn', awaiting_review: 'Chờ duyệt' };

describe('TrendChart (plain SVG)', () => {
  it('gridlines are whole round steps from 0 to at least the largest value', () => {
    expect(yTicks(23)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(yTicks(0)).toEqual([0, 1]);
    expect(yTicks(3)).toEqual([0, 1, 2, 3]);
    expect(yTicks(870)).toEqual([0, 200, 400, 600, 800, 1000]);
  });

  it('draws one clickable dot per series and point, labelled, with the legend', () => {
    const onPoint = vi.fn();
    const { container } = render(
      <TrendChart points={pts} names={names} tick={(p) => p.period_end.slice(5, 7) + '/2024'} num={String} ariaLabel="Xu hướng" onPoint={onPoint} />,
    );
    expect(container.querySelectorAll('circle.trend-dot')).toHaveLength(SERIES.length * pts.length);
    const dot = container.querySelectorAll('circle.trend-dot[data-series=overdue]')[0];
    expect(dot.querySelector('title')?.textContent).toBe('08/2024 — Quá hạn: 3');
    fireEvent.click(container.querySelectorAll('circle.trend-dot[data-series=due]')[2]);
    expect(onPoint).toHaveBeenCalledWith('due', 2);
    expect(screen.getByRole('img', { name: 'Xu hướng' })).toBeTruthy();
    for (const n of Object.values(names)) expect(screen.getByText(n)).toBeTruthy();
  });
});
