import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http';
import type { EvidenceRead } from '../../api/types';
import { reply, restoreFetch, stubFetch, type FetchStub } from '../../test/fetchStub';
import { page, renderWithQuery } from '../../test/renderWithQuery';
import EvidencePanel from './EvidencePanel';
import { sizeColumn } from './bytes';
import { stubAntdDom } from '../../components/testDom';

// Reads and deletions go through the generated SDK (fetch is stubbed); uploads and downloads stay XHR/blob.
const http = vi.hoisted(() => ({ download: vi.fn(), uploadWithProgress: vi.fn() }));
vi.mock('../../api/http', async (real) => ({ ...(await real<typeof import('../../api/http')>()), ...http }));
vi.mock('../../auth', () => ({ useAuth: () => ({ can: () => false }) }));

beforeAll(stubAntdDom);

afterEach(() => {
  cleanup();
  restoreFetch();
});
beforeEach(() => Object.values(http).forEach((f) => f.mockReset()));

const doc = (id: number, title: string, allowed_actions: string[]): EvidenceRead =>
  ({
    id,
    series_id: `s-${id}`,
    version_no: 1,
    title,
    filename: `${title}.pdf`,
    size: 2048,
    uploaded_at: '2024-10-15T03:00:00Z',
    uploaded_by_name: 'Nguyễn Văn A',
    deleted_at: null,
    allowed_actions,
  }) as EvidenceRead;

const show = (items: EvidenceRead[], canUpload = true): FetchStub => {
  const net = stubFetch({ 'GET /api/v1/assignments/7/evidence': page(items) });
  renderWithQuery(<EvidencePanel assignmentId="7" canUpload={canUpload} />, { antApp: true });
  return net;
};

describe('EvidencePanel', { timeout: 20000 }, () => {
  it('offers replace, delete and restore only where the API allows them', async () => {
    show([doc(1, 'Mine', ['update', 'replace', 'delete']), doc(2, 'Theirs', ['update', 'replace']), doc(3, 'Frozen', [])]);
    await screen.findByText('Mine');
    expect(screen.getByLabelText('Xóa: Mine')).toBeTruthy();
    expect(screen.queryByLabelText('Xóa: Theirs')).toBeNull();
    expect(screen.getByLabelText('Thay bằng bản mới: Theirs')).toBeTruthy();
    expect(screen.queryByLabelText('Xóa: Frozen')).toBeNull();
    expect(screen.queryByLabelText('Thay bằng bản mới: Frozen')).toBeNull();
    expect(screen.queryByText('Khôi phục')).toBeNull();
  });

  it('never uploads on Enter; the button sends and a duplicate is reported with its date', async () => {
    show([]);
    await screen.findByText('Chưa có tài liệu kiểm chứng');
    const input = document.querySelector('input[type="file"]') as HTMLInputElement;
    fireEvent.change(input, { target: { files: [new File(['%PDF-1.4'], 'Biên bản.pdf', { type: 'application/pdf' })] } });
    const title = await screen.findByDisplayValue('Biên bản');
    fireEvent.keyDown(title, { key: 'Enter', code: 'Enter' });
    fireEvent.submit(title);
    await new Promise((r) => setTimeout(r, 50));
    expect(http.uploadWithProgress).not.toHaveBeenCalled();

    http.uploadWithProgress.mockResolvedValue({ ...doc(9, 'Biên bản', []), duplicate_of: 9, uploaded_at: '2024-10-14T20:00:00Z' });
    fireEvent.click(screen.getByText('Tải lên').closest('button') as HTMLButtonElement);
    await waitFor(() => expect(http.uploadWithProgress).toHaveBeenCalledTimes(1));
    const [path, body] = http.uploadWithProgress.mock.calls[0] as [string, FormData];
    expect(path).toBe('/assignments/7/evidence');
    expect(body.get('title')).toBe('Biên bản');
    const status = await screen.findByRole('status');
    expect(within(status).getByText('Tệp này đã được tải lên ngày 15/10/2024.')).toBeTruthy();
  });

  it('deletes through the API after confirmation and shows the list the server then holds', async () => {
    const net = show([doc(1, 'Mine', ['delete'])]);
    net.on({
      'DELETE /api/v1/evidence/1': () => {
        net.on({ 'GET /api/v1/assignments/7/evidence': page([]) });
        return reply(null, { status: 204 });
      },
    });
    fireEvent.click(await screen.findByLabelText('Xóa: Mine'));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Xóa' }));
    expect(await screen.findByText('Chưa có tài liệu kiểm chứng')).toBeInTheDocument();
    expect(net.calls('DELETE /api/v1/evidence/1')).toHaveLength(1);
    expect(net.calls('GET /api/v1/assignments/7/evidence')).toHaveLength(2);
    expect(net.calls('GET /api/v1/assignments/7/history')).toHaveLength(0); // no history shown here: nothing asked
  });

  it('shows no upload form without the right to upload', async () => {
    show([doc(1, 'Mine', [])], false);
    await screen.findByText('Mine');
    expect(screen.queryByText('Tải lên')).toBeNull();
  });
});

describe('the drop zone', { timeout: 20000 }, () => {
  const accepted = {
    names: 'PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPEG, PNG, ZIP',
    max_mb: 50,
    types: ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'odt', 'ods', 'jpg', 'png', 'zip'].map((e) => ({ extension: e, mime: '', label: e })),
  };

  const big = () => {
    const f = new File(['x'], 'Ảnh chụp.png', { type: 'image/png' });
    Object.defineProperty(f, 'size', { value: 51 * 1024 * 1024 });
    return f;
  };

  it('is the same drop zone on the panel and in the new-version dialog: hint, accept list, a file over the limit refused by name', async () => {
    stubFetch({ 'GET /api/v1/evidence/accepted': accepted, 'GET /api/v1/assignments/7/evidence': page([doc(1, 'Mine', ['replace'])]) });
    renderWithQuery(<EvidencePanel assignmentId="7" canUpload />, { antApp: true });
    await screen.findByText('Mine');
    // the panel: too big → a message naming it, no file kept, no title filled
    const panelInput = document.querySelector('input[type="file"]') as HTMLInputElement;
    fireEvent.change(panelInput, { target: { files: [big()] } });
    expect(await screen.findByText('Tệp “Ảnh chụp.png” nặng 51 MB, vượt mức tối đa 50 MB.')).toBeInTheDocument();
    expect(screen.queryByDisplayValue('Ảnh chụp')).toBeNull();
    expect(screen.getByText('Tải lên').closest('button')).toBeDisabled();

    // the new-version dialog: the same hint and accept list, the same refusal, then a file that fits is sent as v2
    fireEvent.click(screen.getByLabelText('Thay bằng bản mới: Mine'));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByTestId('accepted-files')).toHaveTextContent('tối đa 50 MB mỗi tệp.');
    const input = dialog.querySelector('input[type="file"]') as HTMLInputElement;
    expect(input.accept).toBe(panelInput.accept);
    const ok = within(dialog).getByRole('button', { name: 'Tải lên' });
    fireEvent.change(input, { target: { files: [big()] } });
    await waitFor(() => expect(screen.getAllByText('Tệp “Ảnh chụp.png” nặng 51 MB, vượt mức tối đa 50 MB.').length).toBeGreaterThan(0));
    expect(ok).toBeDisabled();
    // (the drop zone puts a fresh file input in place after each choice)
    fireEvent.change(dialog.querySelector('input[type="file"]') as HTMLInputElement, { target: { files: [new File(['%PDF-1.4'], 'Bản mới.pdf', { type: 'application/pdf' })] } });
    expect(await within(dialog).findByText('Bản mới.pdf')).toBeInTheDocument();
    http.uploadWithProgress.mockResolvedValue({ ...doc(2, 'Mine', []), version_no: 2 });
    await waitFor(() => expect(ok).toBeEnabled());
    fireEvent.click(ok);
    await waitFor(() => expect(http.uploadWithProgress).toHaveBeenCalledTimes(1));
    const [, body] = http.uploadWithProgress.mock.calls[0] as [string, FormData];
    expect(body.get('series_id')).toBe('s-1');
    expect((body.get('file') as File).name).toBe('Bản mới.pdf');
  });

  it('says what it accepts, names an empty title and marks the date the API refuses on its field', async () => {
    stubFetch({ 'GET /api/v1/evidence/accepted': accepted, 'GET /api/v1/assignments/7/evidence': page([]) });
    renderWithQuery(<EvidencePanel assignmentId="7" canUpload />, { antApp: true });
    expect(await screen.findByTestId('accepted-files')).toHaveTextContent('Nhận tệp PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPEG, PNG, ZIP; tối đa 50 MB mỗi tệp.');
    const input = document.querySelector('input[type="file"]') as HTMLInputElement;
    expect(input.accept).toBe('.pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png,.zip');
    fireEvent.change(input, { target: { files: [new File(['x'], 'Biên bản.doc', { type: 'application/msword' })] } });
    const title = await screen.findByDisplayValue('Biên bản');
    fireEvent.change(title, { target: { value: '' } });
    fireEvent.click(screen.getByText('Tải lên').closest('button') as HTMLButtonElement);
    expect(await screen.findByText('Chưa nhập tiêu đề (bắt buộc).')).toBeTruthy();
    expect(http.uploadWithProgress).not.toHaveBeenCalled();

    fireEvent.change(title, { target: { value: 'Biên bản' } });
    const problem = {
      title: 'Dữ liệu không hợp lệ',
      detail: 'Thông tin tài liệu không hợp lệ; xem lỗi theo từng trường.',
      errors: [{ field: 'effective_to', code: 'invalid_period', message: 'Hiệu lực đến ngày không được trước ngày “Hiệu lực từ ngày”.' }],
    };
    http.uploadWithProgress.mockRejectedValue(new ApiError(422, problem as never));
    fireEvent.click(screen.getByText('Tải lên').closest('button') as HTMLButtonElement);
    await waitFor(() => expect(http.uploadWithProgress).toHaveBeenCalledTimes(1));
    const marked = await waitFor(() => {
      const el = document.querySelector('.ant-form-item-has-error');
      expect(el).not.toBeNull();
      return el as HTMLElement;
    });
    expect(within(marked).getByText('Hiệu lực đến')).toBeTruthy();
    expect(within(marked).getByText('Hiệu lực đến ngày không được trước ngày “Hiệu lực từ ngày”.')).toBeTruthy();
  });
});

describe('the list and the versions table', { timeout: 20000 }, () => {
  it('share the size column: decimal comma in Vietnamese, hidden on the narrowest screens', () => {
    const t = (k: string) => (k === 'size' ? 'Dung lượng' : k);
    const vi = sizeColumn(t as never, 'vi');
    const render = vi.render as (v: number) => string;
    expect([vi.title, vi.dataIndex, vi.responsive]).toEqual(['Dung lượng', 'size', ['sm']]);
    expect([render(512), render(2048), render(1536 * 1024)]).toEqual(['512 B', '2 KB', '1,5 MB']);
    expect((sizeColumn(t as never, 'en').render as (v: number) => string)(1536 * 1024)).toBe('1.5 MB');
  });

  it('write the size alike and download the chosen version under its own name', async () => {
    const v1 = { ...doc(1, 'Báo cáo', []), size: 1536 * 1024, filename: 'Báo cáo v1.pdf' };
    const v2 = { ...doc(2, 'Báo cáo', []), series_id: 's-1', version_no: 2, size: 2048, filename: 'Báo cáo.pdf' };
    stubFetch({ 'GET /api/v1/assignments/7/evidence': page([v2]), 'GET /api/v1/evidence/2': { ...v2, versions: [v2, v1] } });
    http.download.mockRejectedValue(new ApiError(404, { title: 'Không tìm thấy', detail: 'Tệp không còn.' } as never));
    renderWithQuery(<EvidencePanel assignmentId="7" canUpload={false} />, { antApp: true });
    await screen.findByText('Báo cáo');
    fireEvent.click(screen.getByLabelText('Tải xuống Báo cáo.pdf'));
    expect(http.download).toHaveBeenCalledWith('/evidence/2/content', 'Báo cáo.pdf');
    expect(await screen.findByText('Tệp không còn.')).toBeInTheDocument(); // the failure is shown on the panel

    fireEvent.click(screen.getByLabelText('Các phiên bản v2: Báo cáo'));
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByText('Báo cáo v1.pdf');
    http.download.mockResolvedValue(undefined);
    fireEvent.click(within(dialog).getByLabelText('Tải xuống v1 Báo cáo v1.pdf'));
    expect(http.download).toHaveBeenLastCalledWith('/evidence/1/content', 'Báo cáo v1.pdf');
    expect(within(dialog).getByLabelText('Tải xuống v2 Báo cáo.pdf')).toBeInTheDocument();
  });
});
