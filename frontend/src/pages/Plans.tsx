import { App, Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, apiGet, download } from '../api/http';
import { useAuth } from '../auth';
import { itemsOf, type Appendix, type PlanRead, type TaskRead } from '../api/types';
import { Guard, useLoad } from '../components/common';
import { useI18n } from '../i18n';

type Unitish = { id?: number; unit_id?: number; name?: string; unit_name?: string; code?: string; unit_code?: string };
interface RowT {
  key: string;
  section?: string;
  task?: TaskRead;
  children?: RowT[];
}

/** CSV with a BOM so Excel opens Vietnamese text correctly. */
function downloadCsv(name: string, rows: string[][]): void {
  const esc = (v: string) => (/[",\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const blob = new Blob(['\ufeff' + rows.map((r) => r.map(esc).join(',')).join('\r\n')], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

const uname = (u?: Unitish | null) => u?.name ?? u?.unit_name ?? u?.code ?? u?.unit_code ?? '';

export default function Plans() {
  const { id } = useParams();
  const nav = useNavigate();
  const { t, label, date } = useI18n();
  const plans = useLoad(() => apiGet<unknown>('/plans?limit=200'), []);
  const list = itemsOf<PlanRead>(plans.data);
  const planId = id ?? (list[0] ? String(list[0].id) : undefined);
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('plans')}
      </Typography.Title>
      <Guard loading={plans.loading} error={plans.error}>
        {() => (
          <>
            <Select
              aria-label={t('plans')}
              style={{ width: '100%', maxWidth: 640, marginBottom: 12 }}
              value={planId ? Number(planId) : undefined}
              onChange={(v) => nav(`/plans/${v}`)}
              options={list.map((p) => ({
                value: p.id,
                label: `${p.display_number} (${p.year}) — ${p.title} · ${label(p.status)}${p.issue_date ? ` · ${date(p.issue_date)}` : ''}`,
              }))}
              notFoundContent={t('empty')}
            />
            {planId ? <Tasks planId={planId} /> : <div>{t('empty')}</div>}
          </>
        )}
      </Guard>
    </>
  );
}

function Tasks({ planId }: { planId: string }) {
  const { can } = useAuth();
  const { message } = App.useApp();
  const { t, label, date } = useI18n();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | undefined>();
  const tasks = useLoad(() => apiGet<Appendix>(`/plans/${planId}/tasks`), [planId]);
  const deadline = (x: TaskRead) =>
    x.deadline_text || (x.due_date ? date(x.due_date) : x.period_code ? `${x.period_code}/${x.period_year ?? ''}` : '');
  return (
    <Guard loading={tasks.loading} error={tasks.error}>
      {() => {
        const sections = new Map((tasks.data?.sections ?? []).map((x) => [x.id, `${x.label}. ${x.title}`]));
        const all = (tasks.data?.tasks ?? []).filter(
          (x) =>
            (!q || `${x.label} ${x.title} ${x.product ?? ''}`.toLowerCase().includes(q.toLowerCase())) &&
            (!status || (x.units ?? []).some((u) => u.status === status)),
        );
        const groups = new Map<string, RowT>();
        for (const x of all) {
          const sec = (x.section_id != null && sections.get(x.section_id)) || '—';
          const g = groups.get(sec) ?? { key: `s-${sec}`, section: sec, children: [] };
          g.children!.push({ key: `t-${x.id}`, task: x });
          groups.set(sec, g);
        }
        const data = [...groups.values()];
        return (
          <>
            <Space wrap style={{ marginBottom: 12 }}>
              <Input.Search aria-label={t('search')} placeholder={t('search')} allowClear onSearch={setQ} style={{ width: 260 }} />
              <Select
                aria-label={t('status')}
                allowClear
                placeholder={t('status')}
                style={{ width: 180 }}
                value={status}
                onChange={setStatus}
                options={['not_started', 'in_progress', 'submitted', 'returned', 'approved'].map((s) => ({ value: s, label: label(s) }))}
              />
              <span>
                {t('total')}: {all.length}
              </span>
              <Button
                onClick={() =>
                  downloadCsv(`phu-luc-${planId}.csv`, [
                    [t('stt'), t('task'), t('product'), t('due'), t('lead'), t('coord'), t('status')],
                    ...all.map((x) => [
                      x.label,
                      x.title,
                      x.product ?? '',
                      deadline(x),
                      uname(x.lead_unit),
                      (x.coordinating_units ?? []).map(uname).join(', '),
                      (x.units ?? []).map((u) => `${u.unit_code}: ${label(u.status)}`).join('; '),
                    ]),
                  ])
                }
              >
                {t('exportCsv')}
              </Button>
              {can('imports:run') && (
                <Button
                  onClick={() =>
                    download(`/imports/tasks/export.xlsx?plan_id=${planId}`, `nhiem-vu-${planId}.xlsx`).catch((e: unknown) =>
                      message.error(e instanceof ApiError ? e.message : String(e)),
                    )
                  }
                >
                  {t('exportXlsxTemplate')}
                </Button>
              )}
            </Space>
            <Table<RowT>
              size="small"
              bordered
              scroll={{ x: 1000 }}
              pagination={false}
              dataSource={data}
              expandable={{ defaultExpandAllRows: true }}
              locale={{ emptyText: t('empty') }}
              columns={[
                {
                  title: t('stt'),
                  key: 'stt',
                  width: 140,
                  render: (_, r) => (r.section ? { children: <strong>{r.section}</strong>, props: { colSpan: 7 } } : r.task?.label),
                  onCell: (r) => ({ colSpan: r.section ? 7 : 1 }),
                },
                { title: t('task'), key: 'title', onCell: (r) => ({ colSpan: r.section ? 0 : 1 }), render: (_, r) => r.task?.title },
                { title: t('product'), key: 'product', onCell: (r) => ({ colSpan: r.section ? 0 : 1 }), render: (_, r) => r.task?.product },
                { title: t('due'), key: 'deadline', onCell: (r) => ({ colSpan: r.section ? 0 : 1 }), render: (_, r) => (r.task ? deadline(r.task) : '') },
                {
                  title: t('lead'),
                  key: 'lead',
                  onCell: (r) => ({ colSpan: r.section ? 0 : 1 }),
                  render: (_, r) => uname(r.task?.lead_unit),
                },
                {
                  title: t('coord'),
                  key: 'coord',
                  onCell: (r) => ({ colSpan: r.section ? 0 : 1 }),
                  render: (_, r) =>
                    (r.task?.coordinating_units ?? []).map(uname).join(', '),
                },
                {
                  title: t('status'),
                  key: 'status',
                  onCell: (r) => ({ colSpan: r.section ? 0 : 1 }),
                  render: (_, r) =>
                    r.task?.units?.length
                      ? r.task.units.map((u) => (
                          <div key={u.assignment_id}>
                            <Link to={`/assignments/${u.assignment_id}`}>{u.unit_code}</Link>
                            {u.instance_key ? ` ${u.instance_key}` : ''}: <Tag>{label(u.status)}</Tag>
                          </div>
                        ))
                      : '',
                },
              ]}
            />
            <p style={{ marginTop: 8 }}>
              <Link to="/assignments">{t('total')} →</Link>
            </p>
          </>
        );
      }}
    </Guard>
  );
}
