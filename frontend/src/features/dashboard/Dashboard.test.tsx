import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { useLocation } from 'react-router';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Summary, UnitStat } from '../../client/types.gen';
import { stubAntdDom } from '../../components/testDom';
import { restoreFetch, stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import Dashboard from './Dashboard';

beforeAll(stubAntdDom);
afterEach(() => {
  cleanup();
  restoreFetch();
});

const buckets = { done_on_time: 1, done_late: 0, overdue: 2, in_progress_on_time: 3, awaiting_review: 0 };
const unit = (id: number): UnitStat => ({ unit_id: id, code: `U${id}`, name: `Xã số ${id}`, total: 10 + id, avg_progress: 50.5, buckets, on_time_rate: 25 });
const summary = {
  as_of: '2024-10-15',
  due_soon_days: 7,
  total: 1234,
  avg_progress: 62.5,
  buckets: { done_on_time: 40, done_late: 10, in_progress_on_time: 50, awaiting_review: 5, overdue: 15 },
  by_unit: Array.from({ length: 23 }, (_, i) => unit(i + 1)),
  by_plan: [],
  lagging_units: [],
  by_area: [],
  criteria_most_overdue: [],
  due_soon: [{ id: 9, task_title: 'Báo cáo quý III', unit_name: 'Xã số 1', due_date: '2024-10-20' }],
  due_soon_total: 37,
} as unknown as Summary;

function Where() {
  return <output data-testid="where">{useLocation().search}</output>;
}

// the index part (points at risk, frameworks) is answered 404 here: RiskIndex.test.tsx covers it
const routes = {
  'GET /api/v1/dashboards/summary': summary,
  'GET /api/v1/org-units': { items: [{ id: 5, code: 'LS.BG.X.HOATHAM', name: 'Xã Hoa Thám' }], total: 1, limit: 500, offset: 0 },
  'GET /api/v1/plans': { items: [{ id: 3, number: '12/KH-UBND', display_number: null, year: 2024, framework_ids: [] }], total: 1, limit: 200, offset: 0 },
  'GET /api/v1/dashboards/trend': { granularity: 'month', points: [] },
};

describe('leader dashboard in plain markup', { timeout: 20000 }, () => {
  it('filters with labelled native selects, names units without their code, pages the units ten at a time', async () => {
    const net = stubFetch(routes);
    const { container } = renderWithQuery(
      <>
        <Dashboard />
        <Where />
      </>,
      { route: '/dashboard', path: '/dashboard' },
    );
    expect(await screen.findByTestId('total')).toHaveTextContent('1.234');
    expect(screen.getByRole('heading', { level: 1, name: 'Tổng quan' })).toBeTruthy();
    // the due-soon panel says the whole count in its heading, lists what came with the summary
    const due = screen.getByTestId('due-soon-card');
    expect(within(due).getByRole('heading', { level: 2 })).toHaveTextContent('Sắp đến hạn trong 7 ngày tới: 37');
    expect(within(due).getByRole('link', { name: 'Báo cáo quý III' })).toHaveAttribute('href', '/assignments/9');

    const unitFilter = await screen.findByRole('combobox', { name: 'Đơn vị' });
    expect(await within(unitFilter).findByRole('option', { name: 'Xã Hoa Thám' })).toBeTruthy();
    expect(unitFilter.textContent).not.toContain('LS.BG.X.HOATHAM');
    fireEvent.change(unitFilter, { target: { value: '5' } });
    expect(screen.getByTestId('where')).toHaveTextContent('?unit_id=5');
    expect(await screen.findByTestId('total')).toBeTruthy();
    // the summary is asked again for the chosen unit, through the generated SDK
    expect(net.called('GET /api/v1/dashboards/summary?unit_id=5')).toBe(true);

    const byUnit = screen.getByTestId('by-unit');
    const rows = () => within(byUnit).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[0].textContent);
    expect(rows()).toEqual(Array.from({ length: 10 }, (_, i) => `Xã số ${i + 1}`));
    expect(within(byUnit).getByText('Trang 1/3')).toBeTruthy();
    fireEvent.click(within(byUnit).getByRole('button', { name: /Trang sau/ }));
    fireEvent.click(within(byUnit).getByRole('button', { name: /Trang sau/ }));
    expect(rows()).toEqual(['Xã số 21', 'Xã số 22', 'Xã số 23']);
    expect(within(byUnit).getByRole('button', { name: /Trang sau/ })).toBeDisabled();
    expect(within(byUnit).getByRole('link', { name: 'Xã số 21' })).toHaveAttribute('href', '/assignments?unit_id=21');
    // no antd table, select or card on this page (its cold load, bench/bench_frontend.py)
    expect(container.querySelector('.ant-table, .ant-select, .ant-list')).toBeNull();
  });
});
