import { App, Button, Input, Modal, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, apiGet, type Page } from '../api/http';
import { itemsOf, taskLabel, taskTitle, type AssignmentRead } from '../api/types';
import { BucketTag, Guard, ProblemAlert, useLoad } from '../components/common';
import { useI18n } from '../i18n';
import { REVIEW_SIZES as SIZES, reviewPath } from './reviewQuery';

interface Named {
  id: number;
  name?: string;
  code?: string;
  title?: string;
  display_number?: string;
}

/** Review queue (Phòng Nội vụ): submitted assignments with their total, filters (unit, plan, overdue, submitted
 *  since) and accent-insensitive search kept in the URL; approve or return with a reason, in bulk. */
export default function Review() {
  const { t, date } = useI18n();
  const { message, modal } = App.useApp();
  const [params, setParams] = useSearchParams();
  const path = reviewPath(params);
  const list = useLoad(() => apiGet<Page<AssignmentRead>>(path), [path]);
  const units = useLoad(() => apiGet<Page<Named>>('/org-units?limit=500&active=true'), []);
  const plans = useLoad(() => apiGet<Page<Named>>('/plans?limit=100&status=issued'), []);
  const set = (k: string, v: string | undefined) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    if (k !== 'page' && k !== 'size') p.delete('page');
    setParams(p, { replace: true });
  };
  const size = Number(new URLSearchParams(path.split('?')[1]).get('limit'));
  const page = Math.max(1, Number(params.get('page')) || 1);
  const search = params.get('q') ?? '';
  const [selected, setSelected] = useState<number[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [returning, setReturning] = useState<number[] | null>(null);
  const [reason, setReason] = useState('');

  /** One item: its own route with If-Match; several: the all-or-nothing bulk route (Idempotency-Key). */
  const run = async (ids: number[], action: 'approve' | 'return', reason: string | null, ok: string, confirm = false) => {
    setBusy(true);
    setError(null);
    try {
      if (ids.length === 1) {
        const cur = await api<AssignmentRead>(`/assignments/${ids[0]}`);
        await api(`/assignments/${ids[0]}/${action}`, {
          method: 'POST',
          body: action === 'return' ? { reason } : { confirm_complete: confirm },
          headers: cur.etag ? { 'If-Match': cur.etag } : {},
        });
      } else {
        await api('/assignments/bulk-review', {
          method: 'POST',
          body: { ids, action, reason, confirm_complete: confirm },
          headers: { 'Idempotency-Key': `review-${Date.now()}-${Math.random().toString(36).slice(2)}` },
        });
      }
      message.success(`${ok}: ${ids.length}`);
      setSelected([]);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      list.reload();
    }
  };

  // Approving an item below 100 % records it as completed: say so and let the reviewer confirm (confirm_complete).
  const approve = (ids: number[]) => {
    const below = itemsOf<AssignmentRead>(list.data).filter((a) => ids.includes(a.id) && a.progress < 100);
    if (!below.length) return run(ids, 'approve', null, t('approvedMsg'));
    modal.confirm({
      title: t('approve'),
      content: t('approveBelowFullMany').replace('{n}', String(below.length)),
      okText: t('approve'),
      onOk: () => run(ids, 'approve', null, t('approvedMsg'), true),
    });
  };

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('review')}
      </Typography.Title>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const v = new FormData(e.currentTarget).get('q');
          set('q', typeof v === 'string' && v.trim() ? v.trim() : undefined);
        }}
      >
        <label>
          <span>{t('unit')}</span>
          <select value={params.get('unit_id') ?? ''} onChange={(e) => set('unit_id', e.target.value || undefined)}>
            <option value="">{t('filterAll')}</option>
            {itemsOf<Named>(units.data).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name ?? u.code}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('plans')}</span>
          <select value={params.get('plan_id') ?? ''} onChange={(e) => set('plan_id', e.target.value || undefined)}>
            <option value="">{t('filterAll')}</option>
            {itemsOf<Named>(plans.data).map((p) => (
              <option key={p.id} value={p.id}>
                {p.display_number ?? p.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={params.get('bucket') === 'overdue'}
            onChange={(e) => set('bucket', e.target.checked ? 'overdue' : undefined)}
          />
          <span>{t('reviewOverdueOnly')}</span>
        </label>
        <label>
          <span>{t('reviewSubmittedSince')}</span>
          <input
            type="date"
            value={params.get('submitted_since') ?? ''}
            onChange={(e) => set('submitted_since', e.target.value || undefined)}
          />
        </label>
        <label>
          <span>{t('search')}</span>
          <input type="search" name="q" defaultValue={search} key={search} maxLength={100} />
        </label>
        <button type="submit" className="btn">
          {t('search')}
        </button>
      </form>
      <p className="count" data-testid="review-total">
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
      <Guard loading={list.loading} error={list.error}>
        {() => (
          <Table<AssignmentRead>
            rowKey="id"
            size="small"
            scroll={{ x: true }}
            dataSource={itemsOf<AssignmentRead>(list.data)}
            locale={{ emptyText: t('empty') }}
            rowSelection={{ selectedRowKeys: selected, onChange: (k) => setSelected(k as number[]) }}
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
                setParams(next);
                setSelected([]);
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
              { title: t('progress'), dataIndex: 'progress', render: (v: number) => `${v}%` },
              { title: t('status'), key: 'b', render: (_, a) => <BucketTag value={a.bucket} days={a.days_overdue} /> },
              {
                title: t('action'),
                key: 'act',
                render: (_, a) => (
                  <Space>
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
      <Modal
        open={!!returning}
        title={t('return')}
        okText={t('return')}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        onCancel={() => setReturning(null)}
        onOk={async () => {
          const ids = returning ?? [];
          setReturning(null);
          await run(ids, 'return', reason, t('returnedMsg'));
          setReason('');
        }}
      >
        <label htmlFor="bulk-reason">{t('returnReason')}</label>
        <Input.TextArea id="bulk-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </>
  );
}
