import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Tag } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { taskLabel, taskTitle } from '../../api/types';
import { useAuth } from '../../auth';
import {
  assignmentsListQueryKey,
  assignmentsWorkCountsOptions,
  assignmentsWorkCountsQueryKey,
  assignmentsWorkListOptions,
  assignmentsWorkListQueryKey,
} from '../../client/@tanstack/react-query.gen';
import { assignmentsBulkSubmit } from '../../client/sdk.gen';
import type { BulkSubmitResult, WorkItemRead } from '../../client/types.gen';
import { newIdempotencyKey } from '../reports/model';
import { BucketTag, Guard, ProblemAlert } from '../../components/common';
import { useI18n, type Key } from '../../i18n';
import { PAGE_SIZES, pageOf, periodOfInstance, WORK_STATES, workCountsQuery, workQueueQuery, type WorkState } from './myWorkQuery';
import PrintButton from '../../components/PrintButton';

const BUCKETS = ['overdue', 'in_progress_on_time', 'done_on_time', 'done_late'];
const STATUSES = ['not_started', 'in_progress', 'submitted', 'returned', 'approved'];
const STATE_KEYS: Record<WorkState, Key> = {
  overdue: 'wsOverdue',
  due_soon: 'wsDueSoon',
  in_progress: 'wsInProgress',
  not_started: 'wsNotStarted',
  submitted: 'wsSubmitted',
  done: 'wsDone',
};
const STATE_COLORS: Record<WorkState, string> = {
  overdue: '#b3261e',
  due_soon: '#8a4b00',
  in_progress: '#0b5cab',
  not_started: '#555555',
  submitted: '#5b2d90',
  done: '#1d6b2f',
};

/** "Việc của tôi" (mine=true) or the filtered list behind a dashboard number (all): what to do next first (quá hạn →
 *  sắp đến hạn → đang thực hiện → chưa bắt đầu), counts per state at the top, approved work behind a toggle, and for
 *  the unit head "cần trình" (finished, not submitted) with one bulk submission. Filters and pages live in the URL. */
export default function MyWork({ all = false }: { all?: boolean }) {
  const { t, label } = useI18n();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const qc = useQueryClient();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const { data, error, isPending: loading } = useQuery(assignmentsWorkListOptions({ query: workQueueQuery(params, all) }));
  const counts = useQuery(assignmentsWorkCountsOptions({ query: workCountsQuery(params, all) }));
  /** A bulk submission changed the items: the work lists, their counts and every other list of assignments. */
  const submitted = () => {
    for (const queryKey of [assignmentsWorkListQueryKey(), assignmentsWorkCountsQueryKey(), assignmentsListQueryKey()])
      void qc.invalidateQueries({ queryKey });
  };
  const { page, size } = pageOf(params);
  const ready = params.get('ready') === 'true';
  const canSubmit = can('assignments:submit');
  /** Change URL parameters; any filter change goes back to the first page. */
  const setMany = (changes: Record<string, string | undefined>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    if (!('page' in changes)) p.delete('page');
    setParams(p, { replace: !('page' in changes) });
    if ('page' in changes) window.scrollTo({ top: 0 });
  };
  const set = (k: string, v: string | undefined) => setMany({ [k]: v });
  const search = params.get('q') ?? '';
  const items = data?.items ?? [];
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / size));
  const first = (page - 1) * size;
  const c = counts.data;
  const current = ready ? 'ready' : (params.get('state') ?? '');

  return (
    <>
      <div className="page-head">
        <h1 className="page-h2">{all ? t('total') : t('myWork')}</h1>
        <PrintButton />
      </div>
      {c && (
        <nav className="work-counts" aria-label={t('workCounts')}>
          {WORK_STATES.filter((s) => s !== 'done' || all || params.get('include_done') === 'true').map((s) => (
            <button
              key={s}
              type="button"
              className="count-chip"
              aria-pressed={current === s}
              data-testid={`count-${s}`}
              onClick={() => setMany({ state: current === s ? undefined : s, ready: undefined })}
            >
              <span className="dot" style={{ background: STATE_COLORS[s] }} aria-hidden />
              {t(STATE_KEYS[s])} <strong>{c[s]}</strong>
            </button>
          ))}
          <button
            type="button"
            className="count-chip ready"
            aria-pressed={ready}
            data-testid="count-ready"
            onClick={() => setMany({ ready: ready ? undefined : 'true', state: undefined })}
          >
            {t('readyToSubmit')} <strong>{c.ready}</strong>
          </button>
        </nav>
      )}
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
          <span>{t('workState')}</span>
          <select value={params.get('state') ?? ''} onChange={(e) => setMany({ state: e.target.value || undefined, ready: undefined })}>
            <option value="">{t('filterAll')}</option>
            {WORK_STATES.map((s) => (
              <option key={s} value={s}>
                {t(STATE_KEYS[s])}
              </option>
            ))}
          </select>
        </label>
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
        <label className="check">
          <input type="checkbox" checked={params.get('due_soon') === 'true'} onChange={(e) => set('due_soon', e.target.checked ? 'true' : undefined)} />
          <span>{t('onlyDueSoon')}</span>
        </label>
        {!all && (
          <label className="check">
            <input type="checkbox" checked={params.get('include_done') === 'true'} onChange={(e) => set('include_done', e.target.checked ? 'true' : undefined)} />
            <span>{t('showDone')}</span>
          </label>
        )}
      </form>
      {outcome && (
        <BulkOutcome
          outcome={outcome}
          onChange={(o) => {
            setOutcome(o);
            submitted();
          }}
        />
      )}
      <Guard loading={loading} error={error}>
        {() => (
          <>
            <p className="count">
              {t('total')}: {total}
              {pages > 1 && items.length > 0 ? ` · ${first + 1}–${first + items.length}` : ''}
            </p>
            {ready && canSubmit && items.length > 0 ? (
              <ReadyList
                items={items}
                onDone={(o) => {
                  setOutcome(o);
                  submitted();
                }}
              />
            ) : items.length === 0 ? (
              <p className="empty">{t('empty')}</p>
            ) : (
              <ul className="work-list">
                {items.map((a) => (
                  <li key={a.id} data-testid="assignment-row">
                    <Row a={a} />
                    <div className="badges">
                      <WorkTags a={a} withStatus />
                      <Progress value={a.progress} />
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

function Row({ a }: { a: WorkItemRead }) {
  const { t, date } = useI18n();
  const period = periodOfInstance(a.instance_key, t);
  return (
    <div className="main">
      <Link to={`/assignments/${a.id}`}>
        {taskLabel(a) ? `${taskLabel(a)}. ` : ''}
        {taskTitle(a)}
      </Link>
      <div className="meta">
        {a.unit_name}
        {period ? ` · ${period}` : ''}
        {a.due_date ? ` · ${t('due')}: ${date(a.due_date)}` : a.deadline_text ? ` · ${a.deadline_text}` : ''}
      </div>
    </div>
  );
}

function Progress({ value }: { value: number }) {
  const { t } = useI18n();
  return (
    <>
      <span className="bar" role="progressbar" aria-valuenow={value} aria-valuemin={0} aria-valuemax={100} aria-label={t('progress')}>
        <span style={{ width: `${value}%` }} />
      </span>
      <span className="pct">{value}%</span>
    </>
  );
}

/** The work state (with the days overdue), with `withStatus` the assignment's status too unless it reads the same
 *  words as the state (a submitted item once "Chờ duyệt", not twice), and, when finished but not submitted, "Đã xong,
 *  chưa trình". */
export function WorkTags({ a, withStatus = false }: { a: WorkItemRead; withStatus?: boolean }) {
  const { t, label } = useI18n();
  const state = (a.work_state ?? 'in_progress') as WorkState;
  const stateWords = t(STATE_KEYS[state]);
  const statusWords = label(a.status);
  return (
    <>
      {state === 'overdue' ? (
        <BucketTag value="overdue" days={a.days_overdue} />
      ) : (
        <Tag color={STATE_COLORS[state]} data-testid="work-state">
          {stateWords}
        </Tag>
      )}
      {withStatus && (state === 'overdue' || statusWords !== stateWords) && (
        <Tag data-testid="row-status">{statusWords}</Tag>
      )}
      {a.ready && (
        <Tag color="#1d6b2f" data-testid="ready-tag">
          {t('finishedNotSubmitted')}
        </Tag>
      )}
    </>
  );
}

interface Outcome {
  result: BulkSubmitResult;
  names: Map<number, string>;
}

const nameOf = (a: WorkItemRead) => `${taskLabel(a) ? `${taskLabel(a)}. ` : ''}${taskTitle(a)}`;

/** What a bulk submission did: how many were submitted, and each refusal with its reason and a link to the item; an
 *  item refused for want of a giải trình can be given one here and submitted again (same rules, same route). */
function BulkOutcome({ outcome, onChange }: { outcome: Outcome; onChange: (o: Outcome) => void }) {
  const { t, lang } = useI18n();
  const refused = outcome.result.results.filter((o) => !o.ok);
  const retried = (r: BulkSubmitResult) => {
    const again = new Map(r.results.map((o) => [o.id, o]));
    const results = outcome.result.results.map((o) => again.get(o.id) ?? o);
    const submitted = results.filter((o) => o.ok).length;
    onChange({ ...outcome, result: { submitted, refused: results.length - submitted, results } });
  };
  return (
    <div role="status" className="bulk-outcome" data-testid="bulk-outcome">
      <p>{t('bulkSubmitted').replace('{n}', String(outcome.result.submitted))}</p>
      {refused.length > 0 && (
        <>
          <p>{t('bulkRefused').replace('{n}', String(refused.length))}</p>
          <ul>
            {refused.map((o) => (
              <li key={o.id} data-testid="bulk-refused">
                <Link to={`/assignments/${o.id}`}>{outcome.names.get(o.id) ?? `#${o.id}`}</Link>: {lang === 'en' && o.detail_en ? o.detail_en : o.detail}
                {o.code === 'explanation_required' && <ExplainAndSubmit id={o.id} name={outcome.names.get(o.id) ?? `#${o.id}`} onDone={retried} />}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function ExplainAndSubmit({ id, name, onDone }: { id: number; name: string; onDone: (r: BulkSubmitResult) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [key] = useState(() => newIdempotencyKey('bulk-submit'));
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await assignmentsBulkSubmit({
        body: { items: [{ id, explanation: text.trim() }] },
        headers: { 'Idempotency-Key': key },
        throwOnError: true,
      });
      onDone(r.data);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="explain-submit">
      <label htmlFor={`explain-${id}`}>{t('explanationFor').replace('{x}', name)}</label>
      <textarea id={`explain-${id}`} rows={2} value={text} onChange={(e) => setText(e.target.value)} maxLength={20000} />
      <button type="button" className="btn" disabled={busy || !text.trim()} onClick={send}>
        {t('explainAndSubmit')}
      </button>
      <ProblemAlert error={error} />
    </div>
  );
}

/** Cần trình: check the finished items and submit them in one request (one Idempotency-Key per attempt). */
function ReadyList({ items, onDone }: { items: WorkItemRead[]; onDone: (o: Outcome) => void }) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<Set<number>>(() => new Set(items.map((a) => a.id)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [key, setKey] = useState(() => newIdempotencyKey('bulk-submit'));
  const byId = new Map(items.map((a) => [a.id, a]));
  const toggle = (id: number, on: boolean) =>
    setChosen((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const ids = items.filter((a) => chosen.has(a.id));
      const r = await assignmentsBulkSubmit({
        body: { items: ids.map((a) => ({ id: a.id, version: a.version })) },
        headers: { 'Idempotency-Key': key },
        throwOnError: true,
      });
      setKey(newIdempotencyKey('bulk-submit'));
      onDone({ result: r.data, names: new Map(items.map((a) => [a.id, nameOf(a)])) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label={t('readyToSubmit')} className="ready-list">
      <p className="hint">{t('readyHint')}</p>
      <ProblemAlert error={error} />
      <div className="bulk-bar">
        <label className="check">
          <input
            type="checkbox"
            checked={items.length > 0 && items.every((a) => chosen.has(a.id))}
            onChange={(e) => setChosen(e.target.checked ? new Set(items.map((a) => a.id)) : new Set())}
          />
          <span>{t('selectAll')}</span>
        </label>
        <button type="button" className="btn" disabled={busy || ![...chosen].some((id) => byId.has(id))} onClick={submit} data-testid="bulk-submit">
          {t('bulkSubmit').replace('{n}', String([...chosen].filter((id) => byId.has(id)).length))}
        </button>
      </div>
      <ul className="work-list">
        {items.map((a) => {
          const name = nameOf(a);
          return (
            <li key={a.id} data-testid="assignment-row">
              <input
                type="checkbox"
                className="pick"
                checked={chosen.has(a.id)}
                onChange={(e) => toggle(a.id, e.target.checked)}
                aria-label={t('selectItem').replace('{x}', name)}
              />
              <div className="main">
                <Link to={`/assignments/${a.id}`}>{name}</Link>
              </div>
              <div className="badges">
                <WorkTags a={a} />
                <Progress value={a.progress} />
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
