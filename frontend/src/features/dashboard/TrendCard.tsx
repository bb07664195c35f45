import { Suspense, lazy } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { dashboardsTrendOptions } from '../../client/@tanstack/react-query.gen';
import { Guard, Loading } from '../../components/common';
import { SERIES, trendLink, trendTick, weeksBefore, type Filters, type Series } from '../../components/trend';
import { formatDate, useI18n } from '../../i18n';
import Panel from './Panel';

const TrendChart = lazy(() => import('../../components/TrendChart'));

/** Đến hạn / hoàn thành đúng hạn / hoàn thành quá hạn / quá hạn at the end of each month or week. */
export default function TrendCard({ filters, asOf, areas }: { filters: Filters; asOf: string; areas: { id: number; name: string }[] }) {
  const { t, label, num, date } = useI18n();
  const nav = useNavigate();
  const [params, setParams] = useSearchParams();
  const granularity = params.get('granularity') === 'week' ? 'week' : 'month';
  const nodeId = params.get('node_id') ?? undefined;
  const f: Filters = { ...filters, node_id: nodeId };
  const id = (v: string | undefined) => (v ? Number(v) : undefined);
  const query = {
    granularity,
    ...(f.plan_id ? { plan_id: id(f.plan_id) } : {}),
    ...(f.unit_id ? { unit_id: id(f.unit_id) } : {}),
    ...(f.node_id ? { node_id: id(f.node_id) } : {}),
    ...(granularity === 'week' ? { date_from: weeksBefore(asOf, 12) } : {}),
  } as const;
  // the last figures stay on screen while another granularity or area loads (as before)
  const trend = useQuery({ ...dashboardsTrendOptions({ query }), placeholderData: keepPreviousData });
  const set = (k: string, v: string | undefined | null) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const names: Record<Series, string> = { due: t('dashDueBy'), done_on_time: label('done_on_time'), done_late: label('done_late'), overdue: t('dashOverdueNotDone'), awaiting_review: label('awaiting_review') };

  return (
    <Panel
      wide
      title={t('dashTrend')}
      extra={
        <div className="dash-switch" role="group" aria-label={t('dashGranularity')}>
          <button type="button" aria-pressed={granularity === 'month'} onClick={() => set('granularity', null)}>
            {t('dashByMonth')}
          </button>
          <button type="button" aria-pressed={granularity === 'week'} onClick={() => set('granularity', 'week')}>
            {t('dashByWeek')}
          </button>
        </div>
      }
    >
      {areas.length > 0 && (
        <div className="filters dash-filters">
          <label>
            <span>{t('dashAreaFilter')}</span>
            <select className="wide" value={nodeId ?? ''} onChange={(e) => set('node_id', e.target.value)}>
              <option value="">{t('filterAll')}</option>
              {areas.map((a) => (
                <option key={a.id} value={String(a.id)}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      <Guard loading={trend.isPending} error={trend.error}>
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
                <div className="dash-table-wrap">
                  <table className="dash-table" data-testid="trend-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('dashPeriodEnd')}</th>
                        {SERIES.map((s) => (
                          <th scope="col" className="num" key={s}>
                            {names[s]}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {[...pts].reverse().map((p) => (
                        <tr key={p.period_end}>
                          <td>{date(p.period_end)}</td>
                          {SERIES.map((s) => {
                            const to = trendLink(s, p, p === last, f);
                            return (
                              <td className="num" key={s}>
                                {to ? <Link to={to}>{num(p[s], 0)}</Link> : num(p[s], 0)}
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </>
          );
        }}
      </Guard>
    </Panel>
  );
}
