// The index projection at the top of the leader's dashboard, in plain markup (a section with its heading, a native
// select, tables with captions, an inline drill-down panel) rather than antd's Card/Select/Table/Modal/Statistic:
// the dashboard is a leader's first screen and its cold load counts (bench/bench_frontend.py, issue #18).
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import {
  frameworksListOptions,
  plansListOptions,
  scoringResultsPointsAtRiskAssignmentsOptions,
  scoringResultsPointsAtRiskOptions,
} from '../../client/@tanstack/react-query.gen';
import type { PointsAtRisk, RiskFigures, RiskNode, ScoringResultsPointsAtRiskAssignmentsData } from '../../client/types.gen';
import { BucketTag, Guard } from '../../components/common';
import { useI18n, type Key } from '../../i18n';
import Panel from '../dashboard/Panel';
import '../dashboard/dashboard.css';
import { pts } from './model';

const CLASSES: { key: 'secured' | 'at_risk' | 'in_progress' | 'not_covered'; label: Key; color: string }[] = [
  { key: 'secured', label: 'riskSecured', color: '#1d6b2f' },
  { key: 'at_risk', label: 'riskAtRisk', color: '#b3261e' },
  { key: 'in_progress', label: 'riskInProgress', color: '#0b5cab' },
  { key: 'not_covered', label: 'riskNotCovered', color: '#555555' },
];

/** One horizontal stacked bar of the four classes (labels are in the table cells next to it). */
function ClassBar({ f }: { f: RiskFigures }) {
  const max = Number(f.max) || 1;
  return (
    <div className="risk-bar" aria-hidden>
      {CLASSES.map((c) => (
        <div key={c.key} style={{ width: `${(Number(f[c.key]) / max) * 100}%`, background: c.color }} />
      ))}
    </div>
  );
}

type DrillQuery = Omit<ScoringResultsPointsAtRiskAssignmentsData['query'], 'node_id' | 'limit'>;

/** The tasks behind one area: a panel under the table (its heading takes the focus; Esc or Đóng closes it). */
function Drill({ q, node, onClose }: { q: DrillQuery; node: RiskNode; onClose: () => void }) {
  const { t, date } = useI18n();
  const res = useQuery(scoringResultsPointsAtRiskAssignmentsOptions({ query: { ...q, node_id: node.node_id, limit: 200 } }));
  const cls = (v: string) => t(CLASSES.find((c) => c.key === v)?.label ?? 'riskInProgress');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [node.node_id]);
  const title = `${t('riskDrill')}: ${node.title}`;
  return (
    <section
      className="risk-drill"
      role="region"
      aria-labelledby="risk-drill-title"
      data-testid="risk-drill"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header>
        <h3 id="risk-drill-title" tabIndex={-1} ref={heading}>
          {title}
        </h3>
        <button type="button" className="btn btn-light" onClick={onClose}>
          {t('riskClose')}
        </button>
      </header>
      <Guard loading={res.isPending} error={res.error}>
        {() => (
          <div className="dash-table-wrap">
            <table className="dash-table">
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('riskTask')}</th>
                  <th scope="col">{t('resUnit')}</th>
                  <th scope="col">{t('riskDue')}</th>
                  <th scope="col">{t('resStatus')}</th>
                  <th scope="col">{t('riskEvidence')}</th>
                  <th scope="col">{t('riskArea')}</th>
                </tr>
              </thead>
              <tbody>
                {(res.data?.items ?? []).map((a) => (
                  <tr key={a.assignment_id}>
                    <td>
                      <Link to={`/assignments/${a.assignment_id}`}>{`${a.task_label}. ${a.task_title}`}</Link>
                    </td>
                    <td>{a.unit_name}</td>
                    <td>{date(a.due_date)}</td>
                    <td>
                      <BucketTag value={a.bucket} />
                    </td>
                    <td>{t(a.evidence ? 'riskYes' : 'riskNo')}</td>
                    <td>{cls(a.risk)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Guard>
    </section>
  );
}

/** Đầu trang tổng quan của lãnh đạo: chỉ số dự kiến, điểm chắc chắn / có nguy cơ / chưa có nhiệm vụ theo lĩnh vực. */
export default function RiskIndex({ unitId, planId }: { unitId?: string; planId?: string }) {
  const { t, lang, date } = useI18n();
  const [drill, setDrill] = useState<RiskNode | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  // undefined: the API's default (the most linked framework whose criteria have known max points)
  const [frameworkId, setFrameworkId] = useState<number | undefined>(undefined);
  const unit = unitId ? { unit_id: Number(unitId) } : {};
  const res = useQuery(scoringResultsPointsAtRiskOptions({ query: { ...unit, ...(frameworkId ? { framework_id: frameworkId } : {}) } }));
  // Frameworks linked to the plans' tasks (a failure here only hides the choice).
  const plans = useQuery(plansListOptions({ query: { limit: 200 } }));
  const frameworks = useQuery(frameworksListOptions({ query: { limit: 200 } }));
  // The last figures loaded keep the choice on screen while another framework loads or fails.
  const [shown, setShown] = useState<PointsAtRisk | null>(null);
  if (res.data && res.data !== shown) setShown(res.data);
  const frameworkOptions = (year: number, current: PointsAtRisk) => {
    const ids = new Set<number>([current.framework_id]);
    for (const p of plans.data?.items ?? []) {
      if (planId ? String(p.id) === planId : p.year === year) p.framework_ids.forEach((f) => ids.add(f));
    }
    const byId = new Map((frameworks.data?.items ?? []).map((f) => [f.id, f]));
    return [...ids]
      .filter((id) => id === current.framework_id || byId.has(id))
      .map((id) => ({ value: id, label: id === current.framework_id ? current.framework_name : (byId.get(id)?.name ?? String(id)) }));
  };
  const close = () => {
    setDrill(null);
    opener.current?.focus();
  };
  return (
    <div className="risk-index">
      <Panel title={t('riskTitle')} testId="risk-index" wide>
        {shown && (
          <div className="filters dash-filters">
            <label htmlFor="risk-framework">
              <span>{t('riskFramework')}</span>
              <select
                id="risk-framework"
                className="wide"
                data-testid="risk-framework"
                value={String(frameworkId ?? shown.framework_id)}
                onChange={(e) => {
                  setDrill(null);
                  setFrameworkId(Number(e.target.value));
                }}
              >
                {frameworkOptions(Number(shown.as_of.slice(0, 4)), shown).map((o) => (
                  <option key={o.value} value={String(o.value)}>
                    {o.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
        <Guard loading={res.isPending} error={res.error}>
          {() => {
            if (!res.data) return null;
            const r = res.data;
            const dq: DrillQuery = { framework_id: r.framework_id, as_of: r.as_of, ...unit };
            const v = (x: string) => pts(x, lang);
            return (
              <>
                <p className="dash-help">
                  {t('riskAsOf')} {date(r.as_of)} · {t('riskUnits')}: {r.units_count}
                </p>
                {r.measure === 'criteria' && (
                  <p className="risk-warn" role="note">
                    {t('riskCriteria')}
                  </p>
                )}
                <dl className="risk-figures">
                  <div>
                    <dt>{t('riskNow')}</dt>
                    <dd>{pts(r.total.projected_now, lang)} %</dd>
                  </div>
                  <div>
                    <dt>{t('riskIfDone')}</dt>
                    <dd>{pts(r.total.projected_if_done, lang)} %</dd>
                  </div>
                  {CLASSES.slice(0, 2).map((c) => (
                    <div key={c.key}>
                      <dt>{t(c.label)}</dt>
                      <dd>
                        {v(r.total[c.key])} <span className="risk-of">/ {v(r.total.max)}</span>
                      </dd>
                    </div>
                  ))}
                </dl>
                <div className="dash-table-wrap">
                  <table className="dash-table" data-testid="risk-table">
                    <caption className="visually-hidden">{`${t('riskTitle')}: ${r.framework_name}`}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('riskArea')}</th>
                        {CLASSES.map((c) => (
                          <th scope="col" className="num" key={c.key}>
                            {t(c.label)}
                          </th>
                        ))}
                        <th scope="col" className="num">
                          {t('resMax')}
                        </th>
                        <td />
                        <td />
                      </tr>
                    </thead>
                    <tbody>
                      {r.areas.map((n) => (
                        <tr key={n.node_id}>
                          <th scope="row" className="risk-area">
                            {n.title}
                          </th>
                          {CLASSES.map((c) => (
                            <td className="num" key={c.key}>
                              {v(n.figures[c.key])}
                            </td>
                          ))}
                          <td className="num">{v(n.figures.max)}</td>
                          <td>
                            <ClassBar f={n.figures} />
                          </td>
                          <td>
                            <button
                              type="button"
                              className="btn btn-light"
                              aria-expanded={drill?.node_id === n.node_id}
                              aria-label={`${t('riskDrill')}: ${n.title}`}
                              onClick={(e) => {
                                opener.current = e.currentTarget;
                                setDrill(n);
                              }}
                            >
                              {t('riskDrill')}
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {drill && <Drill q={dq} node={drill} onClose={close} />}
              </>
            );
          }}
        </Guard>
      </Panel>
    </div>
  );
}
