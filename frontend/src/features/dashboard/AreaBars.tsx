import { Link } from 'react-router';
import { barWidth } from './model';
import { useDashWords } from './words';

export type AreaRow = { id: number; name: string; progress: number; total: number; overdue: number; to: string };

/** Horizontal bars with the whole name wrapped above each bar (never clipped, at 1366 px or on a 375 px phone):
 * the name links to the list, the figures are written out beside the bar. */
export default function AreaBars({ rows }: { rows: AreaRow[] }) {
  const { w, num, t } = useDashWords();
  if (!rows.length) return <p className="empty">{t('empty')}</p>;
  return (
    <ul className="hbars" data-testid="area-bars">
      {rows.map((r) => (
        <li key={r.id}>
          <Link to={r.to} className="hbars-name">
            {r.name}
          </Link>
          <div className="hbars-line">
            <span
              className="hbars-track"
              role="meter"
              aria-label={`${w('progressOf')}: ${r.name}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={r.progress}
              aria-valuetext={`${num(r.progress)}%`}
            >
              <span style={{ width: barWidth(r.progress) }} />
            </span>
            <span className="hbars-fig">
              <strong>{num(r.progress)}%</strong> · {w('areaTasks', { n: num(r.total, 0) })}
              {r.overdue > 0 && <> · {w('areaOverdue', { n: num(r.overdue, 0) })}</>}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
