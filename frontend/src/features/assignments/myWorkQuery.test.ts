import { afterEach, describe, expect, it } from 'vitest';
import '../../api/http'; // the SDK client's configuration (base URL, fetch)
import { assignmentsWorkList } from '../../client/sdk.gen';
import { makeI18n } from '../../i18n';
import { restoreFetch, stubFetch } from '../../test/fetchStub';
import { periodOfInstance, workCountsPath, workQueuePath, workQueueQuery } from './myWorkQuery';

afterEach(restoreFetch);

const q = (path: string) => Object.fromEntries(new URLSearchParams(path.split('?')[1]));

describe('work list request', () => {
  it('the SDK asks exactly the path the entry script prefetches (so the early response is reused)', async () => {
    const p = new URLSearchParams('state=overdue&unit_id=4&q=hoa&page=2&size=50');
    const net = stubFetch({ 'GET /api/v1/assignments/work': { items: [], total: 0, limit: 50, offset: 50 } });
    await assignmentsWorkList({ query: workQueueQuery(p, false), throwOnError: true });
    expect(net.log.map((r) => r.url)).toEqual([`/api/v1${workQueuePath(p, false)}`]);
  });
  it('asks the work list for mine, hiding finished work unless a filter asks for it', () => {
    expect(q(workQueuePath(new URLSearchParams('state=overdue'), false))).toEqual({ state: 'overdue', mine: 'true', limit: '200', offset: '0' });
    expect(q(workQueuePath(new URLSearchParams('status=approved'), false)).include_done).toBe('true');
    expect(q(workQueuePath(new URLSearchParams('bucket=done_late'), false)).include_done).toBe('true');
    expect(q(workQueuePath(new URLSearchParams('unit_id=4'), true)).include_done).toBe('true');
  });
  it('counts the same filters without the state, ready, toggle, sort or page', () => {
    const path = workCountsPath(new URLSearchParams('state=overdue&ready=true&include_done=true&q=ho&page=2&size=20&due_soon=true'), false);
    expect(path.startsWith('/assignments/work/counts?')).toBe(true);
    expect(q(path)).toEqual({ q: 'ho', due_soon: 'true', mine: 'true' });
  });
});

describe('period names', () => {
  it('names the reporting periods in Vietnamese and English', () => {
    const vi = makeI18n('vi', () => undefined).t;
    const en = makeI18n('en', () => undefined).t;
    expect(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2024-03', ''].map((k) => periodOfInstance(k, vi))).toEqual([
      'Quý I/2024',
      '6 tháng 2024',
      'Quý III/2024',
      'Năm 2024',
      'Tháng 3/2024',
      '',
    ]);
    expect(periodOfInstance('2024-Q2', en)).toBe('First half of 2024');
  });
});
