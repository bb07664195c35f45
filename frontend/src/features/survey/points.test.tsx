import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import '../../api/http'; // the SDK client's fetch and error interceptor, as in the app
import { stubAntdDom } from '../../components/testDom';
import { stubFetch } from '../../test/fetchStub';
import { page, renderWithQuery } from '../../test/renderWithQuery';
import Points from './Points';
import { fieldName } from './words';

const auth = vi.hoisted(() => ({ perms: ['surveys:manage'] }));
vi.mock('../../auth', () => ({
  useAuth: () => ({ can: (p: string) => auth.perms.includes(p), me: { memberships: [8, 9].map((unit_id) => ({ unit_id, unit_name: `UBND xã ${unit_id}`, role: 'unit_officer' })) } }),
}));

beforeEach(stubAntdDom);
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('survey desks: empty required fields named in the error', { timeout: 30000 }, () => {
  it('names the field without its bracketed hint', () => {
    expect(fieldName('Mã (không dấu, không cách)', 'vi')).toBe('mã');
    expect(fieldName('Tên điểm', 'vi')).toBe('tên điểm');
  });
  it('names each empty required field of a new desk on submit and sends nothing', async () => {
    const net = stubFetch({
      'GET /api/v1/collection-points': page([]),
      'GET /api/v1/surveys': page([]),
      // two desks' units to choose from: none is picked for the user
      'GET /api/v1/org-units': page([{ id: 8, name: 'UBND xã Hoa Thám' }, { id: 9, name: 'UBND xã Mông Ân' }]),
    });
    renderWithQuery(<Points />, { antApp: true });
    fireEvent.click(await screen.findByRole('button', { name: 'Thêm điểm khảo sát' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    for (const text of ['Chưa nhập đơn vị (bắt buộc).', 'Chưa nhập mã (bắt buộc).', 'Chưa nhập tên điểm (bắt buộc).']) {
      expect(await within(dialog).findByText(text, undefined, { timeout: 5000 })).toBeInTheDocument();
    }
    expect(net.called('POST /api/v1/collection-points')).toBe(false);
  });
});
