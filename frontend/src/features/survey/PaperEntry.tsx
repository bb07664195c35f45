import { Alert, Button, DatePicker, Input, Select, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { surveysGetOptions, surveysListPointsOptions, surveysResultsQueryKey } from '../../client/@tanstack/react-query.gen';
import { surveysEnterPaper } from '../../client/sdk.gen';
import type { PaperResult } from '../../client/types.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { newIdempotencyKey } from '../reports/model';
import { emptyRow, paperBatch, paperGaps, type PaperRow, type SurveyQuestion } from './model';
import { useAuth } from '../../auth';
import { useWords } from './words';

const LIKERT = [5, 4, 3, 2, 1];
const LIKERT_VI: Record<number, string> = { 5: '5 – Rất hài lòng', 4: '4 – Hài lòng', 3: '3 – Bình thường', 2: '2 – Không hài lòng', 1: '1 – Rất không hài lòng' };
const LIKERT_EN: Record<number, string> = { 5: '5 – Very satisfied', 4: '4 – Satisfied', 3: '3 – Neutral', 2: '2 – Dissatisfied', 1: '1 – Very dissatisfied' };

/** Answers of one paper form, one cell per question: a native select (typing the digit picks the level). */
function Cell({ q, row, rowNo, onChange }: { q: SurveyQuestion; row: PaperRow; rowNo: number; onChange: (v: number | undefined) => void }) {
  const { w, lang } = useWords();
  const value = row.answers[q.id!];
  const opts = q.scale === 'yes_no' ? [[1, lang === 'en' ? '1 – Yes' : '1 – Có'] as const, [0, lang === 'en' ? '0 – No' : '0 – Không'] as const] : LIKERT.map((v) => [v, (lang === 'en' ? LIKERT_EN : LIKERT_VI)[v]] as const);
  return (
    <select
      aria-label={`${w('rowNo')} ${rowNo} – ${q.code}`}
      title={q.text}
      value={value === undefined ? '' : String(value)}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      style={{ width: 84, height: 32 }}
    >
      <option value="">–</option>
      {opts.map(([v, label]) => (
        <option key={v} value={v}>
          {label}
        </option>
      ))}
    </select>
  );
}

/** Nhập phiếu giấy: an officer types the paper forms of one of the unit's desks in bulk, one row per form. */
export default function PaperEntry() {
  const { w } = useWords();
  const { me } = useAuth();
  // the server's date (a demo runs on a fixed date), not the browser's: the server refuses later dates
  const today = me?.today ? dayjs(me.today) : dayjs();
  const [pointId, setPointId] = useState<number | undefined>();
  const [answeredOn, setAnsweredOn] = useState<Dayjs>(() => today);
  const [rows, setRows] = useState<PaperRow[]>(() => Array.from({ length: 5 }, (_, i) => emptyRow(i)));
  const [key, setKey] = useState(() => newIdempotencyKey('paper'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<PaperResult | null>(null);
  const qc = useQueryClient();
  const points = useQuery(surveysListPointsOptions({ query: { limit: 500 } }));
  const usable = (points.data?.items ?? []).filter((p) => p.active && (p.allowed_actions.includes('enter_paper') || p.allowed_actions.includes('enter')));
  const point = usable.find((p) => p.id === pointId);
  const survey = useQuery({ ...surveysGetOptions({ path: { survey_id: point?.survey_id ?? 0 } }), enabled: !!point });
  const questions = [...(survey.data?.questions ?? [])].sort((a, b) => a.order - b.order);

  const setAnswer = (i: number, qid: number, v: number | undefined) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, answers: { ...r.answers, [qid]: v } } : r)));
  const save = async () => {
    const batch = paperBatch(rows, answeredOn.format('YYYY-MM-DD'));
    setError(null);
    setDone(null);
    if (!batch.length) return setError(new Error(w('paperEmpty')));
    const gaps = paperGaps(rows, questions);
    if (gaps.length) return setError(new Error(gaps.map(([n, codes]) => w('paperGap', `${n}: ${codes.join(', ')}`)).join(' ')));
    setBusy(true);
    try {
      const { data } = await surveysEnterPaper({
        path: { point_id: pointId! },
        headers: { 'Idempotency-Key': key },
        throwOnError: true,
        body: { responses: batch },
      });
      setDone(data);
      void qc.invalidateQueries({ queryKey: surveysResultsQueryKey() }); // the results count these forms now
      setRows(Array.from({ length: 5 }, (_, i) => emptyRow(i)));
      setKey(newIdempotencyKey('paper'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const flaggedCount = done ? Object.values(done.flagged ?? {}).reduce((a, b) => a + b, 0) : 0;

  return (
    <>
      <Typography.Paragraph>{w('paperHelp')}</Typography.Paragraph>
      <Guard loading={points.isPending} error={points.error}>
        {() => (
          <Space wrap style={{ marginBottom: 12 }}>
            <label htmlFor="paper-point">{w('point')}</label>
            <Select
              id="paper-point"
              style={{ minWidth: 320 }}
              placeholder={w('choosePoint')}
              value={pointId}
              onChange={(v) => {
                setPointId(v);
                setDone(null);
              }}
              options={usable.map((p) => ({ value: p.id, label: `${p.name} – ${p.unit_name}` }))}
            />
            <label htmlFor="paper-date">{w('answeredOn')}</label>
            <DatePicker
              id="paper-date"
              format="DD/MM/YYYY"
              allowClear={false}
              value={answeredOn}
              disabledDate={(d) => d.isAfter(today, 'day')}
              onChange={(d) => d && setAnsweredOn(d)}
            />
          </Space>
        )}
      </Guard>
      {done && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={w('paperSaved', done.created)}
          description={flaggedCount ? w('paperFlagged', flaggedCount) : undefined}
        />
      )}
      <ProblemAlert error={error} />
      {point && (
        <Guard loading={survey.isLoading} error={survey.error}>
          {() => (
            <>
              <Table<PaperRow>
                rowKey="key"
                size="small"
                pagination={false}
                scroll={{ x: 'max-content' }}
                dataSource={rows}
                columns={[
                  { title: w('rowNo'), key: 'no', render: (_: unknown, _r, i) => i + 1, fixed: 'left' },
                  ...questions.map((q) => ({
                    title: (
                      <span title={q.text}>
                        {q.code}
                        {q.required ? ' *' : ''}
                      </span>
                    ),
                    key: `q${q.id}`,
                    render: (_: unknown, r: PaperRow, i: number) => <Cell q={q} row={r} rowNo={i + 1} onChange={(v) => setAnswer(i, q.id!, v)} />,
                  })),
                  ...(survey.data?.allow_comment
                    ? [
                        {
                          title: w('comment'),
                          key: 'comment',
                          render: (_: unknown, r: PaperRow, i: number) => (
                            <Input
                              aria-label={`${w('rowNo')} ${i + 1} – ${w('comment')}`}
                              style={{ minWidth: 220 }}
                              maxLength={2000}
                              value={r.comment}
                              onChange={(e) => setRows((rs) => rs.map((x, j) => (j === i ? { ...x, comment: e.target.value } : x)))}
                            />
                          ),
                        },
                      ]
                    : []),
                ]}
              />
              <details style={{ margin: '8px 0' }}>
                <summary>{w('questions')}</summary>
                <ul>
                  {questions.map((q) => (
                    <li key={q.id}>
                      <strong>{q.code}</strong>: {q.text}
                    </li>
                  ))}
                </ul>
              </details>
              <Space wrap>
                <Button onClick={() => setRows((rs) => [...rs, emptyRow(rs.length)])}>{w('addRow')}</Button>
                <Button onClick={() => setRows((rs) => [...rs, ...Array.from({ length: 10 }, (_, i) => emptyRow(rs.length + i))])}>{w('addRows')}</Button>
                <Button type="primary" loading={busy} onClick={() => void save()}>
                  {w('saveRows')}
                </Button>
              </Space>
            </>
          )}
        </Guard>
      )}
    </>
  );
}
