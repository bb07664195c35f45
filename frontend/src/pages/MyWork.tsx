import { Tag } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { apiGet, type Page } from '../api/http';
import { taskLabel, taskTitle, type AssignmentRead } from '../api/types';
import { BucketTag, Guard, useLoad } from '../components/common';
import { useI18n } from '../i18n';
import { PAGE_SIZES, pageOf, workQueuePath } from './myWorkQuery';

const BUCKETS = ['overdue', 'in_progress_on_time', 'done_on_time', 'done_late'];
const STATUSES = ['not_started', 'in_progress', 'submitted', 'returned', 'approved'];

/** "Việc của tôi" (mine=true) or the filtered list behind a dashboard number (all): filters, search and pages are
 *  done by the API (`bucket`, `status`, `q`, `limit`/`offset`) and kept in the URL. */
export default function MyWork({ all = false }: { all?: boolean }) {
  const { t, label, date } = useI18n();
  const [params, setParams] = useSearchParams();
  const path = workQueuePath(params, all);
  const { data, error, loading } = useLoad(() => apiGet<Page<AssignmentRead>>(path), [path]);
  const { page, size } = pageOf(params);
  /** Change one URL parameter; any filter change goes back to the first page. */
  const set = (k: string, v: string | undefined) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    if (k !== 'page') p.delete('page');
    setParams(p, { replace: k !== 'page' });
    if (k === 'page') window.scrollTo({ top: 0 });
  };
  const search = params.get('q') ?? '';
  const items = data?.items ?? [];
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / size));
  const first = (page - 1) * size;

  return (
    <>
      <h1 className="page-h2">{all ? t('total') : t('myWork')}</h1>
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
          <input type="search" name="q" defaultValue={search} key={search} maxLength={100} />
        </label>
        <button type="submit" className="btn">
          {t('search')}
        </button>
      </form>
      <Guard loading={loading} error={error}>
        {() => (
          <>
            <p className="count">
              {t('total')}: {total}
              {pages > 1 && items.length > 0 ? ` · ${first + 1}–${first + items.length}` : ''}
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
            {total > 0 && (
              <nav className="pager" aria-label={t('pagination')}>
                <button type="button" className="btn btn-light" disabled={page <= 1} onClick={() => set('page', String(page - 1))}>
                  ‹ {t('prevPage')}
                </button>
                <span className="pager-pos">
                  {t('page')} {page}/{pages}
                </span>
                <button type="button" className="btn btn-light" disabled={page >= pages} onClick={() => set('page', String(page + 1))}>
                  {t('nextPage')} ›
                </button>
                <label>
                  <span>{t('pageSize')}</span>
                  <select value={size} onChange={(e) => set('size', e.target.value)}>
                    {PAGE_SIZES.map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                </label>
              </nav>
            )}
          </>
        )}
      </Guard>
    </>
  );
}
