import { Alert, Collapse, Table, Typography } from 'antd';
import type { ReportDetail } from '../../client/types.gen';
import { useI18n } from '../../i18n';
import { BucketTag } from '../../components/common';
import ScrollRegion from './ScrollRegion';
import { BUCKETS, figuresOf, percent, percentText, taskRowsOf, type Bucket, type CompletedTask, type EvidenceRow, type FieldRow, type Figures, type TaskRow } from './model';

interface SummaryRow {
  key: string;
  label: React.ReactNode;
  value: number;
  share: number | null;
  testId: string;
}

/** The four buckets and their total, then what was completed and proved inside the window. */
export function BucketTable({
  figures,
  caption,
  testPrefix = 'fig',
}: {
  figures: Pick<Figures, 'total' | 'buckets' | 'completed_in_window' | 'evidence_in_window'>;
  caption: string;
  testPrefix?: string;
}) {
  const { t, num } = useI18n();
  const rows: SummaryRow[] = [
    ...BUCKETS.map((b) => ({
      key: b,
      label: <BucketTag value={b} />,
      value: figures.buckets[b],
      share: percent(figures.buckets[b], figures.total),
      testId: `${testPrefix}-${b}`,
    })),
    { key: 'total', label: <strong>{t('rpFigTotal')}</strong>, value: figures.total, share: null, testId: `${testPrefix}-total` },
    { key: 'completed', label: t('rpFigCompletedInWindow'), value: figures.completed_in_window, share: null, testId: `${testPrefix}-completed` },
    { key: 'evidence', label: t('rpFigEvidenceInWindow'), value: figures.evidence_in_window, share: null, testId: `${testPrefix}-evidence` },
  ];
  return (
    <Table<SummaryRow>
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={rows}
      title={() => <span>{caption}</span>}
      columns={[
        { title: t('rpFigIndicator'), dataIndex: 'label' },
        {
          title: t('rpFigCount'),
          dataIndex: 'value',
          align: 'right',
          render: (v: number, r) => <span data-testid={r.testId}>{num(v, 0)}</span>,
        },
        { title: t('rpFigShare'), dataIndex: 'share', align: 'right', render: (v: number | null) => percentText(v) },
      ]}
    />
  );
}

function FieldTable({ rows }: { rows: FieldRow[] }) {
  const { t, num, label } = useI18n();
  return (
    <ScrollRegion label={t('rpByField')}>
      <Table<FieldRow>
        size="small"
        rowKey={(r) => `${r.framework ?? ''}-${r.code ?? r.name}`}
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: t('empty') }}
        columns={[
          {
            title: t('rpField'),
            key: 'name',
            render: (_, r) => (
              <span>
                {r.code ? `${r.code}. ` : ''}
                {r.code ? r.name : t('rpFieldUnlinked')}
                {r.framework && <span style={{ display: 'block', color: 'rgba(0,0,0,0.68)', fontSize: 12 }}>{r.framework}</span>}
              </span>
            ),
          },
          { title: t('total'), dataIndex: 'total', align: 'right', render: (v: number) => num(v, 0) },
          ...BUCKETS.map((b: Bucket) => ({
            title: label(b),
            key: b,
            align: 'right' as const,
            render: (_: unknown, r: FieldRow) => num(r.buckets[b], 0),
          })),
        ]}
      />
    </ScrollRegion>
  );
}

function TaskTable({ rows, district }: { rows: TaskRow[]; district: boolean }) {
  const { t, lang, label, date } = useI18n();
  return (
    <ScrollRegion label={district ? t('rpTaskAppendixDistrict') : t('rpTaskAppendix')}>
      <Table<TaskRow>
        size="small"
        rowKey="key"
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        dataSource={rows}
        locale={{ emptyText: t('empty') }}
        columns={[
          { title: t('stt'), key: 'stt', render: (_, r) => r.label ?? '' },
          {
            title: t('task'),
            dataIndex: 'task',
            render: (v: string, r) => (
              <div style={{ minWidth: 220, maxWidth: 420 }}>
                {v}
                <div style={{ color: 'rgba(0,0,0,0.68)', fontSize: 12 }}>
                  {r.due_date ? `${t('due')}: ${date(r.due_date)}` : (r.deadline_text ?? '')}
                  {!district && r.role ? ` · ${label(r.role)}` : ''}
                </div>
              </div>
            ),
          },
          district
            ? { title: t('lead'), dataIndex: 'lead_unit', render: (v: string | null) => <div style={{ minWidth: 120 }}>{v}</div> }
            : { title: t('progress'), dataIndex: 'progress', align: 'right' as const, render: (v: number | null) => (v == null ? '' : `${v}%`) },
          {
            title: t('rpStatusAtCutoff'),
            key: 'status',
            render: (_, r) => (
              <div style={{ minWidth: 140 }}>
                <BucketTag value={r.bucket} />
                <div style={{ fontSize: 12 }}>{lang === 'vi' ? r.status_label : label(r.status)}</div>
                {district && r.total != null && (
                  <div style={{ fontSize: 12 }}>
                    {r.done}/{r.total} {t('rpDoneOfTotal')}
                  </div>
                )}
              </div>
            ),
          },
          { title: t('result'), dataIndex: 'result', render: (v: string | null) => <div style={{ minWidth: 180, maxWidth: 360 }}>{v}</div> },
          { title: t('completedDate'), dataIndex: 'completed_date', render: (v: string | null) => date(v) },
        ]}
      />
    </ScrollRegion>
  );
}

function CompletedList({ rows }: { rows: CompletedTask[] }) {
  const { t, date } = useI18n();
  return (
    <ScrollRegion label={t('rpCompletedTasks')}>
      <Table<CompletedTask>
        size="small"
        rowKey={(r) => `${r.assignment_id}`}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        dataSource={rows}
        locale={{ emptyText: t('empty') }}
        columns={[
          { title: t('stt'), dataIndex: 'label' },
          { title: t('task'), dataIndex: 'task', render: (v: string) => <div style={{ minWidth: 220, maxWidth: 480 }}>{v}</div> },
          { title: t('unit'), dataIndex: 'unit' },
          { title: t('completedDate'), dataIndex: 'completed_date', render: (v: string | null) => date(v) },
        ]}
      />
    </ScrollRegion>
  );
}

function EvidenceList({ rows }: { rows: EvidenceRow[] }) {
  const { t, date } = useI18n();
  return (
    <ScrollRegion label={t('rpEvidenceInWindow')}>
      <Table<EvidenceRow>
        size="small"
        rowKey={(r) => `${r.id}-${r.task_label ?? ''}`}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        dataSource={rows}
        locale={{ emptyText: t('noEvidence') }}
        columns={[
          { title: t('title'), dataIndex: 'title' },
          { title: t('docNumber'), dataIndex: 'doc_number' },
          { title: t('issueDate'), dataIndex: 'issue_date', render: (v: string | null) => date(v) },
          { title: t('task'), dataIndex: 'task_label' },
          { title: t('unit'), dataIndex: 'unit' },
        ]}
      />
    </ScrollRegion>
  );
}

/**
 * The automatic figures of a report (buckets of api/assignments/buckets.py as of the cut-off): computed live on
 * every read while the report is open, the frozen copy once Phòng Nội vụ accepted it (or the leader approved it).
 */
export default function FiguresPanel({ report }: { report: ReportDetail }) {
  const { t, date, dateTime, num } = useI18n();
  const f = figuresOf(report);
  const tasks = taskRowsOf(report);
  const district = report.level === 'district';
  const asOf = date(report.as_of ?? f.as_of);
  return (
    <section aria-labelledby="fig-title" style={{ marginBottom: 16 }}>
      <Typography.Title level={3} id="fig-title" style={{ fontSize: 18 }}>
        {t('rpFigures')}
      </Typography.Title>
      {report.live ? (
        <Alert
          type="info"
          showIcon
          data-testid="figures-mode"
          data-live="true"
          title={`${t('rpFiguresLive')} ${asOf}`}
          description={t('rpFiguresLiveHelp')}
          style={{ marginBottom: 12 }}
        />
      ) : (
        <Alert
          type="success"
          showIcon
          data-testid="figures-mode"
          data-live="false"
          title={`${t('rpFiguresFrozen')} ${dateTime(report.frozen_at)}`}
          description={`${t('rpFiguresFrozenHelp')} ${asOf}.`}
          style={{ marginBottom: 12 }}
        />
      )}
      <p style={{ margin: '0 0 8px' }}>
        {t('rpWindow')}: {date(f.data_from)} – {date(f.data_to)}
      </p>
      {f.tasks != null && (
        <p style={{ margin: '0 0 8px' }} data-testid="fig-scope">
          {t('rpTasksAndAssignments').replace('{tasks}', num(f.tasks, 0)).replace('{assignments}', num(f.total, 0))}
        </p>
      )}
      <BucketTable figures={f} caption={district ? t('rpFigDistrictWide') : t('rpFigUnit')} />
      {f.plans.length > 0 && (
        <p style={{ margin: '8px 0', color: 'rgba(0,0,0,0.72)' }}>
          {t('rpPlansCovered')}:{' '}
          {f.plans.map((p) => `${p.number ?? ''}/${p.symbol ?? ''} ${p.issue_date ? `(${date(p.issue_date)})` : ''}`).join('; ')}
        </p>
      )}
      <Typography.Title level={4} style={{ fontSize: 16, marginTop: 16 }}>
        {t('rpByField')}
      </Typography.Title>
      <FieldTable rows={f.by_field} />
      <Collapse
        style={{ marginTop: 16, background: '#fff' }}
        items={[
          {
            key: 'tasks',
            label: `${district ? t('rpTaskAppendixDistrict') : t('rpTaskAppendix')} (${tasks.length})`,
            children: <TaskTable rows={tasks} district={district} />,
          },
          {
            key: 'completed',
            label: `${t('rpCompletedTasks')} (${f.completed_tasks.length})`,
            children: <CompletedList rows={f.completed_tasks} />,
          },
          {
            key: 'evidence',
            label: `${t('rpEvidenceInWindow')} (${f.evidence.length})`,
            children: <EvidenceList rows={f.evidence} />,
          },
        ]}
      />
    </section>
  );
}
