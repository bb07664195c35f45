import { Tag } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { apiGet } from '../api/http';
import { itemsOf, taskLabel, taskTitle, type AssignmentRead } from '../api/types';
import { BucketTag, Guard, useLoad } from '../components/common';
import { useI18n } from '../i18n';

const BUCKETS = ['overdue', 'in_progress_on_time', 'done_on_time', 'done_late'];
const STATUSES = ['not_started', 'in_progress', 'submitted', 'returned', 'approved'];

/** "Việc của tôi" (mine=true) or the filtered list behind a dashboard number (all). */
export default function MyWork({ all = false }: { all?: boolean }) {
  const { t, label, date } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = new URLSearchParams(params);
  if (!all) q.set('mine', 'true');
  if (!q.has('limit')) q.set('limit', '200');
  const qs = q.toString();
  const { data, error, loading } = useLoad(() => apiGet<unknown>(`/assignments?${qs}`), [qs]);
  const set = (k: string, v: string | undefined) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const search = params.get('q') ?? '';
  const items = itemsOf<AssignmentRead>(data).filter(
    (a) => !search || taskTitle(a).toLowerCase().includes(search.toLowerCase()),
  );

  return (
    <>
      <h2 className="page-h2">{all ? t('total') : t('myWork')}</h2>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const v = new FormData(e.currentTarget).get('q');
          set('q', typeof v === 'string' && v ? v : undefined);
        }}
      >
        <label>
          <span>{t('deadlineBucket')}</span>
          <select value={params.get('bucket') ?? ''} onChange={(e) => set('bucket', e.target.value || undefined)}>
            <option value="">{t('filterAll')}</option>
            {BUCKETS.map((b) => (
              <option key={b} value={b}>
                {label(b)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('status')}</span>
          <select value={params.get('status') ?? ''} onChange={(e) => set('status', e.target.value || undefined)}>
            <option value="">{t('filterAll')}</option>
            {STATUSES.map((x) => (
              <option key={x} value={x}>
                {label(x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('search')}</span>
          <input type="search" name="q" defaultValue={search} />
        </label>
        <button type="submit" className="btn">
          {t('search')}
        </button>
      </form>
      <Guard loading={loading} error={error}>
        {() => (
          <>
            <p className="count">
              {t('total')}: {items.length}
            </p>
            {items.length === 0 ? (
              <p className="empty">{t('empty')}</p>
            ) : (
              <ul className="work-list">
                {items.map((a) => (
                  <li key={a.id} data-testid="assignment-row">
                    <div className="main">
                      <Link to={`/assignments/${a.id}`}>
                        {taskLabel(a) ? `${taskLabel(a)}. ` : ''}
                        {taskTitle(a)}
                      </Link>
                      <div className="meta">
                        {a.unit_name} {a.instance_key ? `· ${a.instance_key}` : ''}{' '}
                        {a.due_date ? `· ${t('due')}: ${date(a.due_date)}` : a.deadline_text ? `· ${a.deadline_text}` : ''}
                      </div>
                    </div>
                    <div className="badges">
                      <BucketTag value={a.bucket} days={a.days_overdue} />
                      <Tag>{label(a.status)}</Tag>
                      <span className="bar" role="progressbar" aria-valuenow={a.progress} aria-valuemin={0} aria-valuemax={100} aria-label={t('progress')}>
                        <span style={{ width: `${a.progress}%` }} />
                      </span>
                      <span className="pct">{a.progress}%</span>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Guard>
    </>
  );
}
