import { describe, expect, it } from 'vitest';
import { moveIndex, reviewKey, reviewListQuery, reviewPath, withFilter } from './reviewQuery';

describe('reviewPath', () => {
  it('keeps the filters, search, sort and page of the URL and always asks for submitted items', () => {
    const p = new URLSearchParams(
      'q=hoa%20tham&unit_id=12&bucket=overdue&submitted_since=2024-10-01&node_id=5&period_id=3&sort=-submitted_at&fw=2&open=9&page=3&size=20&x=1',
    );
    const q = new URLSearchParams(reviewPath(p).split('?')[1]);
    expect(Object.fromEntries(q)).toEqual({
      status: 'submitted',
      q: 'hoa tham',
      unit_id: '12',
      node_id: '5',
      period_id: '3',
      bucket: 'overdue',
      submitted_since: '2024-10-01',
      sort: '-submitted_at',
      limit: '20',
      offset: '40',
    });
  });
  it('falls back to the first page of 200 (the queue before paging)', () => {
    expect(reviewPath(new URLSearchParams('size=7&page=-2'))).toBe('/assignments?status=submitted&limit=200&offset=0');
  });
});

describe('reviewListQuery', () => {
  it('gives the SDK typed values: ids as numbers, the rest as written', () => {
    expect(reviewListQuery(new URLSearchParams('unit_id=12&plan_id=4&q=x&bucket=overdue&page=2&size=50'))).toEqual({
      status: 'submitted',
      q: 'x',
      unit_id: 12,
      plan_id: 4,
      bucket: 'overdue',
      limit: 50,
      offset: 50,
    });
  });
});

describe('withFilter', () => {
  it('a filter change goes back to page 1 and closes the panel; paging and the panel keep the filters', () => {
    const p = new URLSearchParams('unit_id=12&page=3&size=50&open=9');
    expect(Object.fromEntries(withFilter(p, 'bucket', 'awaiting_review'))).toEqual({ unit_id: '12', size: '50', bucket: 'awaiting_review' });
    expect(Object.fromEntries(withFilter(p, 'unit_id', undefined))).toEqual({ size: '50' });
    expect(Object.fromEntries(withFilter(p, 'open', '11'))).toEqual({ unit_id: '12', page: '3', size: '50', open: '11' });
  });
  it('another framework drops the node chosen in the previous one', () => {
    const p = new URLSearchParams('fw=1&node_id=5');
    expect(Object.fromEntries(withFilter(p, 'fw', '2'))).toEqual({ fw: '2' });
  });
});

describe('keyboard flow', () => {
  const body = { tagName: 'BODY' } as unknown as EventTarget;
  it('j / ↓ next, k / ↑ previous, Enter opens; not while typing or with a modifier', () => {
    expect(reviewKey({ key: 'j', target: body })).toBe('next');
    expect(reviewKey({ key: 'ArrowDown', target: body })).toBe('next');
    expect(reviewKey({ key: 'k', target: body })).toBe('prev');
    expect(reviewKey({ key: 'ArrowUp', target: body })).toBe('prev');
    expect(reviewKey({ key: 'Enter', target: body })).toBe('open');
    expect(reviewKey({ key: 'j', target: { tagName: 'INPUT' } as unknown as EventTarget })).toBeNull();
    expect(reviewKey({ key: 'k', target: { tagName: 'TEXTAREA' } as unknown as EventTarget })).toBeNull();
    expect(reviewKey({ key: 'Enter', target: { tagName: 'BUTTON' } as unknown as EventTarget })).toBeNull();
    expect(reviewKey({ key: 'j', target: body, ctrlKey: true })).toBeNull();
    expect(reviewKey({ key: 'x', target: body })).toBeNull();
  });
  it('moves within the page, clamped at both ends; the first key starts at the first row', () => {
    expect(moveIndex(-1, 1, 5)).toBe(0);
    expect(moveIndex(0, 1, 5)).toBe(1);
    expect(moveIndex(4, 1, 5)).toBe(4);
    expect(moveIndex(0, -1, 5)).toBe(0);
    expect(moveIndex(3, -1, 5)).toBe(2);
    expect(moveIndex(2, 1, 0)).toBe(-1);
  });
});
