import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http';
import { stubAntdDom } from '../../components/testDom';
import NotificationTemplates, { type TemplateItem, type TemplatesList } from './Templates';

const http = vi.hoisted(() => ({ apiGet: vi.fn(), api: vi.fn() }));
vi.mock('../../api/http', async (real) => ({ ...(await real<typeof import('../../api/http')>()), ...http }));

beforeAll(stubAntdDom);
afterEach(cleanup);
beforeEach(() => Object.values(http).forEach((f) => f.mockReset()));

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
    http.apiGet.mockResolvedValue(LIST);
    http.api.mockResolvedValueOnce({ data: item({ customized: true, subject: 'Trả lại: {task}', etag: '"v1"' }), etag: '"v1"' });
    render(<NotificationTemplates unitId={4} />);
    expect(await screen.findByText('Mẫu thông báo của UBND huyện Bình Gia')).toBeInTheDocument();
    expect(screen.getByText('Nhiệm vụ bị trả lại')).toBeInTheDocument(); // the kind in words, never "returned"
    expect(screen.getByText('Đang dùng mẫu mặc định')).toBeInTheDocument();
    expect(screen.getByText(/\{reason\} — Lý do trả lại/)).toBeInTheDocument();
    expect(screen.queryByText('Dùng lại mẫu mặc định')).not.toBeInTheDocument(); // nothing to reset yet
    fireEvent.change(screen.getByLabelText('Tiêu đề'), { target: { value: 'Trả lại: {task}' } });
    fireEvent.click(screen.getByText('Lưu mẫu'));
    await waitFor(() => expect(http.api).toHaveBeenCalled());
    const [path, init] = http.api.mock.calls[0];
    expect(path).toBe('/notifications/templates/4/returned/vi');
    expect(init).toMatchObject({ method: 'PUT', headers: { 'If-Match': '"notification_template-returned-vi-4-v0"' } });
    expect(init.body).toEqual({ subject: 'Trả lại: {task}', text: LIST.items[0].text, html: null });
    expect(await screen.findByText('Đã lưu mẫu thông báo.')).toBeInTheDocument();
    expect(screen.getByText('Đang dùng mẫu riêng của huyện')).toBeInTheDocument();
    expect(screen.getByText('Dùng lại mẫu mặc định')).toBeInTheDocument();
  }, 30_000);

  it("shows the server's refusal of an unknown field and the preview in a sandboxed frame", async () => {
    http.apiGet.mockResolvedValue(LIST);
    const problem = {
      title: 'Dữ liệu không hợp lệ',
      status: 422,
      code: 'invalid_template',
      detail: 'Mẫu thông báo chưa hợp lệ: Không có trường {ho_ten}; các trường dùng được: {task}, {reason}.',
      errors: [],
    };
    http.api
      .mockRejectedValueOnce(new ApiError(422, problem as never))
      .mockResolvedValueOnce({ data: { subject: 'Trả lại: 1.2 Rà soát', text: 'Lý do: Thiếu', html: '<p>Lý do</p>' }, etag: null });
    render(<NotificationTemplates unitId={4} />);
    await screen.findByText('Đang dùng mẫu mặc định');
    fireEvent.change(screen.getByLabelText('Tiêu đề'), { target: { value: 'Trả lại {ho_ten}' } });
    fireEvent.click(screen.getByText('Lưu mẫu'));
    expect(await screen.findByText(/Không có trường \{ho_ten\}/)).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Nội dung HTML (không bắt buộc)'), { target: { value: '<p>{reason}</p>' } });
    fireEvent.click(screen.getByText('Xem trước'));
    const frame = await screen.findByTitle('Xem trước thư HTML');
    expect(frame).toHaveAttribute('sandbox', '');
    expect(screen.getByText('Trả lại: 1.2 Rà soát')).toBeInTheDocument();
    expect(http.api.mock.calls[1][0]).toBe('/notifications/templates/4/returned/vi/preview');
  }, 30_000);
});
