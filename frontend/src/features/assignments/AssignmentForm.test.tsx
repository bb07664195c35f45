import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stubAntdDom } from '../../components/testDom';
import type { AssignmentRead } from '../../api/types';
import { ProgressForm, SubmitDialog } from './AssignmentForm';
import { renderHook } from '@testing-library/react';
import { useLeaveGuard } from '../../components/useLeaveGuard';
import { bodyChanged, isReady, needsExplanation, parseProgress } from './assignmentRules';

beforeAll(() => {
  stubAntdDom();
});

afterEach(cleanup);

const item = (extra: Partial<AssignmentRead> = {}): AssignmentRead =>
  ({
    id: 7,
    status: 'in_progress',
    progress: 40,
    result: 'Đã rà soát',
    completed_date: null,
    explanation: null,
    version: 1,
    ...extra,
  }) as AssignmentRead;

const INVALID = 'Tiến độ phải là số nguyên từ 0 đến 100.';

describe('parseProgress', () => {
  it('accepts whole numbers 0–100 only', () => {
    expect(parseProgress('0')).toBe(0);
    expect(parseProgress(' 100 ')).toBe(100);
    for (const bad of ['150', '-5', 'abc', '', '12.5', '1e2', null]) expect(parseProgress(bad)).toBeNull();
  });
});

describe('isReady', () => {
  it('is 100 % with a result, not yet submitted', () => {
    expect(isReady(item({ progress: 100, result: 'Xong' }))).toBe(true);
    expect(isReady(item({ progress: 100, result: '  ' }))).toBe(false);
    expect(isReady(item({ progress: 99, result: 'Xong' }))).toBe(false);
    expect(isReady(item({ progress: 100, result: 'Xong', status: 'submitted' }))).toBe(false);
  });
});

describe('ProgressForm', { timeout: 20000 }, () => {
  const typeAndSave = async (value: string) => {
    const onSave = vi.fn();
    render(<ProgressForm a={item()} editable busy={false} onSave={onSave} />);
    const input = screen.getByTestId('progress-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value } });
    fireEvent.click(screen.getByRole('button', { name: /Lưu/ }));
    return { onSave, input };
  };

  it.each(['150', '-5', 'abc'])('shows the field error for %s and keeps what was typed', async (value) => {
    const { onSave, input } = await typeAndSave(value);
    expect(await screen.findByText(INVALID)).toBeTruthy();
    expect(input.value).toBe(value);
    expect(onSave).not.toHaveBeenCalled();
  });

  it('saves a valid progress as a number', async () => {
    const { onSave } = await typeAndSave('75');
    await waitFor(() => expect(onSave).toHaveBeenCalledTimes(1));
    expect(onSave.mock.calls[0][0]).toMatchObject({ progress: 75, result: 'Đã rà soát' });
    expect(screen.queryByText(INVALID)).toBeNull();
  });
});

describe('SubmitDialog', () => {
  it('warns below 100 % and requires an explanation', async () => {
    const onSubmit = vi.fn();
    render(<SubmitDialog a={item({ progress: 50 })} open busy={false} onCancel={() => {}} onSubmit={onSubmit} />);
    expect(await screen.findByText(/Tiến độ mới đạt 50 %/)).toBeTruthy();
    const ok = screen.getAllByRole('button', { name: /Gửi duyệt/ }).at(-1) as HTMLButtonElement;
    expect(ok.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/Giải trình/), { target: { value: 'Chờ kinh phí' } });
    expect(ok.disabled).toBe(false);
    fireEvent.click(ok);
    expect(onSubmit).toHaveBeenCalledWith({ explanation: 'Chờ kinh phí', completed_date: null });
  });

  it('sends a complete item without a warning', async () => {
    const a = item({ progress: 100, result: 'Xong' });
    expect(needsExplanation(a)).toBe(false);
    render(<SubmitDialog a={a} open busy={false} onCancel={() => {}} onSubmit={() => {}} />);
    await screen.findByLabelText(/Giải trình/);
    expect(screen.queryByText(/Tiến độ mới đạt/)).toBeNull();
    expect((screen.getAllByRole('button', { name: /Gửi duyệt/ }).at(-1) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('one update, one save', { timeout: 20000 }, () => {
  const pdf = (name: string) => new File(['%PDF-1.4'], name, { type: 'application/pdf' });
  const choose = (...files: File[]) => fireEvent.change(screen.getByTestId('evidence-files'), { target: { files } });

  it('saves progress and the chosen files with one button', async () => {
    const onSave = vi.fn().mockResolvedValue([]);
    const onDirty = vi.fn();
    render(<ProgressForm a={item()} editable busy={false} onSave={onSave} canUpload onDirtyChange={onDirty} />);
    fireEvent.change(screen.getByTestId('progress-input'), { target: { value: '80' } });
    choose(pdf('bien-ban.pdf'), pdf('anh.pdf'));
    expect(screen.getByTestId('chosen-files').textContent).toContain('bien-ban.pdf');
    await waitFor(() => expect(onDirty).toHaveBeenLastCalledWith(true));
    fireEvent.click(screen.getByTestId('save-all'));
    await waitFor(() => expect(onSave).toHaveBeenCalledTimes(1));
    expect(onSave.mock.calls[0][0]).toMatchObject({ progress: 80 });
    expect((onSave.mock.calls[0][1] as File[]).map((f) => f.name)).toEqual(['bien-ban.pdf', 'anh.pdf']);
    await waitFor(() => expect(screen.queryByTestId('chosen-files')).toBeNull());
  });

  it('keeps the files the save could not upload', async () => {
    const left = pdf('loi.pdf');
    render(<ProgressForm a={item()} editable busy={false} onSave={() => Promise.resolve([left])} canUpload />);
    choose(pdf('ok.pdf'), left);
    fireEvent.click(screen.getByTestId('save-all'));
    await waitFor(() => expect(screen.getByTestId('chosen-files').textContent).toBe('loi.pdf×'));
  });

  it('never saves or uploads on Enter in a field', async () => {
    const onSave = vi.fn();
    render(<ProgressForm a={item()} editable busy={false} onSave={onSave} canUpload />);
    choose(pdf('bien-ban.pdf'));
    const input = screen.getByTestId('progress-input');
    fireEvent.change(input, { target: { value: '90' } });
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    input.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByTestId('chosen-files').textContent).toContain('bien-ban.pdf');
  });

  it('is clean again when the values return to the saved ones', async () => {
    const onDirty = vi.fn();
    render(<ProgressForm a={item()} editable busy={false} onSave={() => {}} onDirtyChange={onDirty} />);
    const input = screen.getByTestId('progress-input');
    fireEvent.change(input, { target: { value: '41' } });
    await waitFor(() => expect(onDirty).toHaveBeenLastCalledWith(true));
    fireEvent.change(input, { target: { value: '40' } });
    await waitFor(() => expect(onDirty).toHaveBeenLastCalledWith(false));
    expect(bodyChanged(item(), { progress: 40, result: 'Đã rà soát', completed_date: null, explanation: '' })).toBe(false);
  });

  it('warns before leaving with unsaved changes, only then', () => {
    const { rerender } = renderHook(({ dirty }) => useLeaveGuard(dirty, 'Có thay đổi chưa lưu'), { initialProps: { dirty: true } });
    const ev = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(true);
    const confirm = vi.fn().mockReturnValue(false);
    vi.stubGlobal('confirm', confirm);
    const a = document.createElement('a');
    a.href = '/my-work';
    document.body.appendChild(a);
    const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    a.dispatchEvent(click);
    expect(confirm).toHaveBeenCalledWith('Có thay đổi chưa lưu');
    expect(click.defaultPrevented).toBe(true);
    rerender({ dirty: false });
    const clean = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(clean);
    expect(clean.defaultPrevented).toBe(false);
    a.remove();
  });
});
