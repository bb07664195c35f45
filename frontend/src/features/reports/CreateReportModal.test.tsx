import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrgUnitRead, PeriodRead } from '../../client/types.gen';
import { stubAntdDom } from '../../components/testDom';
import { renderWithQuery } from '../../test/renderWithQuery';
import CreateReportModal from './CreateReportModal';
import PeriodEditModal from './PeriodEditModal';
import { reply, stubFetch } from '../../test/fetchStub';

beforeEach(stubAntdDom);
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const periods = [{ id: 3, kind: 'quarter', year: 2024, number: 3, name: 'Quý III năm 2024' } as PeriodRead];
const units = [{ id: 5, name: 'UBND xã Hoa Thám' } as OrgUnitRead];

/** Opens the dialog on the period given, with the unit chosen. */
async function openAndChoose(onCreate: (p: number, u: number, key: string) => Promise<unknown>) {
  renderWithQuery(<CreateReportModal periods={periods} units={units} defaultPeriodId={3} onClose={() => undefined} onCreate={onCreate} />, { antApp: true });
  const dialog = await screen.findByRole('dialog');
  const unit = within(dialog).getByRole('combobox', { name: 'Đơn vị' });
  fireEvent.mouseDown(unit);
  fireEvent.click(await screen.findByTitle('UBND xã Hoa Thám'));
  return dialog;
}

describe('CreateReportModal', { timeout: 20000 }, () => {
  it('names each empty required field in Vietnamese and sends nothing', async () => {
    const onCreate = vi.fn();
    renderWithQuery(<CreateReportModal periods={periods} units={units} onClose={() => undefined} onCreate={onCreate} />, { antApp: true });
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Tạo báo cáo' }));
    expect(await within(dialog).findByText('Chưa nhập kỳ báo cáo (bắt buộc).')).toBeInTheDocument();
    expect(await within(dialog).findByText('Chưa nhập đơn vị (bắt buộc).')).toBeInTheDocument();
    expect(within(dialog).queryByText('Bắt buộc nhập')).toBeNull();
    expect(onCreate).not.toHaveBeenCalled();
  });
  it('shows the refusal and retries with the same Idempotency-Key', async () => {
    const onCreate = vi.fn().mockRejectedValueOnce(new Error('Đơn vị đã có báo cáo kỳ này')).mockResolvedValueOnce({});
    const dialog = await openAndChoose(onCreate);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Tạo báo cáo' }));
    expect(await within(dialog).findByText(/Đơn vị đã có báo cáo kỳ này/)).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Tạo báo cáo' }));
    await waitFor(() => expect(onCreate).toHaveBeenCalledTimes(2));
    expect(onCreate.mock.calls[0].slice(0, 2)).toEqual([3, 5]);
    expect(onCreate.mock.calls[1][2]).toBe(onCreate.mock.calls[0][2]);
    expect(onCreate.mock.calls[0][2]).toMatch(/^report-/);
    await waitFor(() => expect(within(dialog).queryByText(/Đơn vị đã có báo cáo kỳ này/)).toBeNull());
  });
});

describe('PeriodEditModal', { timeout: 20000 }, () => {
  it('names the emptied required fields and saves nothing', async () => {
    const period = { id: 3, kind: 'quarter', year: 2024, number: 3, name: 'Quý III năm 2024', data_from: '2024-06-15', data_to: '2024-09-14', due_unit: '2024-09-16', due_district: '2024-09-20', due_province: null, created_at: '2024-01-01T00:00:00Z' };
    const net = stubFetch({ 'GET /api/v1/report-periods/3': reply(period, { headers: { ETag: 'W/"p1"' } }) });
    const onSaved = vi.fn();
    renderWithQuery(<PeriodEditModal periodId={3} onClose={() => undefined} onSaved={onSaved} />, { antApp: true });
    const dialog = await screen.findByRole('dialog');
    const name = await within(dialog).findByDisplayValue('Quý III năm 2024');
    fireEvent.change(name, { target: { value: '' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    expect(await within(dialog).findByText('Chưa nhập tên (bắt buộc).')).toBeInTheDocument();
    expect(within(dialog).queryByText('Bắt buộc nhập')).toBeNull();
    expect(net.log.filter((r) => r.method !== 'GET')).toHaveLength(0);
    expect(onSaved).not.toHaveBeenCalled();
  });
});
