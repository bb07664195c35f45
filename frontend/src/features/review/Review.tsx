import { App, Button, Input, Modal, Space, Table, Typography } from 'antd';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { taskLabel, taskTitle, type AssignmentRead } from '../../api/types';
import { assignmentsGetQueryKey, assignmentsHistoryQueryKey, assignmentsListOptions, assignmentsListQueryKey } from '../../client/@tanstack/react-query.gen';
import { assignmentsApprove, assignmentsBulkReview, assignmentsGet, assignmentsReturn } from '../../client/sdk.gen';
import type { BulkItemResult } from '../../client/types.gen';
import { BucketTag, Guard, ProblemAlert } from '../../components/common';
import { ifMatch } from '../../components/queries';
import ReviewDrawer from './ReviewDrawer';
import ReviewFilters from './ReviewFilters';
import { useI18n } from '../../i18n';
import { moveIndex, REVIEW_SIZES as SIZES, reviewKey, reviewListQuery, withFilter } from './reviewQuery';

const ACTIVE_ROW = { outline: '2px solid #0b5cab', outlineOffset: -2 };

/** Review queue (Phòng Nội vụ): submitted assignments with their total, filters, search, sort and paging kept in the
 *  URL; a side panel with the item, its evidence and history, walked with j/k (↓/↑); approve or return one item
 *  or the selected ones with one reason, refusals listed per item. */
export default function Review() {
  const { t, date, lang } = useI18n();
  const { message, modal } = App.useApp();
  const [params, setParams] = useSearchParams();
  const qc = useQueryClient();
  const query = reviewListQuery(params);
  const listOptions = assignmentsListOptions({ query });
  const list = useQuery({ ...listOptions, placeholderData: keepPreviousData });
  const items = list.data?.items ?? [];
  const set = (k: string, v: string | undefined) => {
    const next = k === '*' ? new URLSearchParams([...params].filter(([key]) => key === 'size')) : withFilter(params, k, v);
    setParams(next, { replace: k === 'open' });
  };
  const size = query.limit ?? 200;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const openId = Number(params.get('open')) || null;
  const openIndex = items.findIndex((a) => a.id === openId);
  const [active, setActive] = useState(-1);
  const [selected, setSelected] = useState<number[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [returning, setReturning] = useState<number[] | null>(null);
  const [reason, setReason] = useState('');
  const openAt = (i: number) => {
    setActive(i);
    if (i >= 0 && items[i]) set('open', String(items[i].id));
  };

  // Keyboard flow: j / ↓ next, k / ↑ previous (moving the open panel too), Enter opens the highlighted item.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (returning) return;
      const action = reviewKey(e);
      if (!action || !items.length) return;
      e.preventDefault();
      const current = openIndex >= 0 ? openIndex : active;
      if (action === 'open') openAt(current < 0 ? 0 : current);
      else {
        const i = moveIndex(current, action === 'next' ? 1 : -1, items.length);
        if (openIndex >= 0) openAt(i);
        else setActive(i);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const refusal = (r: BulkItemResult) => {
    if (r.code === 'invalid_transition') return t('reviewRefusedNotSubmitted');
    if (r.code === 'confirm_complete_required') return t('reviewRefusedBelowFull');
    return (lang === 'en' ? r.detail_en : r.detail) ?? '';
  };

  /** One item: its own route with If-Match; several: the bulk route (one reason, a result per item). */
  const run = async (ids: number[], action: 'approve' | 'return', why: string | null, ok: string, confirm = false) => {
    setBusy(true);
    setError(null);
    // After acting on the open item, the panel moves on to the item that takes its place in the reloaded list.
    let follow = openIndex >= 0 && ids.includes(items[openIndex].id) ? openIndex : null;
    try {
      if (ids.length === 1) {
        const path = { assignment_id: ids[0] };
        const cur = await assignmentsGet({ path, throwOnError: true });
        const headers = ifMatch(cur.response.headers.get('ETag'));
        if (action === 'return') await assignmentsReturn({ path, body: { reason: why ?? '' }, headers, throwOnError: true });
        else await assignmentsApprove({ path, body: { confirm_complete: confirm }, headers, throwOnError: true });
        message.success(`${ok}: 1`);
      } else {
        const r = await assignmentsBulkReview({
          body: { ids, action, reason: why, confirm_complete: confirm },
          headers: { 'Idempotency-Key': `review-${Date.now()}-${Math.random().toString(36).slice(2)}` },
          throwOnError: true,
        });
        const { done = 0, refused = 0, results = [] } = r.data;
        if (refused) {
          const byId = new Map(r.data.items.map((a) => [a.id, a]));
          modal.warning({
            title: t('reviewBulkDone').replace('{done}', String(done)).replace('{refused}', String(refused)),
            content: (
              <ul>
                {results
                  .filter((x) => !x.ok)
                  .map((x) => {
                    const a = byId.get(x.id);
                    return <li key={x.id}>{a ? `${a.unit_name} — ${taskLabel(a)} ${taskTitle(a)}: ` : ''}{refusal(x)}</li>;
                  })}
              </ul>
            ),
          });
        } else message.success(`${ok}: ${done}`);
      }
      setSelected([]);
    } catch (e) {
      follow = null;
      setError(e);
    } finally {
      setBusy(false);
    }
    // What the review changed: the items (and their detail), the queue and every list of assignments.
    for (const id of ids) {
      qc.removeQueries({ queryKey: assignmentsGetQueryKey({ path: { assignment_id: id } }) });
      void qc.invalidateQueries({ queryKey: assignmentsHistoryQueryKey({ path: { assignment_id: id } }) });
    }
    try {
      await qc.invalidateQueries({ queryKey: assignmentsListQueryKey() }, { throwOnError: true });
      const fresh = qc.getQueryData(listOptions.queryKey);
      if (follow != null && fresh) {
        const next = fresh.items;
        const i = Math.min(follow, next.length - 1);
        setActive(i);
        set('open', i >= 0 ? String(next[i].id) : undefined);
      }
    } catch {
      // the list shows its own error (list.error)
    }
  };

  // Approving an item below 100 % records it as completed: say so and let the reviewer confirm (confirm_complete).
  const approve = (ids: number[]) => {
    const below = items.filter((a) => ids.includes(a.id) && a.progress < 100);
    if (!below.length) return run(ids, 'approve', null, t('approvedMsg'));
    modal.confirm({
      title: t('approve'),
      content: below.length === 1 && ids.length === 1 ? t('approveBelowFull').replace('{p}', String(below[0].progress)) : t('approveBelowFullMany').replace('{n}', String(below.length)),
      okText: t('approve'),
      onOk: () => run(ids, 'approve', null, t('approvedMsg'), true),
    });
  };

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('review')}
      </Typography.Title>
      <ReviewFilters params={params} set={set} />
      <p className="count" data-testid="review-total" role="status">
        {t('reviewTotal').replace('{n}', String(list.data?.total ?? 0))}
      </p>
      <ProblemAlert error={error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Button type="primary" disabled={!selected.length} loading={busy} onClick={() => approve(selected)}>
          {t('bulkApprove')} ({selected.length})
        </Button>
        <Button danger disabled={!selected.length} onClick={() => setReturning(selected)}>
          {t('return')} ({selected.length})
        </Button>
      </Space>
      <p id="review-keys" style={{ color: '#333', fontSize: 13 }}>
        {t('reviewKeys')}
      </p>
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <Table<AssignmentRead>
            rowKey="id"
            size="small"
            scroll={{ x: true }}
            dataSource={items}
            locale={{ emptyText: t('empty') }}
            rowSelection={{ selectedRowKeys: selected, onChange: (k) => setSelected(k as number[]) }}
            onRow={(_, i) => (i === (openIndex >= 0 ? openIndex : active) ? { style: ACTIVE_ROW, 'aria-current': 'true' } : {})}
            pagination={{
              current: page,
              pageSize: size,
              total: list.data?.total ?? 0,
              pageSizeOptions: SIZES,
              showSizeChanger: true,
              onChange: (p, s) => {
                const next = new URLSearchParams(params);
                next.set('page', String(s !== size ? 1 : p));
                next.set('size', String(s));
                next.delete('open');
                setParams(next);
                setSelected([]);
                setActive(-1);
              },
            }}
            columns={[
              {
                title: t('task'),
                key: 'task',
                render: (_, a) => (
                  <Link to={`/assignments/${a.id}`}>
                    {taskLabel(a) ? `${taskLabel(a)}. ` : ''}
                    {taskTitle(a)}
                  </Link>
                ),
              },
              { title: t('unit'), dataIndex: 'unit_name' },
              { title: t('due'), dataIndex: 'due_date', render: (v) => date(v) },
              {
                title: t('submittedAt'),
                key: 'sent',
                render: (_, a) => (
                  <>
                    {date(a.submitted_at)}
                    {a.days_waiting != null && <div style={{ color: '#555' }}>{t('reviewWaited').replace('{n}', String(a.days_waiting))}</div>}
                  </>
                ),
              },
              { title: t('progress'), dataIndex: 'progress', render: (v: number) => `${v} %` },
              { title: t('status'), key: 'b', render: (_, a) => <BucketTag value={a.bucket} days={a.days_overdue} /> },
              {
                title: t('action'),
                key: 'act',
                render: (_, a, i) => (
                  <Space>
                    <Button size="small" aria-describedby="review-keys" onClick={() => openAt(i)}>
                      {t('reviewView')}
                    </Button>
                    <Button size="small" type="primary" onClick={() => approve([a.id])}>
                      {t('approve')}
                    </Button>
                    <Button size="small" danger onClick={() => setReturning([a.id])}>
                      {t('return')}
                    </Button>
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Guard>
      <ReviewDrawer
        item={openIndex >= 0 ? items[openIndex] : null}
        index={openIndex}
        count={items.length}
        busy={busy}
        onPrev={() => openAt(moveIndex(openIndex, -1, items.length))}
        onNext={() => openAt(moveIndex(openIndex, 1, items.length))}
        onClose={() => set('open', undefined)}
        onApprove={(a) => approve([a.id])}
        onReturn={(a) => setReturning([a.id])}
      />
      <Modal
        open={!!returning}
        title={returning && returning.length > 1 ? t('reviewReturnMany').replace('{n}', String(returning.length)) : t('return')}
        okText={t('return')}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        onCancel={() => setReturning(null)}
        onOk={async () => {
          const ids = returning ?? [];
          setReturning(null);
          await run(ids, 'return', reason.trim(), t('returnedMsg'));
          setReason('');
        }}
      >
        <label htmlFor="bulk-reason">{t('returnReason')}</label>
        <Input.TextArea id="bulk-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </>
  );
}
