import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { PointsAtRisk, RiskFigures } from '../../client/types.gen';
import { restoreFetch, stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import RiskIndex from './RiskIndex';

afterEach(() => {
  cleanup();
  restoreFetch();
});

const fig = (secured: string, at_risk: string, in_progress: string, not_covered: string, max: string): RiskFigures => ({ secured, at_risk, in_progress, not_covered, max });
const risk = (over: Partial<PointsAtRisk> = {}) =>
  ({
    as_of: '2024-10-15',
    framework_id: 1,
    framework_code: 'CCHC-XA',
    framework_name: 'Chỉ số CCHC cấp xã',
    measure: 'points',
    units_count: 12,
    total: { ...fig('41.5', '12', '20', '26.5', '100'), projected_now: '41.5', projected_if_done: '73.5' },
    areas: [{ node_id: 7, code: '1', title: 'Công tác chỉ đạo, điều hành', top_id: 7, leaf: false, figures: fig('10.25', '2', '3', '4.75', '20'), units: [] }],
    nodes: [],
    units: [],
    ...over,
  }) as unknown as PointsAtRisk;
const list = <T,>(items: T[]) => ({ items, total: items.length, limit: 200, offset: 0 });

describe('index projection on the dashboard, in plain markup', { timeout: 20000 }, () => {
  it('shows every figure with a decimal comma, switches framework with a labelled native select, drills down inline and gives focus back', async () => {
    const net = stubFetch({
      'GET /api/v1/points-at-risk': risk(),
      'GET /api/v1/points-at-risk?framework_id=2': risk({ framework_id: 2, framework_name: 'Chỉ số cấp huyện', measure: 'criteria' }),
      'GET /api/v1/plans': list([{ id: 3, year: 2024, framework_ids: [1, 2] }]),
      'GET /api/v1/frameworks': list([{ id: 2, name: 'Chỉ số cấp huyện' }]),
      'GET /api/v1/points-at-risk/assignments': list([
        { assignment_id: 9, task_id: 1, plan_id: 3, task_label: '1.2', task_title: 'Báo cáo quý III', unit_name: 'Xã Hoa Thám', due_date: '2024-10-20', bucket: 'overdue', status: 'open', evidence: false, risk: 'at_risk' },
      ]),
    });
    const { container } = renderWithQuery(<RiskIndex />, { route: '/dashboard' });
    const table = await screen.findByTestId('risk-table');
    expect(screen.getByRole('heading', { level: 2, name: 'Chỉ số dự kiến' })).toBeTruthy();
    expect(screen.getByText('Nếu không thay đổi').nextElementSibling).toHaveTextContent('41,5 %');
    expect(screen.getByText('Nếu mọi nhiệm vụ đang mở hoàn thành').nextElementSibling).toHaveTextContent('73,5 %');
    expect(screen.getByText('Tại ngày 15/10/2024 · Số đơn vị: 12', { exact: false })).toBeTruthy();
    const row = within(table).getByRole('row', { name: /Công tác chỉ đạo/ });
    expect(within(row).getByRole('rowheader')).toHaveTextContent('Công tác chỉ đạo, điều hành');
    expect(within(row).getAllByRole('cell').map((c) => c.textContent).slice(0, 5)).toEqual(['10,25', '2', '3', '4,75', '20']);
    expect(within(table).getByRole('columnheader', { name: 'Có nguy cơ' })).toBeTruthy();
    expect(screen.queryByRole('note')).toBeNull();
    expect(container.querySelector('[class*="ant-"]')).toBeNull();

    // drill-down: an inline region, its heading focused; Esc closes it and the button has the focus again
    const open = within(row).getByRole('button', { name: 'Nhiệm vụ liên quan: Công tác chỉ đạo, điều hành' });
    open.focus();
    fireEvent.click(open);
    const drill = await screen.findByRole('region', { name: 'Nhiệm vụ liên quan: Công tác chỉ đạo, điều hành' });
    await waitFor(() => expect(within(drill).getByRole('heading', { level: 3 })).toHaveFocus());
    expect(open).toHaveAttribute('aria-expanded', 'true');
    expect(await within(drill).findByRole('link', { name: '1.2. Báo cáo quý III' })).toHaveAttribute('href', '/assignments/9');
    expect(within(drill).getByText('20/10/2024')).toBeTruthy();
    expect(within(drill).getByText('Không')).toBeTruthy();
    expect(net.calls('GET /api/v1/points-at-risk/assignments')[0].query.get('node_id')).toBe('7');
    const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations.map((v) => v.id)).toEqual([]);
    fireEvent.keyDown(within(drill).getByRole('heading', { level: 3 }), { key: 'Escape' });
    expect(screen.queryByRole('region', { name: /Nhiệm vụ liên quan/ })).toBeNull();
    expect(open).toHaveFocus();

    // another framework: a labelled native select; its max points unverified → the "chưa xác minh" note
    const select = screen.getByRole('combobox', { name: 'Bộ chỉ số' });
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual(['Chỉ số CCHC cấp xã', 'Chỉ số cấp huyện']);
    fireEvent.change(select, { target: { value: '2' } });
    expect(await screen.findByRole('note')).toHaveTextContent('chưa được xác minh');
    expect(screen.getByRole('combobox', { name: 'Bộ chỉ số' })).toHaveValue('2');
  });
});
