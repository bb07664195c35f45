import { describe, expect, it } from 'vitest';
import { makeI18n } from '../i18n';
import { periodOfInstance, workCountsPath, workQueuePath } from './myWorkQuery';

const q = (path: string) => Object.fromEntries(new URLSearchParams(path.split('?')[1]));

describe('work list request', () => {
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
