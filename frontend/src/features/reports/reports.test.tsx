import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRouter } from 'react-router';
import type { PeriodRead, ReportDetail, ReportRead } from '../../client/types.gen';
import { I18nContext, makeI18n } from '../../i18n';
import FiguresPanel from './FiguresPanel';
import PeriodCard from './PeriodCard';
import { allowedActions, figuresOf, initialValues, newIdempotencyKey, ownUnits, percent, percentText, taskRowsOf, updateBody, type OwnUnit } from './model';

afterEach(cleanup);
beforeAll(() => {
  // antd's responsive helpers ask for matchMedia, which jsdom lacks
  if (!window.matchMedia) {
    window.matchMedia = ((query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    })) as unknown as typeof window.matchMedia;
  }
});

const perms = (...p: string[]) => (x: string) => p.includes(x);
const UNIT_HEAD = perms('reports:read', 'reports:edit', 'reports:submit');
const OFFICER = perms('reports:read', 'reports:edit');
const NOIVU = perms('reports:read', 'reports:edit', 'reports:submit', 'reports:review', 'portal:manage');
const LEADER = perms('reports:read', 'reports:approve');
const OBSERVER = perms('reports:read');
const sorted = (s: Set<string>) => [...s].sort();

describe('allowedActions', () => {
  it('lets the unit head edit and submit a draft or returned report, nothing once submitted', () => {
    expect(sorted(allowedActions({ status: 'draft', level: 'unit' }, UNIT_HEAD))).toEqual(['edit', 'submit']);
    expect(sorted(allowedActions({ status: 'returned', level: 'unit' }, UNIT_HEAD))).toEqual(['edit', 'submit']);
    expect(sorted(allowedActions({ status: 'submitted', level: 'unit' }, UNIT_HEAD))).toEqual([]);
    expect(sorted(allowedActions({ status: 'accepted', level: 'unit' }, UNIT_HEAD))).toEqual([]);
  });
  it('lets an officer edit but not submit', () => {
    expect(sorted(allowedActions({ status: 'draft', level: 'unit' }, OFFICER))).toEqual(['edit']);
  });
  it('lets Phòng Nội vụ accept or return a submitted unit report, but not approve the district one', () => {
    expect(sorted(allowedActions({ status: 'submitted', level: 'unit' }, NOIVU))).toEqual(['accept', 'return']);
    expect(sorted(allowedActions({ status: 'submitted', level: 'district' }, NOIVU))).toEqual([]);
    expect(sorted(allowedActions({ status: 'draft', level: 'district' }, NOIVU))).toEqual(['edit', 'submit']);
  });
  it('lets the leader approve or return only the submitted district report', () => {
    expect(sorted(allowedActions({ status: 'submitted', level: 'district' }, LEADER))).toEqual(['approve', 'return']);
    expect(sorted(allowedActions({ status: 'submitted', level: 'unit' }, LEADER))).toEqual([]);
    expect(sorted(allowedActions({ status: 'approved', level: 'district' }, LEADER))).toEqual([]);
  });
  it('gives an observer nothing to do', () => {
    for (const status of ['draft', 'submitted', 'returned', 'accepted', 'approved'] as const)
      expect(allowedActions({ status, level: 'unit' }, OBSERVER).size).toBe(0);
  });
});

describe('ownUnits', () => {
  const period = { owner_unit_id: 3 };
  const m = (unit_id: number, role: string, unit_name = `U${unit_id}`) => ({ unit_id, role, unit_name, unit_code: '', unit_level: '' });
  it('maps the district admin of the owner unit to the district report it may open', () => {
    expect(ownUnits({ memberships: [m(3, 'district_admin')] } as never, period)).toEqual([
      { unit_id: 3, unit_name: 'U3', district: true, canCreate: true },
    ]);
  });
  it('shows the leader the district report without a create button', () => {
    expect(ownUnits({ memberships: [m(3, 'leader')] } as never, period)[0]).toMatchObject({ district: true, canCreate: false });
  });
  it('lets a commune head or officer open the commune report', () => {
    expect(ownUnits({ memberships: [m(23, 'unit_head')] } as never, period)[0]).toMatchObject({ district: false, canCreate: true });
    expect(ownUnits({ memberships: [m(23, 'unit_officer')] } as never, period)[0]).toMatchObject({ district: false, canCreate: true });
    expect(ownUnits(null, period)).toEqual([]);
  });
});

describe('figures', () => {
  it('fills what the API left out and keeps the numbers', () => {
    const f = figuresOf({ level: 'unit', figures: { total: 5, buckets: { done_on_time: 2, overdue: 3 } } });
    expect(f.total).toBe(5);
    expect(f.buckets).toEqual({ done_on_time: 2, done_late: 0, in_progress_on_time: 0, awaiting_review: 0, overdue: 3 });
    expect(f.by_field).toEqual([]);
    expect(f.district).toBeNull();
  });
  it('reads the district extras: units, not reported, reported totals', () => {
    const f = figuresOf({
      level: 'district',
      figures: {
        units: [{ unit_id: 10, name: 'Phòng VH&TT', report_id: null, report_status: null, accepted: false, live: { total: 4, buckets: { overdue: 1 } }, reported: null }],
        units_expected: 1,
        accepted_reports: 0,
        not_reported: [{ unit_id: 10, name: 'Phòng VH&TT', report_status: null }],
        reported_totals: { total: 0, buckets: {} },
      },
    });
    expect(f.district?.units[0].live).toEqual({ total: 4, buckets: { done_on_time: 0, done_late: 0, in_progress_on_time: 0, awaiting_review: 0, overdue: 1 } });
    expect(f.district?.not_reported.map((u) => u.name)).toEqual(['Phòng VH&TT']);
    expect(f.district?.reported_totals.total).toBe(0);
  });
  it('computes shares only when there is a total', () => {
    expect(percent(1, 4)).toBe(25);
    expect(percent(0, 0)).toBeNull();
    // one way everywhere, as the exports: decimal comma, one decimal
    expect(percentText(percent(1, 2))).toBe('50,0%');
    expect(percentText(percent(1, 7))).toBe('14,3%');
    expect(percentText(percent(2022, 2022))).toBe('100,0%');
    expect(percentText(null)).toBe('');
  });
  it('keys task rows uniquely even when ids repeat', () => {
    const rows = taskRowsOf({ task_table: [{ assignment_id: 1, task: 'A' }, { assignment_id: 1, task: 'A' }] });
    expect(new Set(rows.map((r) => r.key)).size).toBe(2);
  });
});

describe('narrative', () => {
  it('sends blank fields as null and every section', () => {
    const r = { narrative: { ket_qua: 'Tốt', nguyen_nhan: null }, number: null, title: 'T', signer: null, signer_title: null } as unknown as ReportDetail;
    const v = initialValues(r);
    expect(v.ket_qua).toBe('Tốt');
    expect(v.nguyen_nhan).toBe('');
    const body = updateBody({ ...v, ton_tai_han_che: '   ', signer: 'Hoàng Văn Minh' });
    expect(body.narrative).toEqual({ ket_qua: 'Tốt', ton_tai_han_che: null, nguyen_nhan: null, phuong_huong: null, de_xuat_kien_nghi: null });
    expect(body).toMatchObject({ title: 'T', signer: 'Hoàng Văn Minh', number: null });
  });
  it('makes a fresh idempotency key each time', () => {
    expect(newIdempotencyKey('report')).not.toBe(newIdempotencyKey('report'));
    expect(newIdempotencyKey('report').startsWith('report-')).toBe(true);
  });
});

describe('FiguresPanel', () => {
  const report = (live: boolean) =>
    ({
      id: 1,
      level: 'unit',
      status: live ? 'draft' : 'accepted',
      live,
      as_of: '2024-09-14',
      frozen_at: live ? null : '2024-10-15T03:00:00Z',
      figures: {
        as_of: '2024-09-14',
        data_from: '2024-06-15',
        data_to: '2024-09-14',
        total: 1234,
        tasks: 62,
        buckets: { done_on_time: 6, done_late: 7, awaiting_review: 4, overdue: 18, in_progress_on_time: 1203 },
        completed_in_window: 13,
        evidence_in_window: 2,
        by_field: [{ framework: 'PAR', code: '1', name: 'Chỉ đạo, điều hành', total: 7, buckets: { done_on_time: 1, done_late: 2, overdue: 1, in_progress_on_time: 3 } }],
      },
      task_table: [],
    }) as unknown as ReportDetail;

  it('shows the live figures as of the cut-off, in Vietnamese number format', () => {
    render(<FiguresPanel report={report(true)} />);
    expect(screen.getByTestId('fig-total').textContent).toBe('1.234');
    expect(screen.getByTestId('fig-overdue').textContent).toBe('18');
    expect(screen.getByTestId('fig-awaiting_review').textContent).toBe('4'); // chờ duyệt, its own row
    expect(screen.getByTestId('fig-completed').textContent).toBe('13');
    const mode = screen.getByTestId('figures-mode');
    expect(mode.getAttribute('data-live')).toBe('true');
    expect(mode.textContent).toContain('Số liệu trực tiếp, tính đến ngày 14/09/2024');
    expect(within(screen.getByRole('region', { name: 'Bảng: Theo lĩnh vực' })).getByText('1. Chỉ đạo, điều hành')).toBeTruthy();
    // tasks and assignments said apart; shares with one decimal (1.203/1.234 = 97,5 %, 6/1.234 = 0,5 %)
    expect(screen.getByTestId('fig-scope').textContent).toContain('62 nhiệm vụ, 1.234 lượt giao');
    expect(screen.getByText('97,5%')).toBeTruthy();
    expect(screen.getByText('0,5%')).toBeTruthy();
  }, 20000);
  it('says the figures are frozen once accepted (English too)', () => {
    render(
      <I18nContext.Provider value={makeI18n('en', () => undefined)}>
        <FiguresPanel report={report(false)} />
      </I18nContext.Provider>,
    );
    const mode = screen.getByTestId('figures-mode');
    expect(mode.getAttribute('data-live')).toBe('false');
    expect(mode.textContent).toContain('Figures frozen at 15/10/2024 10:00');
    expect(screen.getByTestId('fig-total').textContent).toBe('1,234');
  });
});

describe('PeriodCard', () => {
  const period = (passed: boolean) =>
    ({
      id: 7, owner_unit_id: 1, year: 2024, kind: 'q3', name: 'Quý III năm 2024', data_from: '2024-06-15', data_to: '2024-09-14',
      due_unit: '2024-09-06', due_district: '2024-09-11', due_province: '2024-09-20', version: 1, created_at: '2024-06-01T00:00:00Z',
      due_dates_are_defaults: true, unit_due_passed: passed, district_due_passed: passed,
    }) as unknown as PeriodRead;
  const unit: OwnUnit = { unit_id: 5, unit_name: 'UBND xã Hoa Thám', district: false, canCreate: true };
  const card = (passed: boolean, reports: ReportRead[] = []) =>
    render(
      <MemoryRouter>
        <PeriodCard period={period(passed)} reports={reports} own={[unit]} showUnitSummary={false} canEditPeriod={false}
          creating={null} error={null} onCreate={() => undefined} onEditPeriod={() => undefined} onFilter={() => undefined} />
      </MemoryRouter>,
    );

  it('says quá hạn when the due date has passed and nothing was sent', () => {
    card(true);
    expect(screen.getByTestId('period-overdue').textContent).toBe('Quá hạn');
  });
  it('does not once the report is sent, nor before the due date', () => {
    card(true, [{ id: 9, unit_id: 5, level: 'unit', status: 'submitted', is_late: true } as unknown as ReportRead]);
    expect(screen.queryByTestId('period-overdue')).toBeNull();
    cleanup();
    card(false);
    expect(screen.queryByTestId('period-overdue')).toBeNull();
  });
});
