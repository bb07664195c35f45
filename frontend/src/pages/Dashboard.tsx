import { Card, Col, List, Row, Segmented, Select, Table, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { apiGet } from '../api/http';
import { itemsOf, taskTitle, type PlanRead, type Summary } from '../api/types';
import type { OrgUnitRead, Trend, TrendPoint, UnitStat } from '../client/types.gen';
import { BucketTag, Guard, Loading, useLoad } from '../components/common';
import { listLink, SERIES, trendLink, trendTick, weeksBefore, type Filters, type Series } from '../components/trend';
import { formatDate, useI18n } from '../i18n';
import RiskIndex from '../features/scoring/RiskIndex';
import { nodeName } from '../nodeName';

const ProgressChart = lazy(() => import('../components/ProgressChart'));
const TrendChart = lazy(() => import('../components/TrendChart'));

const BUCKETS = ['done_on_time', 'done_late', 'in_progress_on_time', 'awaiting_review', 'overdue'] as const;

export function bucketCounts(s: Pick<Summary, 'buckets'>): Record<string, number> {
  return { ...(s.buckets ?? {}) };
}

const mixedFrameworks = (rows: { framework_code: string }[]) => new Set(rows.map((r) => r.framework_code)).size > 1;

export default function Dashboard() {
  const { t, label, num, date } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters: Filters = {
    plan_id: params.get('plan_id') ?? undefined,
    unit_id: params.get('unit_id') ?? undefined,
  };
  const fq = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]).toString();
  const { data, error, loading } = useLoad(() => apiGet<Summary>(`/dashboards/summary${fq ? `?${fq}` : ''}`), [fq]);
  const plans = useLoad(() => apiGet<unknown>('/plans?limit=200'), []);
  const units = useLoad(() => apiGet<{ items: OrgUnitRead[] }>('/org-units?limit=500'), []);

  const set = (k: string, v: string | undefined | null) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('dashboard')}
      </Typography.Title>
      <RiskIndex unitId={filters.unit_id} planId={filters.plan_id} />
      <div className="filters" role="search" aria-label={t('dashDashboardFilters')}>
        <label>
          <span>{t('plans')}</span>
          <Select
            aria-label={t('plans')}
            allowClear
            placeholder={t('filterAll')}
            style={{ width: 260 }}
            value={filters.plan_id}
            onChange={(v) => set('plan_id', v)}
            options={itemsOf<PlanRead>(plans.data).map((p) => ({ value: String(p.id), label: `${p.display_number ?? p.number} · ${p.year}` }))}
          />
        </label>
        <label>
          <span>{t('unit')}</span>
          <Select
            aria-label={t('unit')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('filterAll')}
            style={{ width: 260 }}
            value={filters.unit_id}
            onChange={(v) => set('unit_id', v)}
            options={(units.data?.items ?? []).map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))}
          />
        </label>
      </div>
      <Guard loading={loading} error={error}>
        {() => {
          if (!data) return null;
          const counts = bucketCounts(data);
          const mixed = mixedFrameworks([...data.by_area, ...data.criteria_most_overdue]);
          const areaName = (r: (typeof data.by_area)[number]) => nodeName(r, null, mixed);
          const areas = data.by_area.map((r) => ({ name: areaName(r).slice(0, 40), progress: r.avg_progress }));
          const unitLink = (u: UnitStat, bucket?: string) => listLink({ plan_id: filters.plan_id }, { unit_id: String(u.unit_id), bucket });
          return (
            <>
              <p style={{ color: '#555' }}>
                {date(data.as_of)} · {t('total')}:{' '}
                <Link to={listLink(filters, {})} data-testid="total">
                  {num(data.total, 0)}
                </Link>{' '}
                · {t('progress')}: {num(data.avg_progress)}%
              </p>
              <nav aria-label={t('status')} className="bucket-cards">
                {BUCKETS.map((b) => (
                  <Link key={b} className="bucket-card" to={listLink(filters, { bucket: b })} data-testid={`bucket-${b}`}>
                    <BucketTag value={b} />
                    <div className="n">{num(counts[b] ?? 0, 0)}</div>
                  </Link>
                ))}
                <Link className="bucket-card" to={listLink(filters, { due_soon: 'true' })} data-testid="bucket-due_soon">
                  <BucketTag value="due_soon" />
                  <div className="n">{num(data.due_soon.length, 0)}</div>
                </Link>
              </nav>
              <Row gutter={[16, 16]}>
                <Col xs={24}>
                  <TrendCard filters={filters} asOf={data.as_of} areas={data.by_area.map((a) => ({ id: a.node_id, name: areaName(a) }))} />
                </Col>
                <Col xs={24} lg={12}>
                  <Card title={t('byArea')} size="small">
                    {areas.length ? (
                      <Suspense fallback={<Loading />}>
                        <ProgressChart data={areas} />
                      </Suspense>
                    ) : (
                      t('empty')
                    )}
                    <List
                      size="small"
                      dataSource={data.by_area}
                      renderItem={(r) => (
                        <List.Item>
                          <Link to={listLink(filters, { node_id: String(r.node_id) })}>{areaName(r)}</Link>
                          <span>
                            {num(r.avg_progress)}% · {num(r.total, 0)}
                          </span>
                        </List.Item>
                      )}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={12}>
                  <Card title={t('byUnit')} size="small">
                    <Table<UnitStat>
                      size="small"
                      rowKey="unit_id"
                      scroll={{ x: true }}
                      pagination={{ pageSize: 10 }}
                      dataSource={data.by_unit}
                      locale={{ emptyText: t('empty') }}
                      columns={[
                        { title: t('unit'), key: 'u', render: (_, r) => <Link to={unitLink(r)}>{r.name}</Link> },
                        { title: t('total'), dataIndex: 'total', render: (v: number) => num(v, 0) },
                        { title: `${t('progress')} (%)`, dataIndex: 'avg_progress', render: (v: number) => num(v) },
                        {
                          title: label('overdue'),
                          key: 'o',
                          render: (_, r) => <Link to={unitLink(r, 'overdue')}>{num(r.buckets.overdue, 0)}</Link>,
                        },
                      ]}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={8}>
                  <Card title={t('laggingUnits')} size="small">
                    <List
                      size="small"
                      dataSource={data.lagging_units}
                      locale={{ emptyText: t('empty') }}
                      renderItem={(r) => (
                        <List.Item>
                          <Link to={unitLink(r, 'overdue')}>{r.name}</Link>
                          <span>
                            {label('overdue')}: <strong>{num(r.buckets.overdue, 0)}</strong>
                          </span>
                        </List.Item>
                      )}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={8}>
                  <Card title={`${t('dueSoonWithin').replace('{n}', String(data.due_soon_days))} (${num(data.due_soon.length, 0)})`} size="small">
                    <List
                      size="small"
                      dataSource={data.due_soon.slice(0, 8)}
                      locale={{ emptyText: t('empty') }}
                      footer={
                        data.due_soon.length > 8 ? <Link to={listLink(filters, { due_soon: 'true' })}>{`${t('total')}: ${data.due_soon.length} →`}</Link> : undefined
                      }
                      renderItem={(a) => (
                        <List.Item>
                          <Link to={`/assignments/${a.id}`}>{taskTitle(a)}</Link>
                          <span>
                            {a.unit_name} · {date(a.due_date)}
                          </span>
                        </List.Item>
                      )}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={8}>
                  <Card title={label('overdue')} size="small">
                    <List
                      size="small"
                      dataSource={data.criteria_most_overdue}
                      locale={{ emptyText: t('empty') }}
                      renderItem={(c) => (
                        <List.Item>
                          <Link to={listLink(filters, { node_id: String(c.node_id), bucket: 'overdue' })}>
                            {nodeName(c, t('criterionNo'), mixed)}
                          </Link>
                          <span>{num(c.overdue, 0)}</span>
                        </List.Item>
                      )}
                    />
                  </Card>
                </Col>
              </Row>
            </>
          );
        }}
      </Guard>
    </>
  );
}

/** Đến hạn / hoàn thành đúng hạn / hoàn thành quá hạn / quá hạn at the end of each month or week. */
function TrendCard({ filters, asOf, areas }: { filters: Filters; asOf: string; areas: { id: number; name: string }[] }) {
  const { t, label, num, date } = useI18n();
  const nav = useNavigate();
  const [params, setParams] = useSearchParams();
  const granularity = params.get('granularity') === 'week' ? 'week' : 'month';
  const nodeId = params.get('node_id') ?? undefined;
  const f: Filters = { ...filters, node_id: nodeId };
  const q = new URLSearchParams(Object.entries({ ...f, granularity }).filter(([, v]) => v) as [string, string][]);
  if (granularity === 'week') q.set('date_from', weeksBefore(asOf, 12));
  const qs = q.toString();
  const trend = useLoad(() => apiGet<Trend>(`/dashboards/trend?${qs}`), [qs]);
  const set = (k: string, v: string | undefined | null) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const names: Record<Series, string> = { due: t('dashDueBy'), done_on_time: label('done_on_time'), done_late: label('done_late'), overdue: t('dashOverdueNotDone'), awaiting_review: label('awaiting_review') };

  return (
    <Card
      size="small"
      title={t('dashTrend')}
      extra={
        <Segmented
          aria-label={t('dashGranularity')}
          size="small"
          value={granularity}
          onChange={(v) => set('granularity', v === 'week' ? 'week' : null)}
          options={[
            { value: 'month', label: t('dashByMonth') },
            { value: 'week', label: t('dashByWeek') },
          ]}
        />
      }
    >
      {areas.length > 0 && (
        <div className="filters">
          <label>
            <span>{t('dashAreaFilter')}</span>
            <Select aria-label={t('dashAreaFilter')} allowClear placeholder={t('filterAll')} style={{ width: 320, maxWidth: '100%' }} value={nodeId} onChange={(v) => set('node_id', v)} options={areas.map((a) => ({ value: String(a.id), label: a.name }))} />
          </label>
        </div>
      )}
      <Guard loading={trend.loading && !trend.data} error={trend.error}>
        {() => {
          const d = trend.data;
          if (!d || !d.points.length) return t('empty');
          const pts = d.points;
          const last = pts[pts.length - 1];
          const go = (s: Series, i: number) => {
            const to = trendLink(s, pts[i], i === pts.length - 1, f) ?? trendLink('due', pts[i], false, f);
            if (to) nav(to);
          };
          const aria = `${t('dashTrend')} (${granularity === 'month' ? t('dashByMonth') : t('dashByWeek')}), ${formatDate(pts[0].period_start)}–${formatDate(last.period_end)}. ${date(last.period_end)}: ${SERIES.map((s) => `${names[s]} ${num(last[s], 0)}`).join(', ')}.`;
          return (
            <>
              <Suspense fallback={<Loading />}>
                <TrendChart points={pts} names={names} tick={(p) => trendTick(p, d.granularity)} num={(v) => num(v, 0)} ariaLabel={aria} onPoint={go} />
              </Suspense>
              <p style={{ color: '#555', fontSize: 13, margin: '4px 0 8px' }}>{t('dashTrendHelp')}</p>
              <details>
                <summary>{t('dashTrendTable')}</summary>
                <Table<TrendPoint>
                  size="small"
                  rowKey="period_end"
                  scroll={{ x: true }}
                  pagination={false}
                  dataSource={[...pts].reverse()}
                  data-testid="trend-table"
                  columns={[
                    { title: t('dashPeriodEnd'), dataIndex: 'period_end', render: (v: string) => date(v) },
                    ...SERIES.map((s) => ({
                      title: names[s],
                      key: s,
                      render: (_: unknown, p: TrendPoint) => {
                        const to = trendLink(s, p, p === last, f);
                        return to ? <Link to={to}>{num(p[s], 0)}</Link> : num(p[s], 0);
                      },
                    })),
                  ]}
                />
              </details>
            </>
          );
        }}
      </Guard>
    </Card>
  );
}
