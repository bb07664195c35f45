import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubAntdDom } from '../../components/testDom';
import { reply, stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import IndicatorsPanel from './IndicatorsPanel';
import { indicatorRow } from './testRows';

beforeEach(stubAntdDom);
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const row = indicatorRow;

const rows = [
  row({}),
  row({ indicator_id: 2, code: 'CT02', name: 'Tỷ lệ hồ sơ đúng hạn', unit_of_measure: '%', rollup: 'average', value: '2022' }),
  row({ indicator_id: 3, code: 'CT03', name: 'Kinh phí', unit_of_measure: 'triệu đồng', value: '0.5' }),
];

function show() {
  const net = stubFetch({
    'GET /api/v1/reports/4/indicators': reply({ items: rows, etag: 'W/"r1"' }, { headers: { ETag: 'W/"r1"' } }),
    'PUT /api/v1/reports/4/indicators': reply({ items: rows, etag: 'W/"r2"' }, { headers: { ETag: 'W/"r2"' } }),
  });
  const onEtag = vi.fn();
  renderWithQuery(<IndicatorsPanel reportId={4} district={false} etag={'W/"r1"'} onEtag={onEtag} />, { antApp: true });
  return { net, onEtag };
}

describe('the indicator table: decimal comma', { timeout: 20000 }, () => {
  it('shows the values with a decimal comma and thousands dots, and sends what is typed with a comma as the API decimal', async () => {
    const { net, onEtag } = show();
    const first = await screen.findByLabelText('Giá trị: Số cuộc kiểm tra');
    const share = screen.getByLabelText('Giá trị: Tỷ lệ hồ sơ đúng hạn');
    const money = screen.getByLabelText('Giá trị: Kinh phí');
    expect(share).toHaveValue('2.022');
    expect(money).toHaveValue('0,5');
    expect(first).toHaveAttribute('inputmode', 'decimal');
    fireEvent.change(first, { target: { value: '1.234,75' } });
    fireEvent.change(share, { target: { value: '87,5' } });
    fireEvent.change(money, { target: { value: ',25' } });
    fireEvent.click(screen.getByRole('button', { name: 'Lưu biểu số liệu' }));
    await waitFor(() => expect(onEtag).toHaveBeenCalledWith('W/"r2"'));
    expect(net.calls('PUT /api/v1/reports/4/indicators')[0].body).toEqual({
      values: [
        { indicator_id: 1, value: '1234.75', note: null },
        { indicator_id: 2, value: '87.5', note: null },
        { indicator_id: 3, value: '0.25', note: null },
      ],
    });
  });

  it('sends nothing while a value is not a number, and names the indicator it is in', async () => {
    const { net } = show();
    const share = await screen.findByLabelText('Giá trị: Tỷ lệ hồ sơ đúng hạn');
    fireEvent.change(share, { target: { value: '87,5,1' } });
    fireEvent.change(screen.getByLabelText('Giá trị: Số cuộc kiểm tra'), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Lưu biểu số liệu' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Số không hợp lệ (ví dụ 12,5): Tỷ lệ hồ sơ đúng hạn.');
    expect(share).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Giá trị: Số cuộc kiểm tra')).not.toHaveAttribute('aria-invalid');
    expect(net.calls('PUT /api/v1/reports/4/indicators')).toHaveLength(0);
  });
});
