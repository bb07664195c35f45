import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AssignmentRead } from '../api/types';
import { ProgressForm, SubmitDialog } from './AssignmentForm';
import { needsExplanation, parseProgress } from './assignmentRules';

beforeAll(() => {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
  // antd's responsive helpers ask for matchMedia, which jsdom lacks
  vi.stubGlobal(
    'matchMedia',
    vi.fn().mockImplementation((query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: vi.fn(),
      removeListener: vi.fn(),
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      dispatchEvent: vi.fn(),
    })),
  );
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

describe('ProgressForm', () => {
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
