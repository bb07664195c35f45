import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubAntdDom } from '../../components/testDom';
import { stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import { AppendixTable } from './AppendixTable';
import type { Appendix } from './model';
import { hiddenCoordinators, hiddenUnits, statusSummary, type AppendixTask } from './unitsModel';

vi.mock('../../auth', () => ({ useAuth: () => ({ can: () => false, me: { memberships: [] } }) }));

beforeEach(stubAntdDom);
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const RAW = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b\d{4}-\d{2}-\d{2}\b/;
const COUNTS = { not_started: 413, in_progress: 825, submitted: 412, approved: 1238, returned: 412 };

const status = (i: number, st = 'approved') => ({
  assignment_id: 1000 + i,
  unit_id: 10 + i,
  unit_code: `BP.D.X${String(i).padStart(4, '0')}`,
  role: 'lead' as const,
  instance_key: '',
  due_date: '2024-10-15',
  status: st,
  progress: 50,
  bucket: 'done_on_time',
});

function task(extra: Partial<AppendixTask>): AppendixTask {
  return {
    id: 5,
    plan_id: 1,
    section_id: null,
    label: '1',
    order: 0,
    title: 'Rà soát thủ tục hành chính',
    description: null,
    product: 'Báo cáo',
    deadline_kind: 'date',
    due_date: '2024-10-15',
    period_code: null,
    period_year: null,
    recurrence: null,
    report_rhythm: null,
    deadline_text: null,
    lead_unit_id: 2,
    priority: 'normal',
    target: null,
    cloned_from_id: null,
    version: 1,
    lead_unit: { id: 2, code: 'BP.D', name: 'UBND huyện' },
    coordinating_units: [],
    nodes: [],
    units: [],
    units_total: 0,
    units_truncated: false,
    status_counts: { not_started: 0, in_progress: 0, submitted: 0, approved: 0, returned: 0 },
    coordinating_total: 0,
    coordinating_truncated: false,
    ...extra,
  } as AppendixTask;
}

function appendix(tasks: AppendixTask[]): Appendix {
  return {
    plan: { id: 1, number: '1', symbol: 'KH-UBND', title: 'Kế hoạch', year: 2024, issuing_unit_id: 2, status: 'issued' },
    sections: [],
    tasks,
    units_limit: 2,
  } as unknown as Appendix;
}

const national = () =>
  task({
    units: [status(0), status(1, 'in_progress')],
    units_total: 3300,
    units_truncated: true,
    status_counts: COUNTS,
    coordinating_units: [
      { id: 10, code: 'BP.D.X0000', name: 'Xã 0' },
      { id: 11, code: 'BP.D.X0001', name: 'Xã 1' },
    ],
    coordinating_total: 3300,
    coordinating_truncated: true,
  });

describe('what the appendix does not list', () => {
  it('counts the hidden units and coordinators, and sums the statuses in words with thousands dots', () => {
    const x = national();
    expect(hiddenUnits(x)).toBe(3298);
    expect(hiddenCoordinators(x)).toBe(3298);
    expect(hiddenUnits(task({ units: [status(0)], units_total: 1 }))).toBe(0);
    const label = (s: string) => ({ approved: 'Đã duyệt', in_progress: 'Đang thực hiện' })[s] ?? s;
    const num = (v: number) => new Intl.NumberFormat('vi-VN').format(v);
    expect(statusSummary({ ...COUNTS, returned: 0, submitted: 0, not_started: 0 }, label, num)).toBe('Đang thực hiện: 825 · Đã duyệt: 1.238');
  });
});

describe('AppendixTable with a bounded appendix', { timeout: 30000 }, () => {
  it('a task listing every unit shows them as before: no summary, no "… và"', () => {
    stubFetch({});
    const x = task({ units: [status(0), status(1, 'in_progress')], units_total: 2, status_counts: { ...COUNTS, approved: 1, in_progress: 1, not_started: 0, submitted: 0, returned: 0 } });
    renderWithQuery(<AppendixTable appendix={appendix([x])} units={[]} editable={false} onEdit={() => {}} onDelete={() => {}} onEditSection={() => {}} />);
    expect(screen.getAllByRole('link').map((a) => a.textContent)).toEqual(['BP.D.X0000', 'BP.D.X0001']);
    expect(screen.queryByText(/đơn vị khác/)).toBeNull();
    expect(screen.queryByTestId('status-summary-5')).toBeNull();
  });

  it('a national task shows its first units, the counts of all, "… và N đơn vị khác" and opens the paged list', async () => {
    const net = stubFetch({
      'GET /api/v1/tasks/5/units': (req) => {
        const offset = Number(req.query.get('offset'));
        const only = req.query.get('status');
        const items = Array.from({ length: 20 }, (_, i) => ({ ...status(offset + i, only ?? 'approved'), unit_name: `Xã ${offset + i}` }));
        return { items, total: only ? 1238 : 3300, limit: 20, offset };
      },
    });
    renderWithQuery(<AppendixTable appendix={appendix([national()])} units={[]} editable={false} onEdit={() => {}} onDelete={() => {}} onEditSection={() => {}} />);
    const summary = screen.getByTestId('status-summary-5');
    expect(summary).toHaveTextContent('Đã duyệt: 1.238');
    expect(summary).toHaveTextContent('Đang thực hiện: 825');
    expect(summary.textContent).not.toMatch(RAW);
    expect(screen.getByText(/… và 3\.298 đơn vị khác/)).toBeInTheDocument();
    expect(screen.getAllByText(/… và 3\.298 đơn vị phối hợp khác/).length).toBeGreaterThan(0);
    expect(net.calls('GET /api/v1/tasks/5/units')).toHaveLength(0); // nothing fetched until asked

    fireEvent.click(screen.getByRole('button', { name: /Xem tất cả 3\.300 đơn vị/ }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('Xã 0')).toBeInTheDocument();
    expect(within(dialog).getByText('Tổng số: 3.300')).toBeInTheDocument();
    expect(within(dialog).getAllByText('15/10/2024').length).toBe(20);
    expect(dialog.textContent).not.toMatch(RAW);
    expect(within(dialog).getByText('Xã 0').closest('a')).toHaveAttribute('href', '/assignments/1000');
    const first = net.calls('GET /api/v1/tasks/5/units')[0];
    expect(first.query.get('limit')).toBe('20');
    expect(first.query.get('offset')).toBe('0');

    fireEvent.click(within(dialog).getByTitle('2'));
    expect(await within(dialog).findByText('Xã 20')).toBeInTheDocument();
    expect(net.calls('GET /api/v1/tasks/5/units').at(-1)!.query.get('offset')).toBe('20');

    const search = within(dialog).getByRole('searchbox', { name: 'Tìm đơn vị' });
    fireEvent.change(search, { target: { value: 'Xã 7' } });
    fireEvent.keyDown(search, { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() => expect(net.calls('GET /api/v1/tasks/5/units').at(-1)!.query.get('q')).toBe('Xã 7'));
    expect(net.calls('GET /api/v1/tasks/5/units').at(-1)!.query.get('offset')).toBe('0');
  });
});
