import { act, renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { draftKey, useDraft } from './useDraft';

describe('useDraft', () => {
  beforeEach(() => sessionStorage.clear());

  it('keeps a typed text and restores it after a reload (new mount), marked restored', () => {
    const key = draftKey(7, 'assignment', 12, 'result');
    const first = renderHook(() => useDraft(key, 'đã lưu'));
    expect(first.result.current.restored).toBe(false);
    act(() => first.result.current.setValue('đang viết dở'));
    expect(first.result.current.value).toBe('đang viết dở');
    first.unmount();
    const again = renderHook(() => useDraft(key, 'đã lưu'));
    expect(again.result.current.value).toBe('đang viết dở');
    expect(again.result.current.restored).toBe(true);
  });

  it('discard goes back to the saved text and forgets the draft', () => {
    const key = draftKey(7, 'sheet', 3, 'explanation');
    sessionStorage.setItem(key!, 'nháp');
    const h = renderHook(() => useDraft(key, 'đã lưu'));
    expect(h.result.current.restored).toBe(true);
    act(() => h.result.current.discard());
    expect(h.result.current.value).toBe('đã lưu');
    expect(h.result.current.restored).toBe(false);
    expect(sessionStorage.getItem(key!)).toBeNull();
  });

  it('clear after a save removes the draft: the next mount shows the saved text, not restored', () => {
    const key = draftKey(7, 'report', 5, 'narrative');
    const h = renderHook(({ saved }) => useDraft(key, saved), { initialProps: { saved: '' } });
    act(() => h.result.current.setValue('văn bản mới'));
    expect(sessionStorage.getItem(key!)).toBe('văn bản mới');
    act(() => h.result.current.clear());
    expect(sessionStorage.getItem(key!)).toBeNull();
    h.unmount();
    const again = renderHook(() => useDraft(key, 'văn bản mới'));
    expect(again.result.current.restored).toBe(false);
    expect(again.result.current.value).toBe('văn bản mới');
  });

  it('typing back the saved text drops the draft; a draft equal to the saved text is not "restored"', () => {
    const key = draftKey(1, 'a', 1);
    const h = renderHook(() => useDraft(key, 'x'));
    act(() => h.result.current.setValue('xy'));
    act(() => h.result.current.setValue('x'));
    expect(sessionStorage.getItem(key!)).toBeNull();
    sessionStorage.setItem(key!, 'x');
    expect(renderHook(() => useDraft(key, 'x')).result.current.restored).toBe(false);
  });

  it('is keyed per user and per object', () => {
    const mine = draftKey(7, 'assignment', 12, 'result');
    const h = renderHook(() => useDraft(mine, ''));
    act(() => h.result.current.setValue('của tôi'));
    expect(renderHook(() => useDraft(draftKey(8, 'assignment', 12, 'result'), '')).result.current.value).toBe('');
    expect(renderHook(() => useDraft(draftKey(7, 'assignment', 13, 'result'), '')).result.current.value).toBe('');
    expect(renderHook(() => useDraft(mine, '')).result.current.value).toBe('của tôi');
    expect(draftKey(null, 'assignment', 12)).toBeNull();
  });

  it('without a key (no user) keeps the text in memory only', () => {
    const h = renderHook(() => useDraft(null, ''));
    act(() => h.result.current.setValue('tạm'));
    expect(h.result.current.value).toBe('tạm');
    expect(sessionStorage.length).toBe(0);
  });
});
