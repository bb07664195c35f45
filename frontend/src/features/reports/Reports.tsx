import { App, Button, Col, Empty, InputNumber, Row, Table, Typography } from 'antd';
import { keepPreviousData, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/http';
import {
  orgUnitsListOptions,
  reportPeriodsListOptions,
  reportPeriodsListQueryKey,
  reportsListOptions,
  reportsListQueryKey,
} from '../../client/@tanstack/react-query.gen';
import { reportPeriodsGenerate, reportsCreate } from '../../client/sdk.gen';
import type { PeriodRead, ReportRead, ReportsListData } from '../../client/types.gen';
import { useAuth } from '../../auth';
import { Guard, ProblemAlert } from '../../components/common';
import CreateReportModal from './CreateReportModal';
import { newIdempotencyKey, ownUnits, periodName, REPORT_STATUSES, type OwnUnit } from './model';
import PeriodCard from './PeriodCard';
import PeriodEditModal from './PeriodEditModal';
import ScrollRegion from './ScrollRegion';
import { useReportStatusLabel } from './labels';
import { LevelTag, ReportStatusTag } from './ReportTags';
import { useI18n } from '../../i18n';

const PAGE = 50;
const SUBTREE_ROLES = new Set(['admin', 'district_admin', 'leader', 'observer']);

/** Báo cáo định kỳ: the periods of a year with the caller's own reports, then every report in scope, filtered. */
export default function Reports() {
  const { t, lang, dateTime } = useI18n();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const nav = useNavigate();
  const [params, setParams] = useSearchParams();
  const qc = useQueryClient();
  /** After a period or a report is created or changed: the periods and every list of reports. */
  const reload = () => {
    void qc.invalidateQueries({ queryKey: reportPeriodsListQueryKey() });
    void qc.invalidateQueries({ queryKey: reportsListQueryKey() });
  };
  const subtree = (me?.memberships ?? []).some((m) => SUBTREE_ROLES.has(m.role));
  const canReview = can('reports:review');

  const periods = useQuery(reportPeriodsListOptions({ query: { limit: 500 } }));
  const allPeriods = periods.data?.items ?? [];
  const years = [...new Set(allPeriods.map((p) => p.year))].sort((a, b) => b - a);
  const year = Number(params.get('year')) || years[0] || 0;
  const yearPeriods = allPeriods.filter((p) => p.year === year).sort((a, b) => a.data_to.localeCompare(b.data_to) || a.id - b.id);
  const yearReports = useQueries({
    queries: yearPeriods.map((p) => reportsListOptions({ query: { period_id: p.id, limit: 500 } })),
    combine: (rs) => ({
      data: rs.every((r) => r.data) ? rs.flatMap((r) => r.data?.items ?? []) : undefined,
      error: rs.find((r) => r.error)?.error ?? null,
    }),
  });
  const unitList = useQuery({ ...orgUnitsListOptions({ query: { limit: 500 } }), enabled: subtree });
  const units = { data: subtree ? unitList.data?.items : [] };

  // per (period, unit): one Idempotency-Key until the report exists, so a double click cannot open two
  const keys = useRef(new Map<string, string>());
  const [creating, setCreating] = useState<string | null>(null);
  const [cardErrors, setCardErrors] = useState<Record<number, unknown>>({});
  const [editing, setEditing] = useState<number | null>(null);
  const [createOpen, setCreateOpen] = useState(false);

  const createReport = async (periodId: number, unitId: number, key: string) => {
    const r = await reportsCreate({ body: { period_id: periodId, unit_id: unitId }, headers: { 'Idempotency-Key': key }, throwOnError: true });
    void qc.invalidateQueries({ queryKey: reportsListQueryKey() });
    message.success(t('rpCreatedMsg'));
    nav(`/reports/${r.data.id}`);
  };

  const createOwn = async (p: PeriodRead, u: OwnUnit) => {
    const k = `${p.id}-${u.unit_id}`;
    if (!keys.current.has(k)) keys.current.set(k, newIdempotencyKey('report'));
    setCreating(k);
    setCardErrors((e) => ({ ...e, [p.id]: null }));
    try {
      await createReport(p.id, u.unit_id, keys.current.get(k) as string);
      keys.current.delete(k);
    } catch (e) {
      setCardErrors((x) => ({ ...x, [p.id]: e }));
      if (e instanceof ApiError && e.status === 409) reload(); // opened meanwhile: show its link
    } finally {
      setCreating(null);
    }
  };

  // --- the list: filters in the URL, paged by the API ---------------------------------------------------
  const set = (k: string, v: string | undefined) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    if (k !== 'offset') p.delete('offset');
    setParams(p, { replace: true });
  };
  const query: NonNullable<ReportsListData['query']> = {};
  for (const k of ['period_id', 'unit_id', 'offset'] as const) if (params.get(k)) query[k] = Number(params.get(k));
  if (params.get('status')) query.status = params.get('status') as ReportRead['status'];
  if (params.get('level')) query.level = params.get('level') as ReportRead['level'];
  query.limit = PAGE;
  query.sort = '-id';
  const list = useQuery({ ...reportsListOptions({ query }), placeholderData: keepPreviousData });
  const statusLabel = useReportStatusLabel();
  const offset = Number(params.get('offset')) || 0;

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('reports')}
      </Typography.Title>

      <section aria-labelledby="periods-title" style={{ marginBottom: 24 }}>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'flex-end', marginBottom: 12 }}>
          <h2 id="periods-title" className="page-h2" style={{ margin: 0, flex: '1 1 200px' }}>
            {t('rpPeriods')}
          </h2>
          {years.length > 0 && (
            <div className="filters" style={{ margin: 0 }}>
              <label>
                <span>{t('year')}</span>
                <select value={year} onChange={(e) => set('year', e.target.value)}>
                  {years.map((y) => (
                    <option key={y} value={y}>
                      {y}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}
        </div>
        <Guard loading={periods.isPending} error={periods.error}>
          {() =>
            yearPeriods.length === 0 ? (
              <Empty description={canReview ? t('rpNoPeriodsAdmin') : t('rpNoPeriods')} />
            ) : (
              <>
                <ProblemAlert error={yearReports.error} />
                <Row gutter={[12, 12]}>
                  {yearPeriods.map((p) => (
                    <Col key={p.id} xs={24} md={12} xxl={6}>
                      <PeriodCard
                        period={p}
                        reports={(yearReports.data ?? []).filter((r) => r.period_id === p.id)}
                        own={ownUnits(me, p)}
                        showUnitSummary={subtree}
                        canEditPeriod={canReview}
                        creating={creating}
                        error={cardErrors[p.id]}
                        onCreate={createOwn}
                        onEditPeriod={(x) => setEditing(x.id)}
                        onFilter={(x) => {
                          set('period_id', String(x.id));
                          document.getElementById('list-title')?.scrollIntoView();
                        }}
                      />
                    </Col>
                  ))}
                </Row>
                {yearPeriods.some((p) => p.due_dates_are_defaults) && (
                  <p style={{ marginTop: 8, color: 'rgba(0,0,0,0.72)' }} data-testid="defaults-note">
                    {t('rpDefaultDueNote')}
                  </p>
                )}
              </>
            )
          }
        </Guard>
        {canReview && periods.data && (
          <div
            role="group"
            aria-label={t('rpManage')}
            style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'flex-end', marginTop: 12, padding: 12, background: '#fff', border: '1px solid #e5e7eb', borderRadius: 8 }}
          >
            <GeneratePeriods
              key={years[0] ?? 0}
              defaultYear={(years[0] ?? new Date().getFullYear() - 1) + 1}
              onDone={(y) => {
                set('year', String(y));
                reload();
              }}
            />
            <Button onClick={() => setCreateOpen(true)} disabled={!yearPeriods.length}>
              {t('rpCreateForUnit')}
            </Button>
          </div>
        )}
      </section>

      <section aria-labelledby="list-title">
        <h2 id="list-title" className="page-h2">
          {t('rpList')}
        </h2>
        <form className="filters" role="search" aria-labelledby="list-title" onSubmit={(e) => e.preventDefault()}>
          <label>
            <span>{t('period')}</span>
            <select value={params.get('period_id') ?? ''} onChange={(e) => set('period_id', e.target.value || undefined)}>
              <option value="">{t('filterAll')}</option>
              {allPeriods.map((p) => (
                <option key={p.id} value={p.id}>
                  {periodName(p, lang)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('status')}</span>
            <select value={params.get('status') ?? ''} onChange={(e) => set('status', e.target.value || undefined)}>
              <option value="">{t('filterAll')}</option>
              {REPORT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </label>
          {subtree && (
            <label>
              <span>{t('rpLevel')}</span>
              <select value={params.get('level') ?? ''} onChange={(e) => set('level', e.target.value || undefined)}>
                <option value="">{t('filterAll')}</option>
                <option value="unit">{t('rpLevelUnit')}</option>
                <option value="district">{t('rpLevelDistrict')}</option>
              </select>
            </label>
          )}
          {subtree && (units.data ?? []).length > 1 && (
            <label>
              <span>{t('unit')}</span>
              <select value={params.get('unit_id') ?? ''} onChange={(e) => set('unit_id', e.target.value || undefined)} style={{ maxWidth: 280 }}>
                <option value="">{t('filterAll')}</option>
                {(units.data ?? []).map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </form>
        <Guard loading={list.isPending} error={list.error}>
          {() => (
            <ScrollRegion label={t('rpList')}>
              <Table<ReportRead>
                rowKey="id"
                size="small"
                dataSource={list.data?.items ?? []}
                loading={list.isFetching}
                locale={{ emptyText: t('rpNoReports') }}
                pagination={{
                  current: Math.floor(offset / PAGE) + 1,
                  pageSize: PAGE,
                  total: list.data?.total ?? 0,
                  showSizeChanger: false,
                  hideOnSinglePage: true,
                  onChange: (page) => set('offset', page > 1 ? String((page - 1) * PAGE) : undefined),
                }}
                onRow={(r) => ({ 'data-testid': `report-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
                columns={[
                  {
                    title: t('unit'),
                    key: 'unit',
                    render: (_, r) => (
                      <div style={{ minWidth: 150 }}>
                        <Link to={`/reports/${r.id}`}>{r.unit_name ?? r.unit_code ?? `#${r.unit_id}`}</Link>
                      </div>
                    ),
                  },
                  {
                    title: t('period'),
                    key: 'period',
                    render: (_, r) => {
                      const p = allPeriods.find((x) => x.id === r.period_id);
                      return <div style={{ minWidth: 120 }}>{p ? periodName(p, lang) : r.period_name}</div>;
                    },
                  },
                  ...(subtree ? [{ title: t('rpLevel'), key: 'level', render: (_: unknown, r: ReportRead) => <LevelTag level={r.level} /> }] : []),
                  { title: t('status'), dataIndex: 'status', render: (_, r) => <ReportStatusTag status={r.status} late={r.is_late} /> },
                  { title: t('submittedAt'), dataIndex: 'submitted_at', render: (v: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{dateTime(v)}</span> },
                  {
                    title: t('returnReason'),
                    dataIndex: 'return_reason',
                    render: (v: string | null, r) => (r.status === 'returned' ? <div style={{ maxWidth: 280 }}>{v}</div> : ''),
                  },
                ]}
              />
            </ScrollRegion>
          )}
        </Guard>
      </section>

      {editing != null && (
        <PeriodEditModal
          periodId={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {canReview && createOpen && (
        <CreateReportModal
          periods={yearPeriods}
          units={units.data ?? []}
          defaultPeriodId={Number(params.get('period_id')) || undefined}
          onClose={() => setCreateOpen(false)}
          onCreate={createReport}
        />
      )}
    </>
  );
}

/** Tạo 4 kỳ báo cáo của một năm (windows of 581/BNV-CCHC, default due dates); existing periods are kept. */
function GeneratePeriods({ defaultYear, onDone }: { defaultYear: number; onDone: (year: number) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [year, setYear] = useState<number | null>(defaultYear);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const key = useRef<{ year: number; key: string } | null>(null);
  const run = async () => {
    if (!year) return;
    if (key.current?.year !== year) key.current = { year, key: newIdempotencyKey('periods') };
    setBusy(true);
    setError(null);
    try {
      await reportPeriodsGenerate({ body: { year }, headers: { 'Idempotency-Key': key.current.key }, throwOnError: true });
      key.current = null;
      message.success(t('rpPeriodsGenerated'));
      onDone(year);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'flex-end' }}>
      <label style={{ display: 'flex', flexDirection: 'column', fontSize: 13, gap: 2 }}>
        <span>{t('rpGenerateYear')}</span>
        <InputNumber min={2000} max={2100} value={year} onChange={(v) => setYear(v)} style={{ width: 110 }} />
      </label>
      <Button onClick={run} loading={busy} disabled={!year}>
        {t('rpGenerate')}
      </Button>
      {!!error && (
        <div style={{ flexBasis: '100%' }}>
          <ProblemAlert error={error} />
        </div>
      )}
    </div>
  );
}
