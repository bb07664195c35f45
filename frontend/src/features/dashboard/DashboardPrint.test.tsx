import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PointsAtRisk, Summary, UnitStat } from '../../client/types.gen';
import { stubAntdDom } from '../../components/testDom';
import { restoreFetch, stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import AreaBars from './AreaBars';
import DashboardPrint from './DashboardPrint';
import LaggingUnits from './LaggingUnits';

beforeAll(stubAntdDom);
afterEach(() => {
  cleanup();
  restoreFetch();
});

const buckets = (o: number, t: number, l = 0) => ({ done_on_time: t, done_late: l, overdue: o, in_progress_on_time: 4, awaiting_review: 1 });
const unit = (id: number, name: string, rate: number | null, b: UnitStat['buckets']): UnitStat => ({ unit_id: id, code: `U${id}`, name, total: 10, avg_progress: 50, buckets: b, on_time_rate: rate });
const LONG = 'Xây dựng và phát triển Chính quyền điện tử, Chính quyền số (một tên rất dài không được cắt)';

const summary = {
  as_of: '2024-10-15',
  due_soon_days: 7,
  total: 120,
  avg_progress: 62.5,
  buckets: { done_on_time: 40, done_late: 10, in_progress_on_time: 50, awaiting_review: 5, overdue: 15 },
  by_unit: [],
  by_plan: [],
  lagging_units: Array.from({ length: 12 }, (_, i) => unit(i + 1, `Xã số ${i + 1}`, 10 * i, buckets(3, i, 1))),
  by_area: [{ node_id: 1, code: '7', title: LONG, framework_code: 'VD', total: 30, avg_progress: 55.5, buckets: buckets(2, 5) }],
  criteria_most_overdue: [],
  due_soon: Array.from({ length: 20 }, () => ({})),
  due_soon_total: 37,
} as unknown as Summary;

const risk = {
  framework_name: 'Chỉ số CCHC cấp xã',
  measure: 'points',
  total: { secured: '41.5', at_risk: '12', in_progress: '20', not_covered: '26.5', max: '100', projected_now: '41.5', projected_if_done: '73.5' },
} as unknown as PointsAtRisk;

describe('dashboard print view', { timeout: 20000 }, () => {
  it('labels every figure, counts the whole due-soon list and says what was left out', async () => {
    stubFetch({ 'GET /api/v1/dashboards/summary': summary, 'GET /api/v1/points-at-risk': risk });
    renderWithQuery(<DashboardPrint />, { route: '/dashboard/print', path: '/dashboard/print' });
    expect(await screen.findByTestId('print-total')).toHaveTextContent('120');
    expect(screen.getByTestId('print-as-of')).toHaveTextContent('15/10/2024');
    expect(screen.getByTestId('print-overdue')).toHaveTextContent('15');
    // 37 due soon, not the 20 rows the API sends with it
    expect(screen.getByTestId('print-due_soon')).toHaveTextContent('37');
    expect(screen.getByText('Sắp đến hạn trong 7 ngày tới')).toBeTruthy();
    const index = screen.getByTestId('print-index');
    expect(within(index).getByText('41,5%')).toBeTruthy();
    expect(within(index).getByText('73,5%')).toBeTruthy();
    expect(within(index).getByText('12 / 100 điểm')).toBeTruthy();
    const lagging = screen.getByTestId('print-lagging');
    expect(within(lagging).getAllByRole('row')).toHaveLength(1 + 10 + 1);
    expect(within(lagging).getByText('… và 2 dòng khác (xem trên ứng dụng)')).toBeTruthy();
    expect(within(lagging).getByText('10% (1/5 việc đã đến hạn hoặc đã xong)')).toBeTruthy();
    expect(screen.getByText(LONG, { exact: false })).toBeTruthy();
  });
});

describe('dashboard parts', () => {
  it('explains each lagging unit by what its rate counts', () => {
    render(
      <MemoryRouter>
        <LaggingUnits units={[unit(1, 'Xã Hoa Thám', 25, buckets(2, 1, 1))]} link={(u, b) => `/assignments?unit_id=${u.unit_id}${b ? `&bucket=${b}` : ''}`} />
      </MemoryRouter>,
    );
    const item = screen.getByTestId('lagging-units');
    expect(item).toHaveTextContent('Đúng hạn 25%');
    expect(item).toHaveTextContent('(1/4 việc đã đến hạn hoặc đã xong)');
    expect(within(item).getByRole('link', { name: 'Quá hạn: 2' })).toHaveAttribute('href', '/assignments?unit_id=1&bucket=overdue');
  });

  it('writes the whole area name above its bar with its figures', () => {
    render(
      <MemoryRouter>
        <AreaBars rows={[{ id: 1, name: LONG, progress: 55.5, total: 30, overdue: 2, to: '/assignments?node_id=1' }]} />
      </MemoryRouter>,
    );
    expect(screen.getByRole('link', { name: LONG })).toBeTruthy();
    expect(screen.getByRole('meter', { name: `Tiến độ bình quân: ${LONG}` })).toHaveAttribute('aria-valuetext', '55,5%');
    expect(screen.getByTestId('area-bars')).toHaveTextContent('55,5% · 30 nhiệm vụ · 2 quá hạn');
  });
});
