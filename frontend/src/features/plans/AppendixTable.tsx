import { App, Button, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, download } from '../../api/http';
import { useAuth } from '../../auth';
import type { OrgUnitRead, SectionRead } from '../../client/types.gen';
import { useI18n } from '../../i18n';
import { nodeName } from '../../nodeName';
import { foldVn } from '../../text';
import PrintButton from '../../components/PrintButton';
import { usePlanWords } from './words';
import { coordinatorsText, deadlineText, instanceName, type Appendix, type TaskRead } from './model';
import { TaskUnitsModal } from './TaskUnits';
import { hiddenCoordinators, hiddenUnits, statusSummary, useUnitWords, type AppendixTask } from './unitsModel';

interface RowT {
  key: string;
  section?: string;
  sectionRow?: SectionRead;
  task?: AppendixTask;
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

/** Phụ lục: tasks grouped by section, with lead, coordinators, criteria and each unit's status; edit and delete
 * buttons when the appendix may be changed. A task of more units than the appendix lists (the API's `units_limit`)
 * shows the first ones, its assignments by status and "… và N đơn vị khác", which opens the full, paged list. */
export function AppendixTable({
  appendix,
  units,
  editable,
  onEdit,
  onDelete,
  onEditSection,
}: {
  appendix: Appendix;
  units: OrgUnitRead[];
  editable: boolean;
  onEdit: (x: TaskRead) => void;
  onDelete: (x: TaskRead) => void;
  onEditSection: (x: SectionRead) => void;
}) {
  const names = new Map(units.map((u) => [u.id, u.name]));
  const { can } = useAuth();
  const { message } = App.useApp();
  const i18n = useI18n();
  const { w: pw } = usePlanWords();
  const { t, label } = i18n;
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | undefined>();
  // every section open, a new one too (the appendix is refreshed in place after a change), unless the user folds it
  const [folded, setFolded] = useState<ReadonlySet<string>>(new Set());
  const [unitsOf, setUnitsOf] = useState<AppendixTask | null>(null);
  const uw = useUnitWords();
  const num = (v: number) => i18n.num(v, 0);
  const moreCoordinators = (x: AppendixTask) => (hiddenCoordinators(x) ? uw('moreCoord', { n: num(hiddenCoordinators(x)) }) : '');
  const planId = appendix.plan.id;
  const deadline = (x: TaskRead) => deadlineText(x, i18n, appendix.plan.year);
  const folds = { allCommunes: pw('allCommunes'), allDepartments: pw('allDepartments') };
  // a truncated list cannot be folded ("UBND các xã, thị trấn" needs every name): it is named, with the rest counted
  const coordinators = (x: AppendixTask) =>
    [coordinatorsText(x.coordinating_units ?? [], units, appendix.plan.issuing_unit_id, appendix.plan.year, folds, x.lead_unit?.id), moreCoordinators(x)]
      .filter(Boolean)
      .join(' ');
  // name the index (PAR INDEX, SIPAS) beside a criterion only when the appendix links to more than one framework
  const mixedFrameworks = new Set(appendix.tasks.flatMap((x) => (x.nodes ?? []).map((n) => n.framework_id))).size > 1;
  const all = appendix.tasks.filter(
    (x) =>
      (!q || foldVn(`${x.label} ${x.title} ${x.product ?? ''}`).includes(foldVn(q))) &&
      (!status || (x.status_counts?.[status] ?? 0) > 0),
  );
  // every heading in order (an empty one too, unless a filter is on), then the tasks not yet in a section
  const filtering = !!q || !!status;
  const rowsOf = (id: number | null) => all.filter((x) => (x.section_id ?? null) === id).map((x) => ({ key: `t-${x.id}`, task: x }));
  const groups: RowT[] = [];
  for (const sec of appendix.sections) {
    const children = rowsOf(sec.id);
    if (children.length || !filtering) groups.push({ key: `s-${sec.id}`, section: `${sec.label}. ${sec.title}`, sectionRow: sec, children: children.length ? children : undefined });
  }
  const known = new Set(appendix.sections.map((x) => x.id));
  const loose = all.filter((x) => x.section_id == null || !known.has(x.section_id)).map((x) => ({ key: `t-${x.id}`, task: x }));
  if (loose.length) groups.push({ key: 's-none', section: t('plNoSection'), children: loose });
  const cols = editable ? 9 : 8;
  const span = (r: RowT) => ({ colSpan: r.section ? 0 : 1 });
  return (
    <>
      {/* On paper the plan page is the appendix as issued: every page A4 landscape (one page size for the whole
          print, so the table is laid out at the landscape width), column widths in print.css (.appendix-table). */}
      <style>{'@page { size: A4 landscape; margin: 10mm 10mm; }'}</style>
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
              [t('stt'), t('task'), t('product'), pw('time'), t('lead'), t('coord'), t('plCriteria'), t('status')],
              ...all.map((x) => [
                x.label,
                x.title,
                x.product ?? '',
                deadline(x),
                x.lead_unit?.name ?? '',
                [(x.coordinating_units ?? []).map((u) => u.name).join(', '), moreCoordinators(x)].filter(Boolean).join(' '),
                (x.nodes ?? []).map((n) => nodeName(n, t('criterionNo'), mixedFrameworks)).join('; '),
                [
                  (x.units ?? []).map((u) => `${names.get(u.unit_id) ?? u.unit_code}${u.instance_key ? ` (${instanceName(u.instance_key, t)})` : ''}: ${label(u.status)}`).join('; '),
                  hiddenUnits(x) ? `${uw('more', { n: num(hiddenUnits(x)) })} (${statusSummary(x.status_counts, label, num)})` : '',
                ]
                  .filter(Boolean)
                  .join(' '),
              ]),
            ])
          }
        >
          {t('exportCsv')}
        </Button>
        <Button
          title={pw('appendixDocxHelp')}
          data-testid="appendix-docx"
          onClick={() =>
            download(`/plans/${planId}/appendix.docx`, `phu-luc-${planId}.docx`).catch((e: unknown) => message.error(e instanceof ApiError ? e.message : String(e)))
          }
        >
          {pw('appendixDocx')}
        </Button>
        <PrintButton label={pw('printAppendix')} />
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
        scroll={{ x: 1100 }}
        pagination={false}
        dataSource={groups}
        expandable={{
          expandedRowKeys: groups.filter((g) => !folded.has(g.key)).map((g) => g.key),
          onExpand: (open, r) =>
            setFolded((f) => {
              const next = new Set(f);
              if (open) next.delete(r.key);
              else next.add(r.key);
              return next;
            }),
        }}
        locale={{ emptyText: t('plNoTasks') }}
        data-testid="appendix"
        className="appendix-table"
        columns={[
          {
            title: t('stt'),
            key: 'stt',
            className: 'ap-stt',
            width: 120,
            render: (_, r) =>
              r.section ? (
                <Space>
                  <strong>{r.section}</strong>
                  {editable && r.sectionRow && (
                    <Button size="small" onClick={() => onEditSection(r.sectionRow!)} aria-label={`${t('plEditSection')} ${r.sectionRow.label}`}>
                      {t('plEditShort')}
                    </Button>
                  )}
                </Space>
              ) : (
                r.task?.label
              ),
            onCell: (r) => ({ colSpan: r.section ? cols : 1 }),
          },
          { title: t('task'), key: 'title', className: 'ap-title', onCell: span, render: (_, r) => r.task?.title },
          { title: t('product'), key: 'product', className: 'ap-product', onCell: span, render: (_, r) => r.task?.product },
          { title: pw('time'), key: 'deadline', className: 'ap-due', onCell: span, render: (_, r) => (r.task ? deadline(r.task) : '') },
          { title: t('lead'), key: 'lead', className: 'ap-lead', onCell: span, render: (_, r) => r.task?.lead_unit?.name },
          {
            title: t('coord'),
            key: 'coord',
            className: 'ap-coord',
            onCell: span,
            render: (_, r) =>
              r.task && (
                <>
                  <span className="no-print">
                    {[(r.task.coordinating_units ?? []).map((u) => u.name).join(', '), moreCoordinators(r.task)].filter(Boolean).join(' ')}
                  </span>
                  <span className="print-only">{coordinators(r.task)}</span>
                </>
              ),
          },
          {
            title: t('plCriteria'),
            key: 'nodes',
            className: 'no-print', // paper: the appendix as issued (STT … phối hợp)
            onCell: span,
            render: (_, r) => (r.task?.nodes ?? []).map((n) => <div key={n.id}>{nodeName(n, t('criterionNo'), mixedFrameworks)}</div>),
          },
          {
            title: t('status'),
            key: 'status',
            className: 'no-print',
            onCell: span,
            render: (_, r) => {
              const x = r.task;
              if (!x) return null;
              const more = hiddenUnits(x);
              return (
                <>
                  {more > 0 && (
                    <div data-testid={`status-summary-${x.id}`}>
                      <strong>{statusSummary(x.status_counts, label, num)}</strong>
                    </div>
                  )}
                  {(x.units ?? []).map((u) => (
                    <div key={u.assignment_id}>
                      <Link to={`/assignments/${u.assignment_id}`}>{names.get(u.unit_id) ?? u.unit_code}</Link>
                      {u.instance_key ? ` (${instanceName(u.instance_key, t)})` : ''}: <Tag>{label(u.status)}</Tag>
                    </div>
                  ))}
                  {more > 0 && (
                    <div>
                      {uw('more', { n: num(more) })}{' '}
                      <Button type="link" size="small" onClick={() => setUnitsOf(x)} aria-label={`${uw('openAll', { n: num(x.units_total) })} — ${x.label}`}>
                        {uw('openAll', { n: num(x.units_total) })}
                      </Button>
                    </div>
                  )}
                </>
              );
            },
          },
          ...(editable
            ? [
                {
                  title: t('admActions'),
                  key: 'actions',
                  className: 'no-print',
                  width: 150,
                  onCell: span,
                  render: (_: unknown, r: RowT) =>
                    r.task ? (
                      <Space wrap size={4}>
                        <Button size="small" onClick={() => onEdit(r.task!)} aria-label={`${t('plEditTask')} ${r.task.label}`}>
                          {t('plEditShort')}
                        </Button>
                        <Button size="small" danger onClick={() => onDelete(r.task!)} aria-label={`${t('plDeleteTask')} ${r.task.label}`}>
                          {t('plDeleteShort')}
                        </Button>
                      </Space>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {unitsOf && <TaskUnitsModal task={unitsOf} onClose={() => setUnitsOf(null)} />}
    </>
  );
}
