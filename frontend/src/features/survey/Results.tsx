import { App, Button, Card, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { download } from '../../api/http';
import { useAuth } from '../../auth';
import { surveysListPointsOptions, surveysResultsOptions, surveysResultsQueryKey } from '../../client/@tanstack/react-query.gen';
import { BucketTag, Guard, ProblemAlert } from '../../components/common';
import CreateTaskModal, { type TaskSource } from './CreateTaskModal';
import { ciText, dec, gapText, monthText, pct, type FactorResult, type GroupResult, type LinkedTask, type MonthResult, type QuestionResult, type Share } from './model';
import { FACTOR_NAMES } from './words';
import { useWords } from './words';

function query(year: number, unitId?: number, pointId?: number) {
  const q = new URLSearchParams({ year: String(year) });
  if (unitId) q.set('unit_id', String(unitId));
  if (pointId) q.set('point_id', String(pointId));
  return q.toString();
}

/** Satisfaction rate with the small-sample warning and the confidence interval beside it. */
function Rate({ s, min }: { s: Share; min: number }) {
  const { w, lang } = useWords();
  const ci = ciText(s, lang);
  return (
    <Space size={4} wrap>
      <span>{s.responses ? pct(s.satisfied_share, lang) : '–'}</span>
      {s.small_sample && (
        <Tooltip title={[w('smallSampleHelp', min), ci ? w('ci', ci) : ''].filter(Boolean).join(' ')}>
          <Tag color="#7a5a00" tabIndex={0}>
            {w('smallSample')}
          </Tag>
        </Tooltip>
      )}
      {!s.small_sample && ci && <Typography.Text type="secondary">({ci})</Typography.Text>}
    </Space>
  );
}

function Tasks({ tasks }: { tasks?: LinkedTask[] }) {
  const { w } = useWords();
  if (!tasks?.length) return <Typography.Text type="secondary">{w('noTasks')}</Typography.Text>;
  return (
    <ul style={{ margin: 0, paddingLeft: 16 }}>
      {tasks.map((x) => (
        <li key={x.task_id}>
          <Link to={`/plans/${x.plan_id}`}>{[x.label, x.title].filter(Boolean).join(' ')}</Link>{' '}
          {Object.entries(x.buckets)
            .filter(([, n]) => n > 0)
            .map(([b, n]) => (
              <span key={b} style={{ whiteSpace: 'nowrap' }}>
                <BucketTag value={b} />
                {n > 1 || x.assignments > 1 ? `${n} ` : ''}
              </span>
            ))}
        </li>
      ))}
    </ul>
  );
}

const FACTOR_CODES = Object.keys(FACTOR_NAMES.vi);

/** How many plan tasks are linked (the list opens with the row) and, for Phòng Nội vụ, the first click of
 *  "create a task from this result". */
function TasksCell({ r, children }: { r: { tasks?: LinkedTask[] }; children?: React.ReactNode }) {
  const { w } = useWords();
  const n = r.tasks?.length ?? 0;
  return (
    <Space wrap>
      <Typography.Text type={n ? undefined : 'secondary'}>{n ? w('tasksCount', n) : w('noTasksShort')}</Typography.Text>
      {children}
    </Space>
  );
}

const expandTasks = (title: string) => ({
  columnTitle: <span className="visually-hidden">{title}</span>,
  expandedRowRender: (r: { tasks?: LinkedTask[] }) => <Tasks tasks={r.tasks} />,
  rowExpandable: (r: { tasks?: LinkedTask[] }) => !!r.tasks?.length,
});

/** Rates of desks or units: overall with its small-sample warning, the index, and each factor's rate. */
function GroupTable({ rows, min, name, withUnit }: { rows: GroupResult[]; min: number; name: string; withUnit?: boolean }) {
  const { w, lang, factorName } = useWords();
  return (
    <Table<GroupResult>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={rows}
      columns={[
        { title: name, dataIndex: 'name' },
        ...(withUnit ? [{ title: w('unit'), dataIndex: 'unit_name' }] : []),
        { title: w('responses'), dataIndex: 'responses', align: 'right' as const },
        { title: w('satisfied'), key: 'rate', render: (_: unknown, r: GroupResult) => <Rate s={r} min={min} /> },
        { title: w('index'), dataIndex: 'index', align: 'right' as const, render: (v: number | null) => dec(v, lang) },
        ...FACTOR_CODES.map((f) => ({
          title: factorName(f),
          key: f,
          align: 'right' as const,
          render: (_: unknown, r: GroupResult) => pct(r.factors?.[f], lang),
        })),
      ]}
    />
  );
}

/** Kết quả khảo sát: rates per factor, question, desk and unit, the monthly trend, the official results beside with
 *  the gap, the plan tasks linked to each factor and question; Phòng Nội vụ starts a task from a weak result. */
export default function Results() {
  const { w, lang, factorName } = useWords();
  const { message } = App.useApp();
  const { can, me } = useAuth();
  // the server's year (a demo runs on a fixed date), not the browser's
  const [thisYear] = useState(() => (me?.today ? Number(me.today.slice(0, 4)) : new Date().getFullYear()));
  const [year, setYear] = useState(thisYear);
  const [unitId, setUnitId] = useState<number | undefined>();
  const [pointId, setPointId] = useState<number | undefined>();
  const [source, setSource] = useState<TaskSource | null>(null);
  const [dlError, setDlError] = useState<unknown>(null);
  const qc = useQueryClient();
  const points = useQuery(surveysListPointsOptions({ query: { limit: 500 } }));
  const res = useQuery(surveysResultsOptions({ query: { year, ...(unitId ? { unit_id: unitId } : {}), ...(pointId ? { point_id: pointId } : {}) } }));
  const units = new Map((points.data?.items ?? []).map((p) => [p.unit_id, p.unit_name]));
  const pointOptions = (points.data?.items ?? [])
    .filter((p) => !unitId || p.unit_id === unitId)
    .map((p) => ({ value: p.id, label: `${p.name} – ${p.unit_name}` }));
  const min = res.data?.min_sample ?? 30;
  const q = query(year, unitId, pointId);
  const get = (path: string, name: string) => {
    setDlError(null);
    download(path, name).catch(setDlError);
  };

  // Phòng Nội vụ (plans:manage, as the route asks) on a result linked to a SIPAS criterion
  const taskAction = (r: FactorResult | QuestionResult, s: Omit<TaskSource, 'nodeId' | 'unitId'>) =>
    can('plans:manage') && r.node_id ? (
      <Button size="small" onClick={() => setSource({ ...s, nodeId: r.node_id!, unitId })}>
        {w('createTask')}
      </Button>
    ) : null;

  return (
    <>
      {source && (
        <CreateTaskModal
          source={source}
          year={year}
          onClose={() => setSource(null)}
          onCreated={(t) => {
            setSource(null);
            message.success(w('taskCreated', `${t.label} ${t.title}`));
            void qc.invalidateQueries({ queryKey: surveysResultsQueryKey() }); // the new task shows among the linked ones
          }}
        />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <label htmlFor="sv-year">{w('year')}</label>
        <Select
          id="sv-year"
          style={{ width: 100 }}
          value={year}
          onChange={setYear}
          options={[0, 1, 2, 3].map((d) => ({ value: thisYear - d, label: String(thisYear - d) }))}
        />
        <label htmlFor="sv-unit">{w('unit')}</label>
        <Select
          id="sv-unit"
          allowClear
          style={{ minWidth: 220 }}
          placeholder={w('allUnits')}
          value={unitId}
          onChange={(v) => {
            setUnitId(v);
            setPointId(undefined);
          }}
          options={[...units].map(([value, label]) => ({ value, label }))}
        />
        <label htmlFor="sv-point">{w('point')}</label>
        <Select id="sv-point" allowClear style={{ minWidth: 260 }} placeholder={w('allPoints')} value={pointId} onChange={setPointId} options={pointOptions} />
        <Button onClick={() => get(`/survey-results.xlsx?${q}`, `ket-qua-khao-sat-${year}.xlsx`)}>{w('downloadXlsx')}</Button>
        <Button onClick={() => get(`/survey-results.docx?${q}`, `tom-tat-khao-sat-${year}.docx`)}>{w('downloadDocx')}</Button>
      </Space>
      <ProblemAlert error={dlError} />
      <Guard loading={res.isPending} error={res.error}>
        {() => {
          const d = res.data!;
          const flagged = Object.values(d.flags ?? {}).reduce((a, b) => a + b, 0);
          const official = d.official_year ? ` ${d.official_year}` : '';
          if (!d.responses)
            return (
              <Typography.Paragraph>
                {w('noData')}
              </Typography.Paragraph>
            );
          return (
            <>
              <Card size="small" style={{ marginBottom: 12 }}>
                <Space wrap size={24}>
                  <span>
                    {w('responses')}: <strong>{d.responses}</strong>
                  </span>
                  <span>
                    {w('overall')}: <strong>{pct(d.overall.satisfied_share, lang)}</strong>
                    {d.index != null && ` · ${w('index')} ${dec(d.index, lang)}`}
                  </span>
                  {d.official_index != null && (
                    <span>
                      {w('officialYear', d.official_year ?? '')}: <strong>{pct(d.official_index, lang)}</strong> · {w('gap')} {gapText(d.gap, lang)}
                      {d.official?.some((o) => o.illustrative) && (
                        <Tag color="#7a5a00" style={{ marginLeft: 8 }}>
                          {w('illustrative')}
                        </Tag>
                      )}
                    </span>
                  )}
                  {!!flagged && (
                    <span>
                      {w('flagged')}: <strong>{flagged}</strong>
                    </span>
                  )}
                  {d.weights_source === 'equal' && <Typography.Text type="secondary">{w('equalWeights')}</Typography.Text>}
                </Space>
              </Card>
              <Card size="small" title={w('byFactor')} style={{ marginBottom: 12 }}>
                <Table<FactorResult>
                  rowKey="factor"
                  size="small"
                  pagination={false}
                  expandable={expandTasks(w('tasks'))}
                  dataSource={d.factors}
                  columns={[
                    { title: w('factor'), dataIndex: 'factor', render: (f: string) => factorName(f) },
                    { title: w('responses'), dataIndex: 'responses', align: 'right' },
                    { title: w('satisfied'), key: 'rate', render: (_: unknown, r) => <Rate s={r} min={min} /> },
                    { title: w('index'), dataIndex: 'index', align: 'right', render: (v) => dec(v, lang) },
                    { title: w('weight'), dataIndex: 'weight', align: 'right', render: (v) => dec(v, lang) },
                    { title: `${w('official')}${official}`, dataIndex: 'official_percent', align: 'right', render: (v) => pct(v, lang) },
                    { title: <Tooltip title={w('gapHelp')}>{w('gap')}</Tooltip>, dataIndex: 'gap', align: 'right', render: (v) => gapText(v, lang) },
                    {
                      title: w('tasks'),
                      key: 'tasks',
                      render: (_: unknown, r) => (
                        <TasksCell r={r}>{taskAction(r, { label: factorName(r.factor), share: r.satisfied_share })}</TasksCell>
                      ),
                    },
                  ]}
                />
              </Card>
              <Card size="small" title={w('byQuestion')} style={{ marginBottom: 12 }}>
                <Table<QuestionResult>
                  rowKey="question_id"
                  size="small"
                  pagination={false}
                  expandable={expandTasks(w('tasks'))}
                  dataSource={d.questions}
                  columns={[
                    { title: w('question'), dataIndex: 'text', width: '40%' },
                    { title: w('factor'), dataIndex: 'factor', render: (f: string) => factorName(f) },
                    { title: w('responses'), dataIndex: 'responses', align: 'right' },
                    { title: w('satisfied'), key: 'rate', render: (_: unknown, r) => <Rate s={r} min={min} /> },
                    {
                      title: w('tasks'),
                      key: 'tasks',
                      render: (_: unknown, r) => <TasksCell r={r}>{taskAction(r, { label: r.text, share: r.satisfied_share })}</TasksCell>,
                    },
                  ]}
                />
              </Card>
              <Card size="small" title={w('byPoint')} style={{ marginBottom: 12 }}>
                <GroupTable rows={d.desks} min={min} name={w('point')} withUnit />
              </Card>
              <Card size="small" title={w('byUnit')} style={{ marginBottom: 12 }}>
                <GroupTable rows={d.units} min={min} name={w('unit')} />
              </Card>
              <Card size="small" title={w('trend')}>
                <Table<MonthResult>
                  rowKey="month"
                  size="small"
                  pagination={false}
                  dataSource={d.months}
                  columns={[
                    { title: w('month'), dataIndex: 'month', render: (m: string) => monthText(m) },
                    { title: w('responses'), dataIndex: 'responses', align: 'right' },
                    { title: w('index'), dataIndex: 'index', align: 'right', render: (v) => dec(v, lang) },
                    ...FACTOR_CODES.map((f) => ({
                      title: factorName(f),
                      key: f,
                      align: 'right' as const,
                      render: (_: unknown, m: MonthResult) => pct(m.factors[f], lang),
                    })),
                  ]}
                />
              </Card>
            </>
          );
        }}
      </Guard>
    </>
  );
}
