import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from './api/http';
import { itemsOf } from './api/types';
import { ProblemAlert } from './components/common';
import { I18nContext, formatDate, formatDateTime, formatNumberVi, makeI18n } from './i18n';
import { bucketCounts } from './features/dashboard/model';

afterEach(cleanup);

describe('formatting', () => {
  it('shows plain dates as dd/mm/yyyy', () => {
    expect(formatDate('2024-10-05')).toBe('05/10/2024');
  });
  it('converts timestamps to Asia/Ho_Chi_Minh', () => {
    // 20:30 UTC on 31/12 is already 01/01 03:30 in Hà Nội
    expect(formatDateTime('2024-12-31T20:30:00Z')).toBe('01/01/2025 03:30');
    expect(formatDate('2024-12-31T20:30:00Z')).toBe('01/01/2025');
  });
  it('uses a decimal comma in Vietnamese', () => {
    expect(formatNumberVi(12.5)).toBe('12,5');
    expect(makeI18n('en', () => undefined).num(12.5)).toBe('12.5');
  });
  it('labels enums in both languages', () => {
    expect(makeI18n('vi', () => undefined).label('overdue')).toBe('Quá hạn');
    expect(makeI18n('en', () => undefined).label('overdue')).toBe('Overdue');
  });
});

describe('api helpers', () => {
  it('reads pages and bare arrays', () => {
    expect(itemsOf<number>({ items: [1, 2], total: 2 })).toEqual([1, 2]);
    expect(itemsOf<number>([3])).toEqual([3]);
    expect(itemsOf<number>(null)).toEqual([]);
  });
  it('copies the four bucket counts', () => {
    const b = { done_on_time: 2, done_late: 1, in_progress_on_time: 5, overdue: 3 };
    expect(bucketCounts({ buckets: b })).toEqual(b);
  });
});

describe('ProblemAlert', () => {
  const err = new ApiError(422, {
    detail: 'Tiến độ phải từ 0 đến 100.',
    detail_en: 'Progress must be 0–100.',
    errors: [{ field: 'progress', message: 'Giá trị không hợp lệ', message_en: 'Invalid value' }],
  });
  it('shows the Vietnamese detail and field errors in place', () => {
    render(<ProblemAlert error={err} />);
    expect(screen.getByRole('alert').textContent).toContain('Tiến độ phải từ 0 đến 100.');
    expect(screen.getByRole('alert').textContent).toContain('progress: Giá trị không hợp lệ');
  });
  it('shows the English detail when switched', () => {
    render(
      <I18nContext.Provider value={makeI18n('en', () => undefined)}>
        <ProblemAlert error={err} />
      </I18nContext.Provider>,
    );
    expect(screen.getByRole('alert').textContent).toContain('Progress must be 0–100.');
  });
});
