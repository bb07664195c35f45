import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { makeI18n } from '../../i18n';
import { coordinatorsText, deadlineText, instanceName, planActions, taskBody } from './model';

const vi = makeI18n('vi', () => {});

describe('deadline words', () => {
  it('reads dates dd/mm/yyyy, periods and rhythms in Vietnamese, never a code', () => {
    const base = { deadline_text: null, due_date: null, period_code: null, period_year: null, recurrence: null };
    expect(deadlineText({ ...base, deadline_kind: 'date', due_date: '2024-11-30' }, vi)).toBe('30/11/2024');
    expect(deadlineText({ ...base, deadline_kind: 'period', period_code: 'Q3', period_year: 2024 }, vi)).toBe('Quý III/2024');
    expect(deadlineText({ ...base, deadline_kind: 'period', period_code: 'H1' }, vi, 2025)).toBe('6 tháng đầu năm/2025');
    expect(deadlineText({ ...base, deadline_kind: 'recurring', recurrence: 'monthly' }, vi)).toBe('Hằng tháng');
    expect(deadlineText({ ...base, deadline_kind: 'date', deadline_text: 'Trước 15/12' }, vi)).toBe('Trước 15/12');
  });
  it('names due instances', () => {
    expect(instanceName('2024-Q1', vi.t)).toBe('Quý I/2024');
    expect(instanceName('2024-03', vi.t)).toBe('Tháng 3/2024');
    expect(instanceName('weird', vi.t)).toBe('weird');
  });
});

describe('task form → API body', () => {
  it('sends the chosen deadline only, drops the lead from the coordinators, asks a reason once issued', () => {
    const v = {
      label: ' 2 ',
      title: ' Rà soát ',
      product: '  ',
      deadline_kind: 'date',
      due_date: dayjs('2024-11-30'),
      period_code: 'Q1',
      lead_unit_id: 5,
      coordinating_unit_ids: [5, 7],
      reason: ' Lùi hạn ',
    };
    const draft = taskBody(v, 2024, false);
    expect(draft).toMatchObject({ label: '2', title: 'Rà soát', product: null, due_date: '2024-11-30', period_code: null, coordinating_unit_ids: [7] });
    expect('reason' in draft).toBe(false);
    expect(taskBody(v, 2024, true).reason).toBe('Lùi hạn');
    const period = taskBody({ ...v, deadline_kind: 'period' }, 2024, false);
    expect(period).toMatchObject({ due_date: null, period_code: 'Q1', period_year: 2024, recurrence: null });
  });
});

describe('buttons by status and permission', () => {
  it('offers edit and issue on a draft, amend and close once issued, nothing without plans:manage', () => {
    expect(planActions('draft', true)).toMatchObject({ edit: true, issue: true, amend: false, close: false, tasks: true, needsReason: false });
    expect(planActions('issued', true)).toMatchObject({ edit: false, issue: false, amend: true, close: true, tasks: true, needsReason: true });
    expect(planActions('closed', true)).toMatchObject({ edit: false, issue: false, amend: false, close: false, tasks: false });
    expect(Object.values(planActions('draft', false)).filter((x) => x === true)).toEqual([]);
  });
});

describe('coordinators on paper', () => {
  const W = { allCommunes: 'UBND các xã, thị trấn', allDepartments: 'Các cơ quan, đơn vị thuộc UBND huyện' };
  const u = (id: number, kind: 'people_committee' | 'department', level: 'district' | 'commune', over = {}) => ({
    id, parent_id: 1, kind, level, valid_from: null, valid_to: null, ...over,
  });
  const units = [
    { id: 1, parent_id: null, kind: 'people_committee' as const, level: 'district' as const, valid_from: null, valid_to: null },
    u(2, 'department', 'district'), u(3, 'department', 'district'), u(4, 'department', 'district'),
    u(10, 'people_committee', 'commune'), u(11, 'people_committee', 'commune'),
    u(12, 'people_committee', 'commune', { valid_to: '2023-12-31' }), // merged away before the plan's year
  ];
  const ref = (id: number) => ({ id, name: `Đơn vị ${id}` });
  it('folds every commune and every department (the lead apart) into their collective names', () => {
    expect(coordinatorsText([2, 3, 10, 11].map(ref), units, 1, 2024, W, 4)).toBe('Các cơ quan, đơn vị thuộc UBND huyện, UBND các xã, thị trấn');
    expect(coordinatorsText([3, 10, 11, 99].map(ref), units, 1, 2024, W, 4)).toBe('Đơn vị 3, Đơn vị 99, UBND các xã, thị trấn');
  });
  it('names the units when a group is not whole or the tree is unknown', () => {
    expect(coordinatorsText([2, 10].map(ref), units, 1, 2024, W)).toBe('Đơn vị 2, Đơn vị 10');
    expect(coordinatorsText([2, 3, 4, 10, 11].map(ref), [], 1, 2024, W)).toBe('Đơn vị 2, Đơn vị 3, Đơn vị 4, Đơn vị 10, Đơn vị 11');
    expect(coordinatorsText([10, 11].map(ref), units, 1, 2023, W)).toBe('Đơn vị 10, Đơn vị 11'); // 12 was there in 2023
  });
});
