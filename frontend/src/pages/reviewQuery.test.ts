import { describe, expect, it } from 'vitest';
import { reviewPath } from './reviewQuery';

describe('reviewPath', () => {
  it('keeps the filters, search and page of the URL and always asks for submitted items', () => {
    const p = new URLSearchParams('q=hoa%20tham&unit_id=12&bucket=overdue&submitted_since=2024-10-01&page=3&size=20&x=1');
    const q = new URLSearchParams(reviewPath(p).split('?')[1]);
    expect(Object.fromEntries(q)).toEqual({
      status: 'submitted',
      q: 'hoa tham',
      unit_id: '12',
      bucket: 'overdue',
      submitted_since: '2024-10-01',
      limit: '20',
      offset: '40',
    });
  });
  it('falls back to the first page of 200 (the queue before paging)', () => {
    expect(reviewPath(new URLSearchParams('size=7&page=-2'))).toBe('/assignments?status=submitted&limit=200&offset=0');
  });
});
