import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useDialogSubmit } from './useDialogSubmit';

describe('useDialogSubmit', () => {
  it('keeps one Idempotency-Key per opening, a new one for the next opening', () => {
    const first = renderHook(() => useDialogSubmit('report'));
    const key = first.result.current.key;
    expect(key).toMatch(/^report-./);
    first.rerender();
    expect(first.result.current.key).toBe(key); // a retry of the same dialog sends the same key
    first.unmount();
    const second = renderHook(() => useDialogSubmit('report'));
    expect(second.result.current.key).not.toBe(key);
  });

  it('is busy while sending, keeps the refusal to show and clears it on the next try', async () => {
    const { result } = renderHook(() => useDialogSubmit('x'));
    const refusal = new Error('Kỳ báo cáo đã đóng');
    let release: () => void = () => undefined;
    let pending!: Promise<void>;
    act(() => {
      pending = result.current.run(() => new Promise<void>((_, reject) => (release = () => reject(refusal))));
    });
    expect(result.current.busy).toBe(true);
    await act(async () => {
      release();
      await pending;
    });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBe(refusal);
    await act(() => result.current.run(async () => undefined));
    expect(result.current.error).toBeNull();
    expect(result.current.busy).toBe(false);
  });
});
