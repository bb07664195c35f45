import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PeriodRead, ReportDetail } from '../../client/types.gen';
import { stubAntdDom } from '../../components/testDom';
import { reply, restoreFetch, stubFetch } from '../../test/fetchStub';
import { page, renderWithQuery } from '../../test/renderWithQuery';
import ReportEditor from './ReportEditor';

const UNIT_HEAD = ['reports:read', 'reports:edit', 'reports:submit'];
vi.mock('../../auth', () => ({ useAuth: () => ({ me: { id: 4, memberships: [] }, can: (p: string) => UNIT_HEAD.includes(p) }) }));

beforeAll(stubAntdDom);
afterEach(() => {
  cleanup();
  restoreFetch();
  sessionStorage.clear();
});

const report = (over: Partial<ReportDetail> = {}) =>
  ({
    id: 5,
    period_id: 2,
    unit_id: 3,
    unit_name: 'UBND xã Hòa Thám',
    level: 'unit',
    status: 'draft',
    live: true,
    version: 1,
    title: 'Báo cáo CCHC quý III',
    as_of: '2024-09-14',
    narrative: { ket_qua: 'Đã hoàn thành 12 nhiệm vụ.' },
    figures: { as_of: '2024-09-14', total: 0, tasks: 0, buckets: {}, by_field: [] },
    task_table: [],
    ...over,
  }) as unknown as ReportDetail;

const period = {
  id: 2,
  name: 'Quý III/2024',
  year: 2024,
  data_from: '2024-06-15',
  data_to: '2024-09-14',
  due_unit: '2024-09-20',
  due_district: '2024-09-25',
  due_dates_are_defaults: false,
} as unknown as PeriodRead;

const routes = () => ({
  'GET /api/v1/reports/5': reply(report(), { headers: { ETag: '"v1"' } }),
  'GET /api/v1/report-periods/2': period,
  'GET /api/v1/portal-deliveries': page([]),
});

describe('the report page', { timeout: 20000 }, () => {
  it('offers "In báo cáo" and prints the narrative as text (the text boxes are left off paper)', async () => {
    stubFetch(routes());
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    renderWithQuery(<ReportEditor />, { route: '/reports/5', path: '/reports/:id', antApp: true });
    const button = await screen.findByRole('button', { name: 'In báo cáo' });
    fireEvent.click(button);
    expect(print).toHaveBeenCalledTimes(1);
    const paper = document.querySelector('.print-narrative') as HTMLElement;
    expect(paper).not.toBeNull();
    expect(within(paper).getByText('Đã hoàn thành 12 nhiệm vụ.')).toBeInTheDocument();
  });

  it('saves the narrative with If-Match on the version it read, then holds the new version', async () => {
    const net = stubFetch(routes());
    net.on({
      'PATCH /api/v1/reports/5': (req) =>
        reply(report({ version: 2, narrative: { ket_qua: (req.body as { narrative: { ket_qua: string } }).narrative.ket_qua } }), {
          headers: { ETag: '"v2"' },
        }),
    });
    renderWithQuery(<ReportEditor />, { route: '/reports/5', path: '/reports/:id', antApp: true });
    const box = await screen.findByDisplayValue('Đã hoàn thành 12 nhiệm vụ.');
    fireEvent.change(box, { target: { value: 'Đã hoàn thành 13 nhiệm vụ.' } });
    fireEvent.click(screen.getByRole('button', { name: /Lưu/ }));
    await waitFor(() => expect(net.calls('PATCH /api/v1/reports/5')).toHaveLength(1));
    expect(net.calls('PATCH /api/v1/reports/5')[0].headers.get('If-Match')).toBe('"v1"');
    await screen.findByDisplayValue('Đã hoàn thành 13 nhiệm vụ.');
    fireEvent.click(screen.getByRole('button', { name: /Lưu/ }));
    await waitFor(() => expect(net.calls('PATCH /api/v1/reports/5')).toHaveLength(2));
    expect(net.calls('PATCH /api/v1/reports/5')[1].headers.get('If-Match')).toBe('"v2"');
  });
});
