import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { dashboardsSummaryOptions, orgUnitsGetOptions, plansGetOptions, scoringResultsPointsAtRiskOptions } from '../../client/@tanstack/react-query.gen';
import { Guard } from '../../components/common';
import { nodeName } from '../../nodeName';
import { pts } from '../scoring/model';
import { firstRows, lagOf } from './model';
import './dashboard.css';
import { useDashWords } from './words';

const BUCKETS = ['done_on_time', 'done_late', 'in_progress_on_time', 'awaiting_review', 'overdue'] as const;
// Rows per table: what fits one A4 landscape page with the figures above (the API ranks at most 10 lagging units).
const AREA_ROWS = 12;
const LAGGING_ROWS = 10;

/** One A4 landscape page of the dashboard for the weekly meeting (print.css hides the app around it). */
export default function DashboardPrint() {
  const { w, t, label, num, date, lang } = useDashWords();
  const [params] = useSearchParams();
  const planId = params.get('plan_id');
  const unitId = params.get('unit_id');
  const fq = new URLSearchParams([...(planId ? [['plan_id', planId]] : []), ...(unitId ? [['unit_id', unitId]] : [])]).toString();
  const unitQ = unitId ? { unit_id: Number(unitId) } : {};
  const summary = useQuery(dashboardsSummaryOptions({ query: { ...(planId ? { plan_id: Number(planId) } : {}), ...unitQ } }));
  // Figures of the index are optional: a district without linked criteria prints without them (an error: no figures).
  const risk = useQuery(scoringResultsPointsAtRiskOptions({ query: unitQ }));
  // The scope's names are optional too: a failure prints the page without them.
  const plan = useQuery({ ...plansGetOptions({ path: { plan_id: Number(planId) } }), enabled: !!planId });
  const unit = useQuery({ ...orgUnitsGetOptions({ path: { unit_id: Number(unitId) } }), enabled: !!unitId });

  return (
    <div className="dash-print" data-testid="dashboard-print">
      <div className="no-print print-actions">
        <button type="button" className="btn" onClick={() => window.print()}>
          {w('printNow')}
        </button>
        <Link to={`/dashboard${fq ? `?${fq}` : ''}`}>{w('back')}</Link>
      </div>
      <Guard loading={summary.isPending || risk.isPending} error={summary.error}>
        {() => {
          const s = summary.data;
          if (!s) return null;
          const r = risk.data ?? null;
          const scope = [plan.data ? `${t('plans')}: ${plan.data.display_number || plan.data.number} · ${plan.data.title}` : '', unit.data ? `${w('printUnit')}: ${unit.data.name}` : '']
            .filter(Boolean)
            .join(' — ');
          const areas = firstRows(s.by_area, AREA_ROWS);
          const lagging = firstRows(s.lagging_units, LAGGING_ROWS);
          const mixed = new Set(s.by_area.map((a) => a.framework_code)).size > 1;
          const of = (a: string, b: string) => w(r?.measure === 'criteria' ? 'printCriteria' : 'printPoints', { a: pts(a, lang), b: pts(b, lang) });
          return (
            <>
              <h1 className="print-title">{w('printTitle')}</h1>
              <p className="print-sub">
                {w('asOf')} <strong data-testid="print-as-of">{date(s.as_of)}</strong> · {w('printScope')}: {scope || w('printAll')}
              </p>
              <table className="print-figures" data-testid="print-figures">
                <caption>{w('printBuckets')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{w('totalTasks')}</th>
                    {BUCKETS.map((b) => (
                      <th scope="col" key={b}>
                        {label(b)}
                      </th>
                    ))}
                    <th scope="col">{w('dueSoonTitle', { n: s.due_soon_days })}</th>
                    <th scope="col">{w('avgProgress')}</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <td data-testid="print-total">{num(s.total, 0)}</td>
                    {BUCKETS.map((b) => (
                      <td key={b} data-testid={`print-${b}`}>
                        {num(s.buckets[b] ?? 0, 0)}
                      </td>
                    ))}
                    <td data-testid="print-due_soon">{num(s.due_soon_total ?? s.due_soon.length, 0)}</td>
                    <td>{num(s.avg_progress)}%</td>
                  </tr>
                </tbody>
              </table>
              <section className="print-index">
                <h2>
                  {w('printIndex')}
                  {r ? ` — ${r.framework_name}` : ''}
                </h2>
                {r ? (
                  <dl data-testid="print-index">
                    <div>
                      <dt>{w('printIndexNow')}</dt>
                      <dd>{pts(r.total.projected_now, lang)}%</dd>
                    </div>
                    <div>
                      <dt>{w('printIndexIfDone')}</dt>
                      <dd>{pts(r.total.projected_if_done, lang)}%</dd>
                    </div>
                    <div>
                      <dt>{w('printSecured')}</dt>
                      <dd>{of(r.total.secured, r.total.max)}</dd>
                    </div>
                    <div>
                      <dt>{w('printAtRisk')}</dt>
                      <dd>{of(r.total.at_risk, r.total.max)}</dd>
                    </div>
                  </dl>
                ) : (
                  <p>{w('printNoIndex')}</p>
                )}
              </section>
              <div className="print-cols">
                <table>
                  <caption>{w('areaTitle')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{w('area')}</th>
                      <th scope="col">{w('count')}</th>
                      <th scope="col">{w('progressOf')}</th>
                      <th scope="col">{label('overdue')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {areas.rows.map((a) => (
                      <tr key={a.node_id}>
                        <td>{nodeName(a, null, mixed)}</td>
                        <td>{num(a.total, 0)}</td>
                        <td>{num(a.avg_progress)}%</td>
                        <td>{num(a.buckets.overdue ?? 0, 0)}</td>
                      </tr>
                    ))}
                    {areas.more > 0 && (
                      <tr>
                        <td colSpan={4}>{w('printMore', { n: areas.more })}</td>
                      </tr>
                    )}
                  </tbody>
                </table>
                <table data-testid="print-lagging">
                  <caption>{w('laggingTitle')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{w('laggingRank')}</th>
                      <th scope="col">{w('printUnit')}</th>
                      <th scope="col">{w('laggingRate', { n: '' }).trim()}</th>
                      <th scope="col">{w('laggingOverdue')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lagging.rows.map((u, i) => {
                      const l = lagOf(u);
                      return (
                        <tr key={u.unit_id}>
                          <td>{i + 1}</td>
                          <td>{u.name}</td>
                          <td>
                            {l.rate == null ? '–' : `${num(l.rate)}%`} ({w('laggingWhy', { a: num(l.onTime, 0), b: num(l.dueOrDone, 0) })})
                          </td>
                          <td>{num(l.overdue, 0)}</td>
                        </tr>
                      );
                    })}
                    {lagging.more > 0 && (
                      <tr>
                        <td colSpan={4}>{w('printMore', { n: lagging.more })}</td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </div>
              <p className="print-note">{w('laggingHelp')}</p>
            </>
          );
        }}
      </Guard>
    </div>
  );
}
