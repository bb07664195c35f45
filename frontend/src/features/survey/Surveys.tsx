import { Alert, App, Button, Card, Checkbox, Descriptions, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useAuth } from '../../auth';
import { surveysListOptions, surveysListQueryKey } from '../../client/@tanstack/react-query.gen';
import { surveysCreate, surveysGet, surveysPublish, surveysRetire, surveysUpdate } from '../../client/sdk.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { etagged } from '../etag';
import { newIdempotencyKey } from '../reports/model';
import { nextCode, questionIn, type SurveyQuestion, type SurveyT } from './model';
import { FACTOR_NAMES, useWords } from './words';

const FACTORS = Object.keys(FACTOR_NAMES.vi);

function StatusTag({ status }: { status: string }) {
  const { statusName } = useWords();
  const color = status === 'published' ? '#1d6b2f' : status === 'draft' ? '#0b5cab' : '#555555';
  return <Tag color={color}>{statusName(status)}</Tag>;
}

/** Editing a draft: name, note, comment allowed, and each question (factor, wording, other languages, scale). */
function EditModal({ survey, onClose, onSaved }: { survey: SurveyT; onClose: () => void; onSaved: () => void }) {
  const { w, factorName, scaleName } = useWords();
  const [name, setName] = useState(survey.name);
  const [note, setNote] = useState(survey.source_note ?? '');
  const [allowComment, setAllowComment] = useState(survey.allow_comment);
  const [qs, setQs] = useState<SurveyQuestion[]>(() => survey.questions.map((q) => ({ ...q, labels: { ...q.labels } })));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const patch = (i: number, change: Partial<SurveyQuestion>) => setQs((xs) => xs.map((q, j) => (j === i ? { ...q, ...change } : q)));
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const path = { survey_id: survey.id };
      const { etag } = await etagged(surveysGet({ path, throwOnError: true }));
      await surveysUpdate({
        path,
        headers: etag ? { 'If-Match': etag } : {},
        body: { name: name.trim(), source_note: note.trim() || null, allow_comment: allowComment, questions: qs.map(questionIn) },
        throwOnError: true,
      });
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={w('edit')} okText={w('save')} cancelText={w('cancel')} onCancel={onClose} onOk={save} okButtonProps={{ loading: busy }} width={900}>
      <ProblemAlert error={error} />
      <Space direction="vertical" style={{ width: '100%' }}>
        <label htmlFor="sv-name">{w('surveyName')}</label>
        <Input id="sv-name" value={name} maxLength={300} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="sv-note">{w('sourceNote')}</label>
        <Input.TextArea id="sv-note" value={note} maxLength={4000} autoSize={{ minRows: 2, maxRows: 6 }} onChange={(e) => setNote(e.target.value)} />
        <Checkbox checked={allowComment} onChange={(e) => setAllowComment(e.target.checked)}>
          {w('allowComment')}
        </Checkbox>
        {qs.map((q, i) => (
          <Card
            key={q.id ?? q.code}
            size="small"
            title={`${w('question')} ${i + 1}`}
            extra={
              <Button size="small" danger disabled={qs.length <= 1} onClick={() => setQs((xs) => xs.filter((_, j) => j !== i))}>
                {w('remove')}
              </Button>
            }
          >
            <Space wrap style={{ marginBottom: 8 }}>
              <Select
                aria-label={w('factor')}
                style={{ minWidth: 320 }}
                value={q.factor}
                onChange={(v) => patch(i, { factor: v })}
                options={FACTORS.map((f) => ({ value: f, label: factorName(f) }))}
              />
              <Select
                aria-label={w('scale')}
                style={{ minWidth: 260 }}
                value={q.scale}
                onChange={(v) => patch(i, { scale: v })}
                options={['likert5', 'yes_no'].map((s) => ({ value: s, label: scaleName(s) }))}
              />
              <InputNumber aria-label="Thứ tự" min={0} max={10000} value={q.order} onChange={(v) => patch(i, { order: v ?? 0 })} />
              <Checkbox checked={q.required} onChange={(e) => patch(i, { required: e.target.checked })}>
                {w('requiredQ')}
              </Checkbox>
            </Space>
            <Input.TextArea
              aria-label={`${w('question')} ${i + 1}`}
              value={q.text}
              maxLength={1000}
              autoSize={{ minRows: 1, maxRows: 4 }}
              onChange={(e) => patch(i, { text: e.target.value })}
            />
            {(['tay', 'nung', 'en'] as const).map((k) => (
              <Input
                key={k}
                style={{ marginTop: 6 }}
                addonBefore={w(k === 'tay' ? 'labelTay' : k === 'nung' ? 'labelNung' : 'labelEn')}
                aria-label={`${w(k === 'tay' ? 'labelTay' : k === 'nung' ? 'labelNung' : 'labelEn')} – ${w('question')} ${i + 1}`}
                value={q.labels?.[k] ?? ''}
                maxLength={1000}
                onChange={(e) => patch(i, { labels: { ...q.labels, [k]: e.target.value } })}
              />
            ))}
          </Card>
        ))}
        <Button
          onClick={() =>
            setQs((xs) => [
              ...xs,
              { code: nextCode(xs), factor: xs[xs.length - 1]?.factor ?? 'tiep_can', order: (xs[xs.length - 1]?.order ?? 0) + 1, text: '', labels: {}, scale: 'likert5', required: true },
            ])
          }
        >
          {w('addQuestion')}
        </Button>
      </Space>
    </Modal>
  );
}

/** Phiếu khảo sát: the survey definitions (versions), their questions per factor; Phòng Nội vụ edits a draft,
 *  publishes it, or starts a new version from a published one — each button only where the API allows it. */
export default function Surveys() {
  const { w, date, factorName, scaleName } = useWords();
  const { me } = useAuth();
  const { modal, message } = App.useApp();
  const [openId, setOpenId] = useState<number | null>(null);
  const [editing, setEditing] = useState<SurveyT | null>(null);
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();
  const list = useQuery(surveysListOptions({ query: { limit: 200 } }));
  const reload = () => void qc.invalidateQueries({ queryKey: surveysListQueryKey() });
  /** publish / retire: with If-Match on the ETag read just before */
  const transition = async (s: SurveyT, step: typeof surveysPublish) => {
    const path = { survey_id: s.id };
    const { etag } = await etagged(surveysGet({ path, throwOnError: true }));
    await step({ path, headers: etag ? { 'If-Match': etag } : {}, throwOnError: true });
  };
  const current = (list.data?.items ?? []).find((s) => s.id === openId) ?? null;

  const publish = (s: SurveyT) =>
    modal.confirm({
      title: w('publish'),
      content: w('publishConfirm'),
      okText: w('publish'),
      cancelText: w('cancel'),
      onOk: async () => {
        setError(null);
        try {
          await transition(s, surveysPublish);
          message.success(w('published'));
          reload();
        } catch (e) {
          setError(e);
        }
      },
    });
  const retire = (s: SurveyT) =>
    modal.confirm({
      title: w('retire'),
      content: w('retireConfirm'),
      okText: w('retire'),
      cancelText: w('cancel'),
      onOk: async () => {
        setError(null);
        try {
          await transition(s, surveysRetire);
          reload();
        } catch (e) {
          setError(e);
        }
      },
    });
  const newVersion = async (s: SurveyT) => {
    setError(null);
    try {
      const owner = s.owner_unit_id ?? me?.memberships?.[0]?.unit_id;
      const { data } = await surveysCreate({
        headers: { 'Idempotency-Key': newIdempotencyKey('survey') },
        body: { owner_unit_id: owner!, copy_from_id: s.id },
        throwOnError: true,
      });
      message.success(w('newVersionDone'));
      reload();
      setOpenId(data.id);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      {editing && (
        <EditModal
          survey={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            message.success(w('saved'));
            reload();
          }}
        />
      )}
      <ProblemAlert error={error} />
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <Table<SurveyT>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: w('noSurveys') }}
            style={{ marginBottom: 12 }}
            columns={[
              { title: w('surveyName'), dataIndex: 'name', render: (v: string, s) => <a onClick={() => setOpenId(s.id === openId ? null : s.id)}>{v}</a> },
              { title: w('version'), dataIndex: 'version', align: 'right' },
              { title: w('status'), dataIndex: 'status', render: (v: string) => <StatusTag status={v} /> },
              {
                title: w('verified'),
                dataIndex: 'verified',
                render: (v: boolean) => (v ? <Tag color="#1d6b2f">{w('verified')}</Tag> : <Tag color="#7a5a00">{w('unverified')}</Tag>),
              },
              { title: w('questions'), key: 'q', align: 'right', render: (_: unknown, s) => s.questions.length },
              { title: w('points'), dataIndex: 'points', align: 'right' },
              {
                title: w('actions'),
                key: 'act',
                render: (_: unknown, s) => (
                  <Space wrap>
                    <Button size="small" onClick={() => setOpenId(s.id === openId ? null : s.id)}>
                      {s.id === openId ? w('close') : w('open')}
                    </Button>
                    {s.allowed_actions?.includes('edit') && (
                      <Button size="small" onClick={() => setEditing(s)}>
                        {w('edit')}
                      </Button>
                    )}
                    {s.allowed_actions?.includes('publish') && (
                      <Button size="small" type="primary" onClick={() => publish(s)}>
                        {w('publish')}
                      </Button>
                    )}
                    {s.allowed_actions?.includes('retire') && (
                      <Button size="small" onClick={() => retire(s)}>
                        {w('retire')}
                      </Button>
                    )}
                    {s.allowed_actions?.includes('copy') && (
                      <Button size="small" onClick={() => void newVersion(s)}>
                        {w('newVersion')}
                      </Button>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Guard>
      {current && (
        <Card size="small" title={`${current.name} – ${w('version').toLowerCase()} ${current.version}`}>
          {!current.verified && <Alert type="warning" showIcon title={w('unverified')} style={{ marginBottom: 12 }} />}
          <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={w('status')}>
              <StatusTag status={current.status} />
              {current.published_at ? ` ${date(current.published_at)}` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={w('allowComment')}>{current.allow_comment ? '✓' : '–'}</Descriptions.Item>
            {current.source_note && <Descriptions.Item label={w('sourceNote')}>{current.source_note}</Descriptions.Item>}
            {!!current.languages?.length && (
              <Descriptions.Item label={w('otherLanguages')}>
                <Space wrap>
                  {current.languages.map((l) => (
                    <Tag key={l.code} color={l.verified ? '#1d6b2f' : '#7a5a00'} title={l.note ?? undefined} data-testid={`lang-${l.code}`}>
                      {l.name}: {w('labelledOf', l.labelled).replace('{total}', String(l.questions))} · {l.verified ? w('verified') : w('unverified')}
                    </Tag>
                  ))}
                </Space>
                {current.languages.filter((l) => l.note).map((l) => (
                  <div key={l.code} style={{ fontSize: 12, color: 'rgba(0,0,0,0.68)' }}>{l.note}</div>
                ))}
              </Descriptions.Item>
            )}
          </Descriptions>
          {FACTORS.filter((f) => current.questions.some((q) => q.factor === f)).map((f) => (
            <div key={f} style={{ marginBottom: 12 }}>
              <Typography.Title level={2} style={{ fontSize: 16 }}>
                {factorName(f)}
              </Typography.Title>
              <ol style={{ margin: 0 }}>
                {current.questions
                  .filter((q) => q.factor === f)
                  .sort((a, b) => a.order - b.order)
                  .map((q) => (
                    <li key={q.id ?? q.code} style={{ marginBottom: 6 }}>
                      {q.text}{' '}
                      <Typography.Text type="secondary">
                        ({scaleName(q.scale)}; {q.required ? w('requiredQ') : w('optionalQ')})
                      </Typography.Text>
                      {(['tay', 'nung', 'en'] as const)
                        .filter((k) => q.labels?.[k])
                        .map((k) => (
                          <div key={k} lang={k === 'tay' ? 'tyz' : k === 'nung' ? 'nut' : 'en'}>
                            <Typography.Text type="secondary">
                              {w(k === 'tay' ? 'labelTay' : k === 'nung' ? 'labelNung' : 'labelEn')}: {q.labels[k]}
                            </Typography.Text>
                          </div>
                        ))}
                    </li>
                  ))}
              </ol>
            </div>
          ))}
        </Card>
      )}
    </>
  );
}
