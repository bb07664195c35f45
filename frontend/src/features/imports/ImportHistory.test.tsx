import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stubAntdDom } from '../../components/testDom';
import { reply, restoreFetch, stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import { ImportHistory } from './ImportHistory';

beforeAll(stubAntdDom);
afterEach(() => {
  cleanup();
  restoreFetch();
});

const run = (over: Record<string, unknown>) => ({
  id: 1,
  at: '2026-12-06T02:05:00Z',
  unit_id: 3,
  unit_name: 'UBND huyện Bình Gia',
  actor_name: 'Phòng Nội vụ',
  kind: 'org-units',
  kind_label: 'Đơn vị',
  file_name: 'don-vi.csv',
  dry_run: false,
  outcome: 'succeeded',
  rows: 1200,
  created: 3,
  updated: 1,
  unchanged: 1196,
  deleted: 0,
  error_count: 0,
  errors: [],
  allowed_actions: [],
  ...over,
});

describe('Lịch sử nhập', () => {
  it('shows who, when (dd/mm/yyyy HH:mm, Viet Nam time), what and the outcome in Vietnamese', async () => {
    const net = stubFetch({ 'GET /api/v1/imports/history?limit=20': {
      total: 2,
      items: [
        run({
          id: 2,
          dry_run: true,
          outcome: 'rejected',
          file_name: null,
          kind: 'tasks',
          error_count: 70,
          errors: [{ row: 2, column: 'Thời hạn', code: 'invalid', message: 'Thời hạn không hợp lệ' }],
        }),
        run({}),
      ],
    } });
    renderWithQuery(<ImportHistory kindLabel={(k) => (k === 'tasks' ? 'Nhiệm vụ (kế hoạch)' : null)} />);
    const table = await screen.findByTestId('import-history');
    await within(table).findAllByText(/06\/12\/2026 09:05/);
    const rows = await within(table).findAllByRole('row');
    const text = rows.map((r) => r.textContent ?? '');
    expect(net.unmatched).toEqual([]);
    expect(text.some((t) => t.includes('06/12/2026 09:05'))).toBe(true);
    expect(text.some((t) => t.includes('Bị từ chối: 70 lỗi, không ghi gì') && t.includes('Chạy thử'))).toBe(true);
    expect(text.some((t) => t.includes('Nhiệm vụ (kế hoạch)') && t.includes('Gửi qua API'))).toBe(true);
    expect(
      text.some((t) => t.includes('Thành công: 1.200 dòng · tạo mới 3 · cập nhật 1 · không đổi 1.196') && t.includes('Đơn vị')),
    ).toBe(true);
    expect(text.join(' ')).not.toMatch(/rejected|succeeded|org-units|2026-12-06/);
    // the refused run expands to its first errors, by row and column
    fireEvent.click(within(table).getAllByRole('button', { name: /expand|mở rộng/i })[0]);
    expect(await screen.findByText(/Các lỗi đầu tiên \(1\/70\)/)).toBeInTheDocument();
    expect(screen.getByText(/Dòng 2 · Thời hạn: Thời hạn không hợp lệ/)).toBeInTheDocument();
  });

  it('shows what the server refused instead of an empty table', async () => {
    stubFetch({
      'GET /api/v1/imports/history': reply({ status: 403, detail: 'Bạn không có quyền thực hiện thao tác này.' }, { status: 403 }),
    });
    renderWithQuery(<ImportHistory kindLabel={() => null} />);
    expect(await screen.findByText('Bạn không có quyền thực hiện thao tác này.')).toBeInTheDocument();
  });
});
