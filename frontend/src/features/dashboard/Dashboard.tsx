import { Card, Col, List, Row, Select, Table, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { apiGet } from '../../api/http';
import { itemsOf, taskTitle, type PlanRead, type Summary } from '../../api/types';
import type { OrgUnitRead, UnitStat } from '../../client/types.gen';
import { BucketTag, Guard, useLoad } from '../../components/common';
import { listLink, type Filters } from '../../components/trend';
import AreaBars from './AreaBars';
import LaggingUnits from './LaggingUnits';
import TrendCard from './TrendCard';
import './dashboard.css';
import { useDashWords } from './words';
import RiskIndex from '../scoring/RiskIndex';
import { nodeName } from '../../nodeName';

const BUCKETS = ['done_on_time', 'done_late', 'in_progress_on_time', 'awaiting_review', 'overdue'] as const;
const DUE_SOON_SHOWN = 8;

export function bucketCounts(s: Pick<Summary, 'buckets'>): Record<string, number> {
  return { ...(s.buckets ?? {}) };
}

const mixedFrameworks = (rows: { framework_code: string }[]) => new Set(rows.map((r) => r.framework_code)).size > 1;

/** The leader's dashboard: the index projection and points at risk first, then every figure with its label and
 * its list (a card's number is its list's total), the lagging units with what their lag is measured on. */
export default function Dashboard() {
  const { t, label, num, date, w } = useDashWords();
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
      <div className="page-head">
        <Typography.Title level={1} className="page-title">
          {t('dashboard')}
        </Typography.Title>
        <Link className="btn btn-light no-print" to={`/dashboard/print${fq ? `?${fq}` : ''}`} data-testid="dashboard-print-link">
          {w('print')}
        </Link>
      </div>
      <RiskIndex unitId={filters.unit_id} planId={filters.plan_id} />
      <div className="filters" role="search" aria-label={t('dashDashboardFilters')}>
        <label>
          <span>{t('plans')}</span>
          <Select
            aria-label={t('plans')}
            allowClear
            placeholder={t('filterAll')}
            style={{ width: 260, maxWidth: '100%' }}
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
            style={{ width: 260, maxWidth: '100%' }}
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
          const unitLink = (u: UnitStat, bucket?: string) => listLink({ plan_id: filters.plan_id }, { unit_id: String(u.unit_id), bucket });
          const dueSoonTotal = data.due_soon_total ?? data.due_soon.length;
          const dueSoonTitle = w('dueSoonTitle', { n: data.due_soon_days });
          const shown = Math.min(DUE_SOON_SHOWN, data.due_soon.length);
          return (
            <>
              <p className="dash-help">
                {w('asOf')} {date(data.as_of)} · {w('totalTasks')}:{' '}
                <Link to={listLink(filters, {})} data-testid="total">
                  {num(data.total, 0)}
                </Link>{' '}
                · {w('avgProgress')}: {num(data.avg_progress)}%
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
                  <div className="n">{num(dueSoonTotal, 0)}</div>
                  <div className="dash-help">{w('withinDays', { n: data.due_soon_days })}</div>
                </Link>
              </nav>
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={12}>
                  <Card title={w('areaTitle')} size="small">
                    <p className="dash-help">{w('areaHelp')}</p>
                    <AreaBars
                      rows={data.by_area.map((r) => ({
                        id: r.node_id,
                        name: areaName(r),
                        progress: r.avg_progress,
                        total: r.total,
                        overdue: r.buckets.overdue ?? 0,
                        to: listLink(filters, { node_id: String(r.node_id) }),
                      }))}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={12}>
                  <Card title={w('laggingTitle')} size="small">
                    <LaggingUnits units={data.lagging_units} link={unitLink} />
                  </Card>
                </Col>
                <Col xs={24} lg={12}>
                  <Card title={`${dueSoonTitle}: ${num(dueSoonTotal, 0)}`} size="small" data-testid="due-soon-card">
                    <List
                      size="small"
                      dataSource={data.due_soon.slice(0, DUE_SOON_SHOWN)}
                      locale={{ emptyText: t('empty') }}
                      footer={
                        dueSoonTotal > 0 ? (
                          <span>
                            {w('dueSoonShown', { a: num(shown, 0), b: num(dueSoonTotal, 0) })} ·{' '}
                            <Link to={listLink(filters, { due_soon: 'true' })}>{w('dueSoonAll', { n: num(dueSoonTotal, 0) })}</Link>
                          </span>
                        ) : undefined
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
                <Col xs={24} lg={12}>
                  <Card title={w('criteriaTitle')} size="small">
                    <List
                      size="small"
                      dataSource={data.criteria_most_overdue}
                      locale={{ emptyText: t('empty') }}
                      renderItem={(c) => (
                        <List.Item>
                          <Link to={listLink(filters, { node_id: String(c.node_id), bucket: 'overdue' })}>{nodeName(c, t('criterionNo'), mixed)}</Link>
                          <span>
                            {w('criteriaCount')}: <strong>{num(c.overdue, 0)}</strong>
                          </span>
                        </List.Item>
                      )}
                    />
                  </Card>
                </Col>
                <Col xs={24}>
                  <TrendCard filters={filters} asOf={data.as_of} areas={data.by_area.map((a) => ({ id: a.node_id, name: areaName(a) }))} />
                </Col>
                <Col xs={24}>
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
                        { title: w('count'), dataIndex: 'total', render: (v: number) => num(v, 0) },
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
              </Row>
            </>
          );
        }}
      </Guard>
    </>
  );
}
