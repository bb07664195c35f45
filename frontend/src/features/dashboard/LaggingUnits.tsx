import { Link } from 'react-router';
import type { UnitStat } from '../../client/types.gen';
import { lagOf } from './model';
import { useDashWords } from './words';

/** The lagging units in the API's order (lowest on-time rate first), each with what its rate is measured on. */
export default function LaggingUnits({ units, link }: { units: UnitStat[]; link: (u: UnitStat, bucket?: string) => string }) {
  const { w, num, t } = useDashWords();
  if (!units.length) return <p className="empty">{t('empty')}</p>;
  return (
    <>
      <p className="dash-help">{w('laggingHelp')}</p>
      <ol className="lagging" data-testid="lagging-units">
        {units.map((u) => {
          const l = lagOf(u);
          return (
            <li key={u.unit_id}>
              <Link to={link(u)}>{u.name}</Link>
              <div className="lag-figs">
                <strong>{w('laggingRate', { n: l.rate == null ? '–' : `${num(l.rate)}%` })}</strong>{' '}
                <span>({w('laggingWhy', { a: num(l.onTime, 0), b: num(l.dueOrDone, 0) })})</span>
                {' · '}
                <Link to={link(u, 'overdue')}>
                  {w('laggingOverdue')}: {num(l.overdue, 0)}
                </Link>
                {' · '}
                <span>
                  {w('laggingLate')}: {num(l.late, 0)}
                </span>
              </div>
            </li>
          );
        })}
      </ol>
    </>
  );
}
