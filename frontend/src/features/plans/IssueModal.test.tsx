import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { reply, restoreFetch, stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import { stubAntdDom } from '../../components/testDom';
import { IssueModal } from './IssueModal';
import type { PlanRead } from './model';

// The signed document goes up by XHR (uploadWithProgress, mocked); the issue itself through the SDK (fetch stubbed).
const http = vi.hoisted(() => ({ uploadWithProgress: vi.fn() }));
vi.mock('../../api/http', async (real) => ({ ...(await real<typeof import('../../api/http')>()), ...http }));

beforeAll(stubAntdDom);
beforeEach(() => http.uploadWithProgress.mockReset());
afterEach(() => {
  cleanup();
  restoreFetch();
});

const accepted = {
  names: 'PDF, DOC, DOCX, JPEG, PNG',
  max_mb: 50,
  types: ['pdf', 'doc', 'docx', 'jpg', 'png'].map((e) => ({ extension: e, mime: '', label: e })),
};
const plan = { id: 5, number: '12', symbol: 'KH-UBND', status: 'draft', issue_date: null, signer: null, signer_title: null } as unknown as PlanRead;

const pdf = (name: string, size?: number) => {
  const f = new File(['%PDF-1.4'], name, { type: 'application/pdf' });
  if (size !== undefined) Object.defineProperty(f, 'size', { value: size });
  return f;
};

function open(routes: Parameters<typeof stubFetch>[0] = {}) {
  const onIssued = vi.fn();
  const net = stubFetch({ 'GET /api/v1/evidence/accepted': accepted, ...routes });
  renderWithQuery(<IssueModal plan={plan} etag={'"3"'} onClose={() => undefined} onIssued={onIssued} />, { antApp: true });
  return { net, onIssued };
}

// the drop zone puts a fresh file input in place after each choice
const choose = (f: File) => {
  const dialog = screen.getByRole('dialog');
  fireEvent.change(dialog.querySelector('input[type="file"]') as HTMLInputElement, { target: { files: [f] } });
};

describe('IssueModal: the signed document', { timeout: 20000 }, () => {
  it('is the shared evidence drop zone: accepted types, the limit, a file over it refused by name with the shared size format', async () => {
    open();
    const zone = screen.getByRole('dialog');
    expect(await within(zone).findByTestId('accepted-files')).toHaveTextContent('Nhận tệp PDF, DOC, DOCX, JPEG, PNG; tối đa 50 MB mỗi tệp.');
    expect((zone.querySelector('input[type="file"]') as HTMLInputElement).accept).toBe('.pdf,.doc,.docx,.jpg,.jpeg,.png');
    expect(within(zone).getByText('Kéo thả tệp vào đây hoặc bấm để chọn tệp')).toBeInTheDocument();
    choose(pdf('Kế hoạch đã ký.pdf', 50.5 * 1024 * 1024));
    // 50,5 MB as every drop zone writes it (decimal comma), not rounded up to "51 MB"
    expect(await screen.findByText('Tệp “Kế hoạch đã ký.pdf” nặng 50,5 MB, vượt mức tối đa 50 MB.')).toBeInTheDocument();
    expect(within(zone).queryByText('Kế hoạch đã ký.pdf')).toBeNull();
    // the drop zone still carries the field's name for a screen reader
    expect(within(screen.getByRole('group', { name: 'Văn bản đã ký' })).getByText('Kéo thả tệp vào đây hoặc bấm để chọn tệp')).toBeInTheDocument();
  });

  it('uploads the chosen file once, keeps it across a refused issue, and uploads again only for another file', async () => {
    let refuse = true;
    const { net, onIssued } = open({
      'POST /api/v1/plans/5/issue': () =>
        refuse
          ? reply({ title: 'Xung đột', status: 409, detail: 'Kế hoạch đã được sửa bởi người khác.' }, { status: 409 })
          : reply({ ...plan, status: 'issued' }, { headers: { ETag: '"4"' } }),
    });
    await screen.findByTestId('accepted-files');
    choose(pdf('Kế hoạch đã ký.pdf'));
    expect(await screen.findByText('Kế hoạch đã ký.pdf')).toBeInTheDocument();
    http.uploadWithProgress.mockResolvedValueOnce({ id: 41 });
    const ok = screen.getByRole('button', { name: 'Ban hành' });

    fireEvent.click(ok);
    expect(await screen.findByText('Kế hoạch đã được sửa bởi người khác.')).toBeInTheDocument();
    expect(http.uploadWithProgress).toHaveBeenCalledTimes(1);
    const [path, body] = http.uploadWithProgress.mock.calls[0] as [string, FormData];
    expect(path).toBe('/plans/5/evidence');
    expect((body.get('file') as File).name).toBe('Kế hoạch đã ký.pdf');
    expect(body.get('doc_number')).toBe('12/KH-UBND');
    const first = net.calls('POST /api/v1/plans/5/issue')[0];
    expect(first.body).toMatchObject({ number: '12', document_id: 41 });
    expect(first.headers.get('If-Match')).toBe('"3"');

    // the same file again: no second upload, the document already sent is named
    fireEvent.click(ok);
    await waitFor(() => expect(net.calls('POST /api/v1/plans/5/issue')).toHaveLength(2));
    expect(http.uploadWithProgress).toHaveBeenCalledTimes(1);
    expect(net.calls('POST /api/v1/plans/5/issue')[1].body).toMatchObject({ document_id: 41 });

    // another file: uploaded, and that one is named
    choose(pdf('Bản ký lại.pdf'));
    expect(await screen.findByText('Bản ký lại.pdf')).toBeInTheDocument();
    http.uploadWithProgress.mockResolvedValueOnce({ id: 42 });
    refuse = false;
    fireEvent.click(ok);
    await waitFor(() => expect(onIssued).toHaveBeenCalledTimes(1));
    expect(http.uploadWithProgress).toHaveBeenCalledTimes(2);
    expect(((http.uploadWithProgress.mock.calls[1] as [string, FormData])[1].get('file') as File).name).toBe('Bản ký lại.pdf');
    expect(net.calls('POST /api/v1/plans/5/issue')[2].body).toMatchObject({ document_id: 42 });
    expect(onIssued.mock.calls[0][1]).toBe('"4"');
  });
});
