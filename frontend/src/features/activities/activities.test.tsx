import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from 'antd';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubAntdDom } from '../../components/testDom';
import { reply, stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import IndicatorsPanel from '../reports/IndicatorsPanel';
import OutlinePanel from '../reports/OutlinePanel';
import { depthOf, enterable, indicatorBody } from '../reports/outline';
import { indicatorRow } from '../reports/testRows';
import InspectionDetail from './InspectionDetail';
import InspectionsTab from './InspectionsTab';
import { areaCodes, decimalText, findingBody, followUpBody, inspectionBody, lines, listQuery, outreachBody, outreachChanges, parseDecimal, planBody, sessionBody, yearOptions, type AccountabilitySession, type Inspection, type OutreachOutput } from './model';
import OutreachTab from './OutreachTab';
import PlanTab from './PlanTab';
import SessionDetail from './SessionDetail';
import SessionsTab from './SessionsTab';
import { AREAS, enumWord, fieldName, INSPECTION_KINDS, LANGUAGES, OUTREACH_KINDS, SEVERITIES } from './words';
import dayjs from 'dayjs';

const auth = vi.hoisted(() => ({ perms: [] as string[], units: [] as number[] }));
vi.mock('../../auth', () => ({
  useAuth: () => ({ can: (p: string) => auth.perms.includes(p), me: { memberships: auth.units.map((unit_id) => ({ unit_id, role: 'unit_officer', unit_name: `U${unit_id}` })) } }),
}));

beforeEach(stubAntdDom); // again after each test's vi.unstubAllGlobals (the fetch stub)
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});
beforeEach(() => {
  auth.perms = [];
  auth.units = [];
});

const RAW = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b\d{4}-\d{2}-\d{2}\b/;

describe('decimals', () => {
  it('shows the API decimal with a decimal comma and thousands dots, without float rounding', () => {
    expect(decimalText('12.5')).toBe('12,5');
    expect(decimalText('2022')).toBe('2.022');
    expect(decimalText('1234567.125')).toBe('1.234.567,125');
    expect(decimalText('-0.3')).toBe('-0,3');
    expect(decimalText(null)).toBe('');
  });
  it('reads what a person types: comma decimals, grouped thousands, blank → null, garbage → undefined', () => {
    expect(parseDecimal('12,5')).toBe('12.5');
    expect(parseDecimal('1.234,50')).toBe('1234.5');
    expect(parseDecimal('2.022')).toBe('2022');
    expect(parseDecimal('12.5')).toBe('12.5');
    expect(parseDecimal(' 007 ')).toBe('7');
    expect(parseDecimal('')).toBeNull();
    expect(parseDecimal('12,5%')).toBeUndefined();
    expect(parseDecimal('mười')).toBeUndefined();
    expect(parseDecimal('1,2,3')).toBeUndefined();
  });
  it('reads a comma with nothing on one side, a small dot decimal and both marks without misreading them', () => {
    expect(parseDecimal('12,')).toBe('12');
    expect(parseDecimal(',5')).toBe('0.5');
    expect(parseDecimal('-,5')).toBe('-0.5');
    expect(parseDecimal('0.125')).toBe('0.125'); // not thousands: a group never starts with 0
    expect(parseDecimal('1.000.000')).toBe('1000000');
    expect(parseDecimal('12.345,678')).toBe('12345.678');
    expect(parseDecimal('1,234.5')).toBe('1234.5'); // the last mark is the decimal one, never 1.2345
    expect(parseDecimal('1 234,5')).toBe('1234.5');
    expect(parseDecimal('1.23,5')).toBeUndefined(); // dots before a comma must group by three
    expect(parseDecimal('1.234.5')).toBeUndefined();
    expect(parseDecimal('1.5.')).toBeUndefined();
    expect(parseDecimal(',')).toBeUndefined();
    expect(parseDecimal('-')).toBeUndefined();
  });
});

describe('bodies', () => {
  it('builds an inspection: ISO date, one team member per line', () => {
    expect(inspectionBody({ unit_id: 5, kind: 'adhoc', date: dayjs('2024-09-12'), team: ' Hoàng Văn A, Trưởng phòng \n\n Lý Thị B ', areas: ['the_che'] })).toEqual({
      unit_id: 5,
      kind: 'adhoc',
      date: '2024-09-12',
      team: ['Hoàng Văn A, Trưởng phòng', 'Lý Thị B'],
      areas: ['the_che'],
      summary: null,
      plan_id: null,
    });
    expect(lines(undefined)).toEqual([]);
  });
  it('sends a finding with its follow-up only when asked', () => {
    const v = { content: ' Chưa niêm yết TTHC ', severity: 'high', area: 'thu_tuc_hanh_chinh', fu_title: 'Niêm yết lại', fu_deadline: dayjs('2024-10-30') };
    expect(findingBody({ ...v, with_follow_up: true })).toEqual({
      content: 'Chưa niêm yết TTHC',
      severity: 'high',
      area: 'thu_tuc_hanh_chinh',
      follow_up: { title: 'Niêm yết lại', product: null, deadline: '2024-10-30' },
    });
    expect(findingBody({ ...v, with_follow_up: false }).follow_up).toBeNull();
  });
  it('builds an outreach output', () => {
    expect(outreachBody({ unit_id: 3, date: dayjs('2024-08-01'), kind: 'radio', language: 'tay', title: ' Tin CCHC ', quantity: 4 })).toMatchObject({
      date: '2024-08-01',
      title: 'Tin CCHC',
      language: 'tay',
      medium: null,
      audience: null,
    });
  });
  it('edits an outreach output without its unit (the API refuses it on an edit)', () => {
    const v = { unit_id: 3, date: dayjs('2024-08-01'), kind: 'radio' as const, language: 'tay' as const, title: ' Tin CCHC ', quantity: 4, audience: 120, note: ' ' };
    expect(outreachChanges(v)).toEqual({ date: '2024-08-01', kind: 'radio', language: 'tay', title: 'Tin CCHC', medium: null, quantity: 4, audience: 120, note: null });
    expect(outreachBody(v)).toEqual({ unit_id: 3, ...outreachChanges(v) });
  });
  it('builds a follow-up, a plan and a session as the API takes them', () => {
    expect(followUpBody({ title: ' Niêm yết lại ', product: ' ', deadline: dayjs('2024-10-30') })).toEqual({ title: 'Niêm yết lại', product: null, deadline: '2024-10-30' });
    expect(
      planBody({
        title: ' Kế hoạch kiểm tra 2024 ',
        decision_number: ' ',
        decision_date: dayjs('2024-01-15'),
        items: [{ unit_id: 5, planned_month: 9, areas: ['the_che'] }, { unit_id: 6 }, { planned_month: 3 }, { unit_id: 7, planned_month: 4 }],
      }),
    ).toEqual({
      title: 'Kế hoạch kiểm tra 2024',
      decision_number: null,
      decision_date: '2024-01-15',
      note: null,
      items: [
        { unit_id: 5, planned_month: 9, areas: ['the_che'] },
        { unit_id: 7, planned_month: 4, areas: [] },
      ],
    });
    expect(sessionBody({ unit_id: 5, date: dayjs('2024-06-20'), chaired_by: ' Chủ tịch UBND huyện ', head_name: '', assignment_ids: [8, 9] })).toEqual({
      unit_id: 5,
      date: '2024-06-20',
      chaired_by: 'Chủ tịch UBND huyện',
      head_name: null,
      head_title: null,
      items: [{ assignment_id: 8 }, { assignment_id: 9 }],
    });
    // the areas of a read plan that are areas of the contract, in their order
    expect(areaCodes(['the_che', 'khong_ro', 'cong_vu'])).toEqual(['the_che', 'cong_vu']);
    expect(areaCodes(null)).toEqual([]);
  });
  it('puts only the filters that are set into the list query', () => {
    expect(listQuery({ year: 2024, unitId: null }, { kind: '' })).toBe('?limit=200&year=2024');
    expect(listQuery({ year: null, unitId: 7 }, { kind: 'adhoc' })).toBe('?limit=200&unit_id=7&kind=adhoc');
    expect(yearOptions(2026)).toContain(2024);
  });
});

describe('words', () => {
  it('names every enum value of the contract in Vietnamese and English, never as a code', () => {
    for (const lang of ['vi', 'en']) {
      for (const v of [...INSPECTION_KINDS, ...SEVERITIES, ...OUTREACH_KINDS, ...AREAS]) {
        const word = enumWord(lang, v);
        expect(word).not.toMatch(RAW);
        expect(word).not.toBe('—');
      }
      for (const l of LANGUAGES) expect(enumWord(lang, `lang:${l}`)).not.toBe('—');
    }
    expect(enumWord('vi', 'tay')).toBe('—'); // a language code alone is no word: the caller asks lang:tay
    expect(enumWord('vi', 'lang:tay')).toBe('Tiếng Tày');
    expect(enumWord('vi', 'dialogue')).toBe('Đối thoại giữa Chủ tịch và nhân dân');
  });
});

const row = indicatorRow;

describe('indicator table', { timeout: 20000 }, () => {
  it('sends only changed editable rows and refuses a value that is not a number', () => {
    const rows = [row({}), row({ indicator_id: 2, code: 'CT02', value: '3' }), row({ indicator_id: 3, code: 'CT03', computed: true, editable: false })];
    expect(indicatorBody(rows, { 1: { value: '12,5' }, 2: { value: '3' }, 3: { value: '9' } })).toEqual({
      values: [{ indicator_id: 1, value: '12.5', note: null }],
      bad: [],
    });
    expect(indicatorBody(rows, { 1: { value: 'abc' } }).bad).toEqual([1]);
    expect(indicatorBody(rows, { 2: { value: '' } }).values).toEqual([{ indicator_id: 2, value: null, note: null }]);
    expect(enterable(row({ editable: false }))).toBe(false);
    expect(enterable(row({ indicator_id: null }))).toBe(false);
  });
  it('lets the unit type values and saves them with If-Match on the report', async () => {
    const net = stubFetch({
      'GET /api/v1/reports/4/indicators': reply(
        { items: [row({ value: '2' }), row({ indicator_id: 9, code: 'CT09', name: 'Tỷ lệ', computed: true, editable: false, value: '87.5' })], etag: 'W/"r1"' },
        { headers: { ETag: 'W/"r1"' } },
      ),
      'PUT /api/v1/reports/4/indicators': reply({ items: [row({ value: '3.5' })], etag: 'W/"r2"' }, { headers: { ETag: 'W/"r2"' } }),
    });
    const onEtag = vi.fn();
    renderWithQuery(<IndicatorsPanel reportId={4} district={false} etag={'W/"r1"'} onEtag={onEtag} />, { antApp: true });
    const input = await screen.findByLabelText('Giá trị: Số cuộc kiểm tra');
    expect(screen.getByTestId('indicator-CT09').textContent).toBe('87,5');
    fireEvent.change(input, { target: { value: '3,5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Lưu biểu số liệu' }));
    await waitFor(() => expect(onEtag).toHaveBeenCalledWith('W/"r2"'));
    const put = net.calls('PUT /api/v1/reports/4/indicators')[0];
    expect(put.body).toEqual({ values: [{ indicator_id: 1, value: '3.5', note: null }] });
    expect(put.headers.get('If-Match')).toBe('W/"r1"');
  });
  it('shows the district roll-up read-only with the units that have not entered', async () => {
    stubFetch({
      'GET /api/v1/reports/1/indicators': {
        items: [row({ editable: false, value: '14', units_entered: 2, units_expected: 3, missing_units: [{ unit_id: 5, unit_name: 'UBND xã Hoa Thám' }] })],
        etag: 'x',
      },
    });
    renderWithQuery(<IndicatorsPanel reportId={1} district etag="x" onEtag={() => undefined} />, { antApp: true });
    expect(await screen.findByTestId('missing-CT01')).toHaveTextContent('2/3: UBND xã Hoa Thám');
    expect(screen.getByTestId('indicator-CT01').textContent).toBe('14');
    expect(screen.queryByRole('button', { name: 'Lưu biểu số liệu' })).toBeNull();
    expect(screen.getByText('Cộng')).toBeInTheDocument();
  });
});

describe('outline', { timeout: 20000 }, () => {
  const sections = [
    { key: 'chi_dao', number: 'I', title: 'CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH', fill: 'heading' },
    { key: 'kiem_tra', number: '3', title: 'Công tác kiểm tra CCHC', fill: 'auto', text: 'Kiểm tra 2 đơn vị: UBND xã Hoa Thám (12/09/2024).' },
    { key: 'khao_sat', number: '4', title: 'Khảo sát', fill: 'written', text: null },
  ];
  it('lists the sections in order, the automatic text as given, and offers typing written ones only when editable', () => {
    render(<OutlinePanel sections={sections} editable={false} save={vi.fn()} />);
    const shown = screen.getAllByTestId(/^outline-/).map((e) => e.getAttribute('data-testid'));
    expect(shown).toEqual(['outline-chi_dao', 'outline-kiem_tra', 'outline-khao_sat']);
    expect(screen.getByTestId('outline-kiem_tra')).toHaveTextContent('UBND xã Hoa Thám (12/09/2024)');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(depthOf({ number: 'II' })).toBe(0);
    expect(depthOf({ number: '2' })).toBe(1);
    expect(depthOf({ number: 'a' })).toBe(2);
  });
  it('saves a written section as a narrative key', async () => {
    const save = vi.fn().mockResolvedValue(undefined);
    render(
      <App>
        <OutlinePanel sections={sections} editable save={save} />
      </App>,
    );
    fireEvent.change(screen.getByLabelText('Khảo sát'), { target: { value: 'Đã khảo sát 120 phiếu.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(save).toHaveBeenCalledWith({ khao_sat: 'Đã khảo sát 120 phiếu.' }));
  });
});

const inspection = (over: Partial<Inspection> = {}): Inspection => ({
  id: 11,
  owner_unit_id: 1,
  unit_id: 5,
  unit_name: 'UBND xã Hoa Thám',
  kind: 'adhoc',
  date: '2024-09-12',
  team: ['Hoàng Văn A, Trưởng phòng Nội vụ'],
  areas: ['thu_tuc_hanh_chinh'],
  summary: 'Kiểm tra bộ phận một cửa',
  status: 'open',
  findings: [
    {
      id: 21,
      inspection_id: 11,
      content: 'Chưa niêm yết đủ thủ tục',
      severity: 'high',
      area: 'thu_tuc_hanh_chinh',
      follow_up: { assignment_id: 77, task_id: 70, title: 'Niêm yết lại thủ tục', deadline: '2024-10-30', status: 'not_started', bucket: 'in_progress_on_time' },
      allowed_actions: [],
    },
  ],
  allowed_actions: [],
  ...over,
});

const showInspection = (i: Inspection, more: Parameters<typeof stubFetch>[0] = {}) => {
  const net = stubFetch({
    'GET /api/v1/inspections/11': reply(i, { headers: { ETag: 'W/"i1"' } }),
    'GET /api/v1/inspections/11/evidence': { items: [], total: 0, limit: 100, offset: 0 }, // its documents
    ...more,
  });
  renderWithQuery(<InspectionDetail />, { antApp: true, route: '/activities/inspections/11', path: '/activities/inspections/:id' });
  return net;
};

describe('inspection detail', { timeout: 20000 }, () => {
  it('shows the inspected unit its inspection read-only: words and dd/mm/yyyy, the follow-up with a link to the work', async () => {
    showInspection(inspection());
    expect(await screen.findByRole('heading', { level: 1 })).toHaveTextContent('Kiểm tra CCHC – UBND xã Hoa Thám');
    const main = document.body.textContent ?? '';
    expect(main).toContain('12/09/2024');
    expect(main).toContain('Đột xuất');
    expect(main).toContain('Cải cách thủ tục hành chính');
    expect(main).not.toMatch(RAW);
    const fu = screen.getByTestId('follow-up');
    expect(within(fu).getByRole('link', { name: 'Mở việc' })).toHaveAttribute('href', '/assignments/77');
    expect(fu).toHaveTextContent('30/10/2024');
    expect(screen.queryByRole('button', { name: 'Thêm tồn tại' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Kết thúc cuộc kiểm tra' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Xoá/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Tải lên' })).toBeNull();
  });
  it('offers Phòng Nội vụ what allowed_actions lists', async () => {
    const net = showInspection(inspection({ allowed_actions: ['update', 'add_finding', 'close'] }));
    expect(await screen.findByRole('button', { name: 'Thêm tồn tại' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Kết thúc cuộc kiểm tra' })).toBeInTheDocument();
    await waitFor(() => expect(net.called('GET /api/v1/inspections/11/evidence?limit=100')).toBe(true));
  });
  it('closes with If-Match on the ETag the page read and shows the closed inspection', async () => {
    const net = showInspection(inspection({ allowed_actions: ['close'] }), {
      'POST /api/v1/inspections/11/close': (req) => {
        const closed = inspection({ status: 'closed', conclusion: (req.body as { conclusion: string }).conclusion, closed_at: '2024-10-01T08:00:00Z', allowed_actions: [] });
        net.on({ 'GET /api/v1/inspections/11': reply(closed, { headers: { ETag: 'W/"i2"' } }) });
        return reply(closed, { headers: { ETag: 'W/"i2"' } });
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Kết thúc cuộc kiểm tra' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Kết luận'), { target: { value: 'Đơn vị đã khắc phục' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Kết thúc cuộc kiểm tra' }));
    await waitFor(() => expect(net.calls('POST /api/v1/inspections/11/close')).toHaveLength(1));
    expect(net.calls('POST /api/v1/inspections/11/close')[0].headers.get('If-Match')).toBe('W/"i1"');
    expect(await screen.findByText('Đơn vị đã khắc phục')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Kết thúc cuộc kiểm tra' })).toBeNull());
  });
  it('adds a finding with an Idempotency-Key and shows it from the server', async () => {
    const added = { id: 22, inspection_id: 11, content: 'Chưa cập nhật cổng dịch vụ công', severity: 'medium', area: null, follow_up: null, allowed_actions: [] };
    const net = showInspection(inspection({ allowed_actions: ['add_finding'] }), {
      'POST /api/v1/inspections/11/findings': () => {
        const i = inspection({ allowed_actions: ['add_finding'] });
        net.on({ 'GET /api/v1/inspections/11': reply({ ...i, findings: [...(i.findings ?? []), added] }, { headers: { ETag: 'W/"i2"' } }) });
        return reply(added, { status: 201 });
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Thêm tồn tại' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Tồn tại, hạn chế'), { target: { value: added.content } });
    fireEvent.click(within(dialog).getByRole('checkbox'));
    await waitFor(() => expect(within(dialog).queryByLabelText('Hạn hoàn thành')).toBeNull());
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(net.calls('POST /api/v1/inspections/11/findings')).toHaveLength(1), { timeout: 5000 });
    const post = net.calls('POST /api/v1/inspections/11/findings')[0];
    expect(post.headers.get('Idempotency-Key')).toBeTruthy();
    expect(post.body).toMatchObject({ content: added.content, follow_up: null });
    expect(await within(screen.getByTestId('findings')).findByText(added.content)).toBeInTheDocument();
  });
});

const session = (over: Partial<AccountabilitySession> = {}): AccountabilitySession => ({
  id: 31,
  owner_unit_id: 1,
  unit_id: 5,
  unit_name: 'UBND xã Hoa Thám',
  date: '2024-06-20',
  status: 'held',
  chaired_by: 'Chủ tịch HĐND huyện',
  head_name: 'Lý Văn C',
  head_title: 'Chủ tịch',
  items: [],
  follow_ups: [],
  explanation: null,
  explained_at: null,
  conclusion: null,
  allowed_actions: [],
  ...over,
});

describe('accountability session', { timeout: 20000 }, () => {
  it('sends the explanation with If-Match on the session ETag and shows what the server saved', async () => {
    const net = stubFetch({
      'GET /api/v1/accountability-sessions/31': reply(session({ allowed_actions: ['explain'] }), { headers: { ETag: 'W/"s1"' } }),
      'GET /api/v1/accountability-sessions/31/evidence': { items: [], total: 0, limit: 100, offset: 0 },
      'PUT /api/v1/accountability-sessions/31/explanation': (req) =>
        reply(session({ explanation: (req.body as { explanation: string }).explanation, allowed_actions: [] }), { headers: { ETag: 'W/"s2"' } }),
    });
    renderWithQuery(<SessionDetail />, { antApp: true, route: '/activities/sessions/31', path: '/activities/sessions/:id' });
    expect(await screen.findByRole('heading', { level: 1 })).toHaveTextContent('UBND xã Hoa Thám');
    expect(document.body.textContent).toContain('20/06/2024');
    fireEvent.change(screen.getByLabelText('Giải trình của thủ trưởng đơn vị'), { target: { value: 'Xã đã bố trí thêm cán bộ một cửa' } });
    fireEvent.click(screen.getByRole('button', { name: 'Gửi giải trình' }));
    await waitFor(() => expect(net.calls('PUT /api/v1/accountability-sessions/31/explanation')).toHaveLength(1));
    expect(net.calls('PUT /api/v1/accountability-sessions/31/explanation')[0].headers.get('If-Match')).toBe('W/"s1"');
    expect(await screen.findByText('Xã đã bố trí thêm cán bộ một cửa')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Gửi giải trình' })).toBeNull();
  });
  it('shows the not-available page for a session out of reach', async () => {
    stubFetch({ 'GET /api/v1/accountability-sessions/32': reply({ title: 'Không tìm thấy', status: 404 }, { status: 404 }) });
    renderWithQuery(<SessionDetail />, { antApp: true, route: '/activities/sessions/32', path: '/activities/sessions/:id' });
    expect(await screen.findByText('Không tìm thấy hoặc bạn không có quyền xem.')).toBeInTheDocument();
  });
});

describe('activity lists', { timeout: 20000 }, () => {
  const filters = { year: 2024, unitId: 5, units: [{ id: 5, name: 'UBND xã Hoa Thám' } as never] };
  it('lists the inspections of the year and unit in words, each linked to its page', async () => {
    auth.perms = ['activities:read'];
    const net = stubFetch({ 'GET /api/v1/inspections': { items: [inspection()], total: 1, limit: 200, offset: 0 } });
    renderWithQuery(<InspectionsTab filters={filters} />, { antApp: true });
    const table = await screen.findByTestId('inspections');
    expect(within(table).getByRole('link', { name: 'UBND xã Hoa Thám' })).toHaveAttribute('href', '/activities/inspections/11');
    expect(table).toHaveTextContent('12/09/2024');
    expect(table).toHaveTextContent('Đột xuất');
    expect(table.textContent).not.toMatch(RAW);
    expect(net.called('GET /api/v1/inspections?limit=200&year=2024&unit_id=5')).toBe(true);
    expect(screen.queryByRole('button', { name: 'Ghi nhận cuộc kiểm tra' })).toBeNull();
  });
  it('names the empty required fields of a new inspection and sends nothing', async () => {
    auth.perms = ['activities:read', 'activities:manage'];
    const net = stubFetch({ 'GET /api/v1/inspections': { items: [], total: 0, limit: 200, offset: 0 } });
    renderWithQuery(<InspectionsTab filters={filters} />, { antApp: true });
    fireEvent.click(await screen.findByRole('button', { name: 'Ghi nhận cuộc kiểm tra' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    expect(await within(dialog).findByText('Chưa nhập đơn vị được kiểm tra (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(within(dialog).getByText('Chưa nhập ngày (bắt buộc).')).toBeInTheDocument();
    expect(net.log.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });
  it('lists the accountability sessions with who answers, each linked to its page', async () => {
    auth.perms = ['activities:read'];
    const net = stubFetch({ 'GET /api/v1/accountability-sessions': { items: [session()], total: 1, limit: 200, offset: 0 } });
    renderWithQuery(<SessionsTab filters={filters} />, { antApp: true });
    const table = await screen.findByTestId('sessions');
    expect(within(table).getByRole('link', { name: 'UBND xã Hoa Thám' })).toHaveAttribute('href', '/activities/sessions/31');
    expect(table).toHaveTextContent('Chủ tịch Lý Văn C');
    expect(table).toHaveTextContent('20/06/2024');
    expect(net.called('GET /api/v1/accountability-sessions?limit=200&year=2024&unit_id=5')).toBe(true);
  });
});

describe('inspection plan', { timeout: 20000 }, () => {
  const plan = { id: 41, owner_unit_id: 1, year: 2024, title: 'Kế hoạch kiểm tra CCHC năm 2024', decision_number: '12/KH-UBND', decision_date: '2024-01-15', note: null, items: [{ unit_id: 5, unit_name: 'UBND xã Hoa Thám', planned_month: 9, areas: ['the_che'] }], allowed_actions: ['update'] };
  it('shows the plan of the year and edits it with If-Match on the ETag read just before', async () => {
    auth.perms = ['activities:read', 'activities:manage'];
    const net = stubFetch({
      'GET /api/v1/inspection-plans': { items: [plan], total: 1, limit: 50, offset: 0 },
      'GET /api/v1/inspection-plans/41': reply(plan, { headers: { ETag: 'W/"p7"' } }),
      'PATCH /api/v1/inspection-plans/41': (req) => {
        const saved = { ...plan, title: (req.body as { title: string }).title };
        net.on({ 'GET /api/v1/inspection-plans': { items: [saved], total: 1, limit: 50, offset: 0 } });
        return saved;
      },
    });
    renderWithQuery(<PlanTab filters={{ year: 2024, unitId: null, units: [] }} />, { antApp: true });
    expect(await screen.findByRole('heading', { level: 2, name: 'Kế hoạch kiểm tra CCHC năm 2024' })).toBeInTheDocument();
    expect(document.body.textContent).toContain('15/01/2024');
    expect(document.body.textContent).toContain('UBND xã Hoa Thám');
    expect(net.called('GET /api/v1/inspection-plans?year=2024&limit=50')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Sửa kế hoạch kiểm tra' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByDisplayValue('Kế hoạch kiểm tra CCHC năm 2024'), { target: { value: 'Kế hoạch kiểm tra CCHC năm 2024 (sửa đổi)' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(net.calls('PATCH /api/v1/inspection-plans/41')).toHaveLength(1), { timeout: 5000 });
    expect(net.calls('PATCH /api/v1/inspection-plans/41')[0].headers.get('If-Match')).toBe('W/"p7"');
    expect(await screen.findByRole('heading', { level: 2, name: 'Kế hoạch kiểm tra CCHC năm 2024 (sửa đổi)' })).toBeInTheDocument();
  });
});

const output = (over: Partial<OutreachOutput>): OutreachOutput => ({
  id: 1,
  unit_id: 8,
  unit_name: 'Phòng Văn hóa và Thông tin',
  date: '2024-08-01',
  kind: 'loudspeaker',
  language: 'nung',
  title: 'Tuyên truyền dịch vụ công trực tuyến',
  medium: 'Đài truyền thanh xã',
  quantity: 12,
  audience: 1500,
  allowed_actions: [],
  ...over,
});

/** The outreach tab of 2024 for a caller of two units. */
function renderOutreach2024() {
  renderWithQuery(<OutreachTab filters={{ year: 2024, unitId: null, units: [{ id: 8, name: 'Phòng Văn hóa và Thông tin' } as never, { id: 9, name: 'UBND xã Hoa Thám' } as never] }} />, { antApp: true });
}
const outreachPage = (items: OutreachOutput[]) => ({ items, total: items.length, limit: 200, offset: 0 });

describe('outreach', { timeout: 20000 }, () => {
  it('reads kinds and languages in Vietnamese and offers edit/delete only on allowed rows', async () => {
    auth.perms = ['activities:read', 'outreach:edit'];
    auth.units = [8];
    const net = stubFetch({
      'GET /api/v1/outreach-outputs': outreachPage([output({ allowed_actions: ['update', 'delete'] }), output({ id: 2, unit_id: 9, unit_name: 'UBND xã Hoa Thám', title: 'Hội nghị đối thoại', kind: 'dialogue', language: 'vi', allowed_actions: [] })]),
    });
    renderOutreach2024();
    const table = await screen.findByTestId('outreach');
    expect(table).toHaveTextContent('Loa truyền thanh cơ sở');
    expect(table).toHaveTextContent('Tiếng Nùng');
    expect(table).toHaveTextContent('Đối thoại giữa Chủ tịch và nhân dân');
    expect(table).toHaveTextContent('1.500');
    expect(table.textContent).not.toMatch(RAW);
    expect(screen.getAllByRole('button', { name: /^Sửa/ })).toHaveLength(1);
    expect(screen.getAllByRole('button', { name: /^Xoá/ })).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Thêm sản phẩm tuyên truyền' })).toBeInTheDocument();
    expect(net.called('GET /api/v1/outreach-outputs?limit=200&year=2024')).toBe(true);
  });
  it('offers no entry to a reader', async () => {
    auth.perms = ['activities:read'];
    stubFetch({ 'GET /api/v1/outreach-outputs': outreachPage([output({})]) });
    renderWithQuery(<OutreachTab filters={{ year: null, unitId: null, units: [] }} />, { antApp: true });
    await screen.findByTestId('outreach');
    expect(screen.queryByRole('button')).toBeNull();
  });
  it('edits with If-Match on the ETag read just before and shows the list again from the server', async () => {
    auth.perms = ['activities:read', 'outreach:edit'];
    auth.units = [8];
    const net = stubFetch({
      'GET /api/v1/outreach-outputs': outreachPage([output({ allowed_actions: ['update', 'delete'] })]),
      'GET /api/v1/outreach-outputs/1': reply(output({}), { headers: { ETag: 'W/"o3"' } }),
      'PATCH /api/v1/outreach-outputs/1': (req) => {
        net.on({ 'GET /api/v1/outreach-outputs': outreachPage([output({ title: (req.body as { title: string }).title })]) });
        return output({ title: (req.body as { title: string }).title });
      },
    });
    renderOutreach2024();
    fireEvent.click(await screen.findByRole('button', { name: /^Sửa/ }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('combobox', { name: 'Đơn vị' })).toBeDisabled(); // an edit keeps the unit
    fireEvent.change(within(dialog).getByLabelText('Tên, nội dung'), { target: { value: 'Tuyên truyền mới' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(net.calls('PATCH /api/v1/outreach-outputs/1')).toHaveLength(1), { timeout: 5000 });
    const patch = net.calls('PATCH /api/v1/outreach-outputs/1')[0];
    expect(patch.headers.get('If-Match')).toBe('W/"o3"');
    expect(patch.body).toMatchObject({ title: 'Tuyên truyền mới', date: '2024-08-01', kind: 'loudspeaker', language: 'nung' });
    // the API refuses fields an edit does not take (extra="forbid"): the unit is not sent, and not offered for change
    expect(patch.body).not.toHaveProperty('unit_id');
    expect(await within(screen.getByTestId('outreach')).findByText('Tuyên truyền mới')).toBeInTheDocument();
  });
  it('creates with an Idempotency-Key and shows the field errors of the API on the form', async () => {
    auth.perms = ['activities:read', 'outreach:edit'];
    auth.units = [8];
    const net = stubFetch({
      'GET /api/v1/outreach-outputs': outreachPage([]),
      'POST /api/v1/outreach-outputs': reply({ title: 'Dữ liệu không hợp lệ', status: 422, detail: 'Số lượng phải lớn hơn 0' }, { status: 422 }),
    });
    renderOutreach2024();
    fireEvent.click(await screen.findByRole('button', { name: 'Thêm sản phẩm tuyên truyền' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Tên, nội dung'), { target: { value: 'Bài viết' } });
    fireEvent.mouseDown(within(dialog).getByLabelText('Ngày'));
    fireEvent.change(within(dialog).getByLabelText('Ngày'), { target: { value: '01/08/2024' } });
    fireEvent.keyDown(within(dialog).getByLabelText('Ngày'), { key: 'Enter', code: 'Enter' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(net.calls('POST /api/v1/outreach-outputs')).toHaveLength(1), { timeout: 5000 });
    expect(net.calls('POST /api/v1/outreach-outputs')[0].headers.get('Idempotency-Key')).toBeTruthy();
    expect(await within(dialog).findByText(/Số lượng phải lớn hơn 0/)).toBeInTheDocument();
  });
});

describe('empty required fields named in the error', { timeout: 30000 }, () => {
  it('writes the field inside the sentence: lower-case first letter, acronyms kept, bracketed notes dropped', () => {
    expect(fieldName('Đơn vị được kiểm tra', 'vi')).toBe('đơn vị được kiểm tra');
    expect(fieldName('STT', 'vi')).toBe('STT');
    expect(fieldName('Mã (không dấu, không cách)', 'vi')).toBe('mã');
    expect(fieldName('Unit', 'en')).toBe('Unit');
  });
  it('names the empty required fields of a finding and of its follow-up, and sends nothing', async () => {
    auth.perms = ['activities:read', 'activities:manage'];
    const net = showInspection(inspection({ allowed_actions: ['add_finding'] }));
    fireEvent.click(await screen.findByRole('button', { name: 'Thêm tồn tại' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    expect(await within(dialog).findByText('Chưa nhập tồn tại, hạn chế (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    // antd shows each field's error as its own validation settles: wait for each
    expect(await within(dialog).findByText('Chưa nhập nội dung việc khắc phục (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(await within(dialog).findByText('Chưa nhập hạn hoàn thành (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(net.log.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });
  it('names the empty required fields of a new accountability session and of a plan row', async () => {
    auth.perms = ['activities:read', 'activities:manage'];
    const net = stubFetch({ 'GET /api/v1/accountability-sessions': { items: [], total: 0, limit: 200, offset: 0 }, 'GET /api/v1/inspection-plans': { items: [], total: 0, limit: 50, offset: 0 } });
    renderWithQuery(<SessionsTab filters={{ year: 2024, unitId: null, units: [] }} />, { antApp: true });
    fireEvent.click(await screen.findByRole('button', { name: 'Tổ chức phiên giải trình' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    expect(await within(dialog).findByText('Chưa nhập đơn vị giải trình (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(await within(dialog).findByText('Chưa nhập ngày (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    cleanup();
    renderWithQuery(<PlanTab filters={{ year: 2024, unitId: null, units: [] }} />, { antApp: true });
    fireEvent.click(await screen.findByRole('button', { name: 'Lập kế hoạch kiểm tra' }));
    const plan = await screen.findByRole('dialog');
    fireEvent.change(within(plan).getByLabelText('Tên kế hoạch'), { target: { value: '' } });
    fireEvent.click(within(plan).getByRole('button', { name: 'Lưu' }));
    expect(await within(plan).findByText('Chưa nhập tên kế hoạch (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(await within(plan).findByText('Chưa nhập đơn vị được kiểm tra (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(await within(plan).findByText('Chưa nhập tháng (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(net.log.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });
  it('names each empty required field of a new outreach output on submit, and sends nothing', async () => {
    auth.perms = ['activities:read', 'outreach:edit'];
    auth.units = [8, 9];
    const net = stubFetch({ 'GET /api/v1/outreach-outputs': outreachPage([]) });
    renderOutreach2024();
    fireEvent.click(await screen.findByRole('button', { name: 'Thêm sản phẩm tuyên truyền' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    // the unit (two to choose from), the date and the name are empty; kind, language and quantity have defaults
    expect(await within(dialog).findByText('Chưa nhập đơn vị (bắt buộc).', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(within(dialog).getByText('Chưa nhập ngày (bắt buộc).')).toBeInTheDocument();
    expect(within(dialog).getByText('Chưa nhập tên, nội dung (bắt buộc).')).toBeInTheDocument();
    expect(within(dialog).queryByText('Chưa nhập hình thức (bắt buộc).')).toBeNull();
    expect(net.log.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });
});
