import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { taskTitle } from '../../api/types';
import { dashboardsSummaryOptions, orgUnitsListOptions, plansListOptions } from '../../client/@tanstack/react-query.gen';
import type { UnitStat } from '../../client/types.gen';
import { BucketTag, Guard } from '../../components/common';
import { listLink, type Filters } from '../../components/trend';
import AreaBars from './AreaBars';
import LaggingUnits from './LaggingUnits';
import { bucketCounts } from './model';
import Panel from './Panel';
import TrendCard from './TrendCard';
import './dashboard.css';
import { useDashWords } from './words';
import RiskIndex from '../scoring/RiskIndex';
import { nodeName } from '../../nodeName';

const BUCKETS = ['done_on_time', 'done_late', 'in_progress_on_time', 'awaiting_review', 'overdue'] as const;
const DUE_SOON_SHOWN = 8;
const UNITS_PER_PAGE = 10;

const mixedFrameworks = (rows: { framework_code: string }[]) => new Set(rows.map((r) => r.framework_code)).size > 1;

/** The leader's dashboard: the index projection and points at risk first, then every figure with its label and
 * its list (a card's number is its list's total), the lagging units with what their lag is measured on. Plain
 * markup (native selects, lists, a table with a pager) rather than antd's Card/Select/List/Table: the page is a
 * leader's first screen and its cold load counts (bench/bench_frontend.py). */
export default function Dashboard() {
  const { t, num, date, w } = useDashWords();
  const [params, setParams] = useSearchParams();
  const filters: Filters = {
    plan_id: params.get('plan_id') ?? undefined,
    unit_id: params.get('unit_id') ?? undefined,
  };
  const fq = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]).toString();
  const summary = useQuery(
    dashboardsSummaryOptions({
      query: { ...(filters.plan_id ? { plan_id: Number(filters.plan_id) } : {}), ...(filters.unit_id ? { unit_id: Number(filters.unit_id) } : {}) },
    }),
  );
  const { data, error } = summary;
  const plans = useQuery(plansListOptions({ query: { limit: 200 } }));
  const units = useQuery(orgUnitsListOptions({ query: { limit: 500 } }));

  const set = (k: string, v: string | undefined | null) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };

  return (
    <>
      <div className="page-head">
        <h1 className="page-title">{t('dashboard')}</h1>
        <Link className="btn btn-light no-print" to={`/dashboard/print${fq ? `?${fq}` : ''}`} data-testid="dashboard-print-link">
          {w('print')}
        </Link>
      </div>
      <RiskIndex unitId={filters.unit_id} planId={filters.plan_id} />
      <div className="filters dash-filters" role="search" aria-label={t('dashDashboardFilters')}>
        <label>
          <span>{t('plans')}</span>
          <select value={filters.plan_id ?? ''} onChange={(e) => set('plan_id', e.target.value)} data-testid="filter-plan">
            <option value="">{t('filterAll')}</option>
            {(plans.data?.items ?? []).map((p) => (
              <option key={p.id} value={String(p.id)}>{`${p.display_number ?? p.number} · ${p.year}`}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('unit')}</span>
          <select value={filters.unit_id ?? ''} onChange={(e) => set('unit_id', e.target.value)} data-testid="filter-unit">
            <option value="">{t('filterAll')}</option>
            {(units.data?.items ?? []).map((u) => (
              <option key={u.id} value={String(u.id)}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Guard loading={summary.isPending} error={error}>
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
              <div className="dash-grid">
                <Panel title={w('areaTitle')}>
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
                </Panel>
                <Panel title={w('laggingTitle')}>
                  <LaggingUnits units={data.lagging_units} link={unitLink} />
                </Panel>
                <Panel title={`${dueSoonTitle}: ${num(dueSoonTotal, 0)}`} testId="due-soon-card">
                  {data.due_soon.length ? (
                    <ul className="dash-list">
                      {data.due_soon.slice(0, DUE_SOON_SHOWN).map((a) => (
                        <li key={a.id}>
                          <Link to={`/assignments/${a.id}`}>{taskTitle(a)}</Link>
                          <span>
                            {a.unit_name} · {date(a.due_date)}
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="dash-empty">{t('empty')}</p>
                  )}
                  {dueSoonTotal > 0 && (
                    <div className="dash-list-foot">
                      {w('dueSoonShown', { a: num(shown, 0), b: num(dueSoonTotal, 0) })} ·{' '}
                      <Link to={listLink(filters, { due_soon: 'true' })}>{w('dueSoonAll', { n: num(dueSoonTotal, 0) })}</Link>
                    </div>
                  )}
                </Panel>
                <Panel title={w('criteriaTitle')}>
                  {data.criteria_most_overdue.length ? (
                    <ul className="dash-list">
                      {data.criteria_most_overdue.map((c) => (
                        <li key={c.node_id}>
                          <Link to={listLink(filters, { node_id: String(c.node_id), bucket: 'overdue' })}>{nodeName(c, t('criterionNo'), mixed)}</Link>
                          <span>
                            {w('criteriaCount')}: <strong>{num(c.overdue, 0)}</strong>
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="dash-empty">{t('empty')}</p>
                  )}
                </Panel>
                <TrendCard filters={filters} asOf={data.as_of} areas={data.by_area.map((a) => ({ id: a.node_id, name: areaName(a) }))} />
                <Panel title={t('byUnit')} testId="by-unit" wide>
                  <ByUnit key={fq} rows={data.by_unit} link={unitLink} />
                </Panel>
              </div>
            </>
          );
        }}
      </Guard>
    </>
  );
}

/** Progress by unit: a plain table, ten units a page. */
function ByUnit({ rows, link }: { rows: UnitStat[]; link: (u: UnitStat, bucket?: string) => string }) {
  const { t, label, num, w } = useDashWords();
  const [page, setPage] = useState(1);
  if (!rows.length) return <p className="dash-empty">{t('empty')}</p>;
  const pages = Math.max(1, Math.ceil(rows.length / UNITS_PER_PAGE));
  const at = Math.min(page, pages);
  return (
    <>
      <div className="dash-table-wrap">
        <table className="dash-table">
          <thead>
            <tr>
              <th scope="col">{t('unit')}</th>
              <th scope="col" className="num">{w('count')}</th>
              <th scope="col" className="num">{`${t('progress')} (%)`}</th>
              <th scope="col" className="num">{label('overdue')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice((at - 1) * UNITS_PER_PAGE, at * UNITS_PER_PAGE).map((r) => (
              <tr key={r.unit_id}>
                <td>
                  <Link to={link(r)}>{r.name}</Link>
                </td>
                <td className="num">{num(r.total, 0)}</td>
                <td className="num">{num(r.avg_progress)}</td>
                <td className="num">
                  <Link to={link(r, 'overdue')}>{num(r.buckets.overdue, 0)}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav className="pager" aria-label={t('pagination')}>
          <button type="button" className="btn btn-light" disabled={at <= 1} onClick={() => setPage(at - 1)}>
            ‹ {t('prevPage')}
          </button>
          <span className="pager-pos">
            {t('page')} {at}/{pages}
          </span>
          <button type="button" className="btn btn-light" disabled={at >= pages} onClick={() => setPage(at + 1)}>
            {t('nextPage')} ›
          </button>
        </nav>
      )}
    </>
  );
}
