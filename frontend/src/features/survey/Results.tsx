import { App, Button, Card, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { apiGet, download, type Page } from '../../api/http';
import { BucketTag, Guard, ProblemAlert, useLoad } from '../../components/common';
import CreateTaskModal, { type TaskSource } from './CreateTaskModal';
import { ciText, dec, gapText, monthText, pct, type FactorResult, type LinkedTask, type PointT, type QuestionResult, type Results as ResultsT, type Share } from './model';
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
      <span>{s.n ? pct(s.satisfied_share, lang) : '–'}</span>
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
  const { w, date } = useWords();
  if (!tasks?.length) return <Typography.Text type="secondary">{w('noTasks')}</Typography.Text>;
  return (
    <ul style={{ margin: 0, paddingLeft: 16 }}>
      {tasks.map((x) => (
        <li key={`${x.task_id}-${x.assignment_id ?? ''}`}>
          {x.assignment_id ? <Link to={`/assignments/${x.assignment_id}`}>{x.title}</Link> : x.title}
          {x.unit_name ? ` – ${x.unit_name}` : ''}
          {x.deadline ? ` (${date(x.deadline)})` : ''} <BucketTag value={x.bucket} />
        </li>
      ))}
    </ul>
  );
}

/** Kết quả khảo sát: rates per factor, question, desk and unit, the monthly trend, the official results beside with
 *  the gap, the plan tasks linked to each factor and question; Phòng Nội vụ starts a task from a weak result. */
export default function Results() {
  const { w, lang, factorName } = useWords();
  const { message } = App.useApp();
  const [thisYear] = useState(() => new Date().getFullYear());
  const [year, setYear] = useState(thisYear);
  const [unitId, setUnitId] = useState<number | undefined>();
  const [pointId, setPointId] = useState<number | undefined>();
  const [source, setSource] = useState<TaskSource | null>(null);
  const [dlError, setDlError] = useState<unknown>(null);
  const points = useLoad(() => apiGet<Page<PointT>>('/collection-points?limit=500'), []);
  const res = useLoad(() => apiGet<ResultsT>(`/survey-results?${query(year, unitId, pointId)}`), [year, unitId, pointId]);
  const units = new Map((points.data?.items ?? []).map((p) => [p.unit_id, p.unit_name]));
  const pointOptions = (points.data?.items ?? [])
    .filter((p) => !unitId || p.unit_id === unitId)
    .map((p) => ({ value: p.id, label: `${p.name} – ${p.unit_name}` }));
  const min = res.data?.small_sample_min ?? 30;
  const q = query(year, unitId, pointId);
  const get = (path: string, name: string) => {
    setDlError(null);
    download(path, name).catch(setDlError);
  };

  const taskAction = (r: FactorResult | QuestionResult, s: TaskSource) =>
    r.allowed_actions?.includes('create_task') ? (
      <Button size="small" onClick={() => setSource(s)}>
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
          onCreated={() => {
            setSource(null);
            message.success(w('taskCreated'));
            res.reload();
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
      <Guard loading={res.loading} error={res.error}>
        {() => {
          const d = res.data!;
          if (!d.responses && !d.overall?.n)
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
                    {w('responses')}: <strong>{d.responses ?? d.overall?.n ?? 0}</strong>
                  </span>
                  {d.overall && (
                    <span>
                      {w('overall')}: <strong>{pct(d.overall.satisfied_share, lang)}</strong>
                      {d.overall.index != null && ` · ${w('index')} ${dec(d.overall.index, lang)}`}
                    </span>
                  )}
                  {!!d.flagged && (
                    <span>
                      {w('flagged')}: <strong>{d.flagged}</strong>
                    </span>
                  )}
                </Space>
              </Card>
              <Card size="small" title={w('byFactor')} style={{ marginBottom: 12 }}>
                <Table<FactorResult>
                  rowKey="factor"
                  size="small"
                  pagination={false}
                  scroll={{ x: 'max-content' }}
                  dataSource={d.factors}
                  columns={[
                    { title: w('factor'), dataIndex: 'factor', render: (f: string) => factorName(f) },
                    { title: w('responses'), dataIndex: 'n', align: 'right' },
                    { title: w('satisfied'), key: 'rate', render: (_: unknown, r) => <Rate s={r} min={min} /> },
                    { title: w('index'), dataIndex: 'index', align: 'right', render: (v) => dec(v, lang) },
                    { title: w('weight'), dataIndex: 'weight', align: 'right', render: (v) => dec(v, lang) },
                    {
                      title: w('official'),
                      key: 'official',
                      align: 'right',
                      render: (_: unknown, r) => (r.official ? `${pct(r.official.value, lang)} (${r.official.year})` : '–'),
                    },
                    { title: <Tooltip title={w('gapHelp')}>{w('gap')}</Tooltip>, dataIndex: 'gap', align: 'right', render: (v) => gapText(v, lang) },
                    { title: w('tasks'), key: 'tasks', render: (_: unknown, r) => <Tasks tasks={r.tasks} /> },
                    {
                      title: '',
                      key: 'act',
                      render: (_: unknown, r) =>
                        taskAction(r, { factor: r.factor, label: factorName(r.factor), share: r.satisfied_share }),
                    },
                  ]}
                />
              </Card>
              <Card size="small" title={w('byQuestion')} style={{ marginBottom: 12 }}>
                <Table<QuestionResult>
                  rowKey="question_id"
                  size="small"
                  pagination={false}
                  scroll={{ x: 'max-content' }}
                  dataSource={d.questions}
                  columns={[
                    { title: w('question'), dataIndex: 'text', width: 420 },
                    { title: w('factor'), dataIndex: 'factor', render: (f: string) => factorName(f) },
                    { title: w('responses'), dataIndex: 'n', align: 'right' },
                    { title: w('satisfied'), key: 'rate', render: (_: unknown, r) => <Rate s={r} min={min} /> },
                    { title: w('tasks'), key: 'tasks', render: (_: unknown, r) => <Tasks tasks={r.tasks} /> },
                    {
                      title: '',
                      key: 'act',
                      render: (_: unknown, r) =>
                        taskAction(r, { factor: r.factor, questionId: r.question_id, label: r.text, share: r.satisfied_share }),
                    },
                  ]}
                />
              </Card>
              <Space align="start" wrap style={{ width: '100%' }} size={12}>
                <Card size="small" title={w('byPoint')}>
                  <Table
                    rowKey="point_id"
                    size="small"
                    pagination={false}
                    dataSource={d.points}
                    columns={[
                      { title: w('point'), dataIndex: 'name' },
                      { title: w('unit'), dataIndex: 'unit_name' },
                      { title: w('responses'), dataIndex: 'n', align: 'right' },
                      { title: w('satisfied'), key: 'rate', render: (_: unknown, r: Share) => <Rate s={r} min={min} /> },
                    ]}
                  />
                </Card>
                <Card size="small" title={w('byUnit')}>
                  <Table
                    rowKey="unit_id"
                    size="small"
                    pagination={false}
                    dataSource={d.units}
                    columns={[
                      { title: w('unit'), dataIndex: 'unit_name' },
                      { title: w('responses'), dataIndex: 'n', align: 'right' },
                      { title: w('satisfied'), key: 'rate', render: (_: unknown, r: Share) => <Rate s={r} min={min} /> },
                    ]}
                  />
                </Card>
                <Card size="small" title={w('trend')}>
                  <Table
                    rowKey="month"
                    size="small"
                    pagination={false}
                    dataSource={d.months}
                    columns={[
                      { title: w('month'), dataIndex: 'month', render: (m: string) => monthText(m) },
                      { title: w('responses'), dataIndex: 'n', align: 'right' },
                      { title: w('satisfied'), key: 'rate', render: (_: unknown, r: Share) => <Rate s={r} min={min} /> },
                    ]}
                  />
                </Card>
              </Space>
            </>
          );
        }}
      </Guard>
    </>
  );
}
