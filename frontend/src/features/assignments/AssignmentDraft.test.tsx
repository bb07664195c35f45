import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AssignmentRead } from '../../api/types';
import { ProgressForm } from './AssignmentForm';
import { stubAntdDom } from '../../components/testDom';
import { draftKey } from '../../components/useDraft';

beforeAll(() => stubAntdDom());
beforeEach(() => sessionStorage.clear());
afterEach(cleanup);

const a = (extra: Partial<AssignmentRead> = {}): AssignmentRead =>
  ({ id: 7, status: 'in_progress', progress: 40, result: 'Đã rà soát', completed_date: null, explanation: null, version: 1, ...extra }) as AssignmentRead;
const KEY = draftKey(3, 'assignment', 7, 'progress');
const resultBox = () => screen.getByLabelText('Kết quả') as HTMLTextAreaElement;

describe('ProgressForm keeps the unsaved result', { timeout: 20000 }, () => {
  it('a typed result survives a remount (reload), with the note; discarding brings back the saved text', () => {
    const first = render(<ProgressForm a={a()} editable busy={false} onSave={() => {}} draftId={KEY} />);
    fireEvent.change(resultBox(), { target: { value: 'Đã rà soát 12 thủ tục' } });
    first.unmount();
    render(<ProgressForm a={a()} editable busy={false} onSave={() => {}} draftId={KEY} />);
    expect(resultBox().value).toBe('Đã rà soát 12 thủ tục');
    expect(screen.getByText('Đã khôi phục bản nháp chưa lưu')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Bỏ bản nháp' }));
    expect(resultBox().value).toBe('Đã rà soát');
    expect(screen.queryByText('Đã khôi phục bản nháp chưa lưu')).toBeNull();
    expect(sessionStorage.getItem(KEY!)).toBeNull();
  });

  it('once saved (the assignment now holds the text) the draft is not offered; another user sees none', () => {
    sessionStorage.setItem(KEY!, JSON.stringify({ result: 'Xong' }));
    render(<ProgressForm a={a({ result: 'Xong', version: 2 })} editable busy={false} onSave={() => {}} draftId={KEY} />);
    expect(screen.queryByText('Đã khôi phục bản nháp chưa lưu')).toBeNull();
    cleanup();
    sessionStorage.setItem(KEY!, JSON.stringify({ result: 'của người 3' }));
    render(<ProgressForm a={a()} editable busy={false} onSave={() => {}} draftId={draftKey(4, 'assignment', 7, 'progress')} />);
    expect(resultBox().value).toBe('Đã rà soát');
  });
});
