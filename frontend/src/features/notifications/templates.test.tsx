import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import '../../api/http'; // the SDK client's fetch and error interceptor, as in the app
import { stubAntdDom } from '../../components/testDom';
import { reply, stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import NotificationTemplates, { type TemplateItem, type TemplatesList } from './Templates';

beforeEach(stubAntdDom); // again after each test's vi.unstubAllGlobals (the fetch stub)
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});
const LIST_URL = 'GET /api/v1/notifications/templates/4';
const ITEM_URL = 'PUT /api/v1/notifications/templates/4/returned/vi';
const PREVIEW_URL = 'POST /api/v1/notifications/templates/4/returned/vi/preview';

const item = (over: Partial<TemplateItem> = {}): TemplateItem => ({
  kind: 'returned',
  language: 'vi',
  customized: false,
  subject: 'Nhiệm vụ bị trả lại: {task}',
  text: 'Nhiệm vụ {task} của {unit} đã bị trả lại. Lý do: {reason}',
  html: null,
  default_subject: 'Nhiệm vụ bị trả lại: {task}',
  default_text: 'Nhiệm vụ {task} của {unit} đã bị trả lại. Lý do: {reason}',
  etag: '"notification_template-returned-vi-4-v0"',
  ...over,
});
const LIST: TemplatesList = {
  unit_id: 4,
  unit_name: 'UBND huyện Bình Gia',
  items: [item(), item({ language: 'en', subject: 'Assignment returned: {task}', etag: '"en"' })],
  placeholders: [
    { name: 'task', label: 'Số hiệu và tên nhiệm vụ' },
    { name: 'reason', label: 'Lý do trả lại' },
  ],
};

describe('notification templates of the district', () => {
  it('shows the shipped text, kind in words, the usable fields; saves with If-Match and says so', async () => {
    const net = stubFetch({
      [LIST_URL]: LIST,
      [ITEM_URL]: reply(item({ customized: true, subject: 'Trả lại: {task}', etag: '"v1"' }), { headers: { ETag: '"v1"' } }),
    });
    renderWithQuery(<NotificationTemplates unitId={4} />);
    expect(await screen.findByText('Mẫu thông báo của UBND huyện Bình Gia')).toBeInTheDocument();
    expect(screen.getByText('Nhiệm vụ bị trả lại')).toBeInTheDocument(); // the kind in words, never "returned"
    expect(screen.getByText('Đang dùng mẫu mặc định')).toBeInTheDocument();
    expect(screen.getByText(/\{reason\} — Lý do trả lại/)).toBeInTheDocument();
    expect(screen.queryByText('Dùng lại mẫu mặc định')).not.toBeInTheDocument(); // nothing to reset yet
    fireEvent.change(screen.getByLabelText('Tiêu đề'), { target: { value: 'Trả lại: {task}' } });
    fireEvent.click(screen.getByText('Lưu mẫu'));
    await waitFor(() => expect(net.called(ITEM_URL)).toBe(true));
    const put = net.calls(ITEM_URL)[0];
    expect(put.headers.get('If-Match')).toBe('"notification_template-returned-vi-4-v0"');
    expect(put.body).toEqual({ subject: 'Trả lại: {task}', text: LIST.items[0].text, html: null });
    expect(await screen.findByText('Đã lưu mẫu thông báo.')).toBeInTheDocument();
    expect(screen.getByText('Đang dùng mẫu riêng của huyện')).toBeInTheDocument();
    expect(screen.getByText('Dùng lại mẫu mặc định')).toBeInTheDocument();
  }, 30_000);

  it("shows the server's refusal of an unknown field and the preview in a sandboxed frame", async () => {
    const problem = {
      title: 'Dữ liệu không hợp lệ',
      status: 422,
      code: 'invalid_template',
      detail: 'Mẫu thông báo chưa hợp lệ: Không có trường {ho_ten}; các trường dùng được: {task}, {reason}.',
      errors: [],
    };
    const net = stubFetch({
      [LIST_URL]: LIST,
      [ITEM_URL]: reply(problem, { status: 422 }),
      [PREVIEW_URL]: { subject: 'Trả lại: 1.2 Rà soát', text: 'Lý do: Thiếu', html: '<p>Lý do</p>' },
    });
    renderWithQuery(<NotificationTemplates unitId={4} />);
    await screen.findByText('Đang dùng mẫu mặc định');
    fireEvent.change(screen.getByLabelText('Tiêu đề'), { target: { value: 'Trả lại {ho_ten}' } });
    fireEvent.click(screen.getByText('Lưu mẫu'));
    expect(await screen.findByText(/Không có trường \{ho_ten\}/)).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Nội dung HTML (không bắt buộc)'), { target: { value: '<p>{reason}</p>' } });
    fireEvent.click(screen.getByText('Xem trước'));
    const frame = await screen.findByTitle('Xem trước thư HTML');
    expect(frame).toHaveAttribute('sandbox', '');
    expect(screen.getByText('Trả lại: 1.2 Rà soát')).toBeInTheDocument();
    expect(net.calls(PREVIEW_URL)[0].body).toEqual({ subject: 'Trả lại {ho_ten}', text: LIST.items[0].text, html: '<p>{reason}</p>' });
    expect(net.unmatched).toEqual([]);
  }, 30_000);
});
