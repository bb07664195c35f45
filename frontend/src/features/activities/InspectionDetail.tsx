import { App, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/http';
import { activitiesFindingsGetQueryKey, activitiesInspectionsGetQueryKey, activitiesInspectionsListQueryKey } from '../../client/@tanstack/react-query.gen';
import { activitiesFindingsCreate, activitiesFindingsDelete, activitiesFindingsGet, activitiesFindingsUpdate, activitiesInspectionsClose, activitiesInspectionsGet } from '../../client/sdk.gen';
import type { InspectionClose } from '../../client/types.gen';
import { BucketTag, NotAvailable, ProblemAlert } from '../../components/common';
import { etagged, type Tagged } from '../etag';
import DetailFrame from './DetailFrame';
import EvidenceCard from './EvidenceCard';
import Failure from './Failure';
import FollowUpModal from './FollowUpModal';
import { StatusTag } from './InspectionsTab';
import { findingBody, mayDo, type Finding, type FindingValues, type Inspection } from './model';
import { AREAS, SEVERITIES, useWords } from './words';
import ScrollRegion from '../reports/ScrollRegion';
import { useDialogSubmit, useSubmit } from '../../components/useDialogSubmit';

const SEVERITY_COLORS: Record<string, string> = { low: '#555555', medium: '#8a4b00', high: '#b3261e' };

export function SeverityTag({ value }: { value: string }) {
  const { word } = useWords();
  return <Tag color={SEVERITY_COLORS[value] ?? '#555555'}>{word(value)}</Tag>;
}

/** One inspection: its record, findings with their follow-up assignments, closure (what allowed_actions offers). */
export default function InspectionDetail() {
  const { id = '' } = useParams();
  const valid = /^\d+$/.test(id);
  const { w, word, date, dateTime, lang } = useWords();
  const { message, modal } = App.useApp();
  const [adding, setAdding] = useState(false);
  const [closing, setClosing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [followUpOf, setFollowUpOf] = useState<Finding | null>(null);
  const qc = useQueryClient();
  const path = { inspection_id: Number(id) };
  // the inspection with its ETag (closing names it in If-Match)
  const queryKey = activitiesInspectionsGetQueryKey({ path });
  const load = useQuery({
    queryKey,
    queryFn: ({ signal }) => etagged(activitiesInspectionsGet({ path, signal, throwOnError: true })),
    enabled: valid,
  });
  /** After a change: this inspection, the inspection lists and, if given, the finding. */
  const refresh = (findingId?: number) => {
    void qc.invalidateQueries({ queryKey });
    void qc.invalidateQueries({ queryKey: activitiesInspectionsListQueryKey() });
    if (findingId != null) void qc.invalidateQueries({ queryKey: activitiesFindingsGetQueryKey({ path: { finding_id: findingId } }) });
  };
  if (!valid) return <NotAvailable item />;
  const insp = load.data?.data ?? null;
  const etag = load.data?.etag ?? null;
  const removeFinding = (f: Finding) =>
    modal.confirm({
      title: w('deleteFindingConfirm'),
      content: f.content,
      okText: w('delete'),
      okButtonProps: { danger: true },
      cancelText: w('cancel'),
      onOk: async () => {
        setError(null);
        try {
          const fpath = { finding_id: f.id };
          const fresh = await etagged(activitiesFindingsGet({ path: fpath, throwOnError: true }));
          await activitiesFindingsDelete({ path: fpath, headers: fresh.etag ? { 'If-Match': fresh.etag } : {}, throwOnError: true });
          message.success(w('deleted'));
          refresh(f.id);
        } catch (e) {
          setError(e);
        }
      },
    });
  return (
    <DetailFrame
      back="/activities/inspections"
      record={insp}
      loading={load.isPending}
      error={load.error}
      title={(x) => w('inspectionOf', x.unit_name ?? '')}
      tags={(x) => (
        <>
          <StatusTag status={x.status} />
          <Tag>{word(x.kind)}</Tag>
        </>
      )}
    >
      {(insp) => (
            <>
              <Descriptions
                bordered
                size="small"
                column={{ xs: 1, sm: 2 }}
                style={{ background: '#fff', marginBottom: 16 }}
                items={[
                  { key: 'unit', label: w('inspectedUnit'), children: insp.unit_name },
                  { key: 'date', label: w('date'), children: date(insp.date) },
                  { key: 'kind', label: w('kind'), children: word(insp.kind) },
                  { key: 'areas', label: w('areas'), children: insp.areas.map((a) => word(a)).join('; ') || '—' },
                  { key: 'team', label: w('team'), span: 2, children: insp.team.length ? <ul style={{ margin: 0, paddingLeft: 18 }}>{insp.team.map((p) => <li key={p}>{p}</li>)}</ul> : '—' },
                  { key: 'summary', label: w('summary'), span: 2, children: <span className="user-text">{insp.summary || '—'}</span> },
                  ...(insp.status === 'closed'
                    ? [
                        { key: 'conclusion', label: w('conclusion'), span: 2, children: <span className="user-text">{insp.conclusion || '—'}</span> },
                        { key: 'closed', label: w('closedAt'), children: dateTime(insp.closed_at) || '—' },
                      ]
                    : []),
                ]}
              />
              <ProblemAlert error={error} />
              <Card
                size="small"
                title={<h2 style={{ fontSize: 16, margin: 0 }}>{w('findings')}</h2>}
                style={{ marginBottom: 16 }}
                extra={
                  <Space wrap>
                    {mayDo(insp, 'add_finding') && (
                      <Button type="primary" onClick={() => setAdding(true)}>
                        {w('addFinding')}
                      </Button>
                    )}
                    {mayDo(insp, 'close') && <Button onClick={() => setClosing(true)}>{w('close')}</Button>}
                  </Space>
                }
              >
                <ScrollRegion label={w('findings')}>
                  <Table<Finding>
                    rowKey="id"
                    size="small"
                    data-testid="findings"
                    pagination={false}
                    dataSource={insp.findings ?? []}
                    locale={{ emptyText: w('noFindings') }}
                    columns={[
                      { title: w('finding'), dataIndex: 'content', render: (v: string) => <span className="user-text">{v}</span> },
                      { title: w('severity'), dataIndex: 'severity', render: (v: string) => <SeverityTag value={v} /> },
                      { title: w('area'), dataIndex: 'area', render: (v: string | null) => (v ? word(v) : '—') },
                      {
                        title: w('followUp'),
                        key: 'fu',
                        render: (_: unknown, f) =>
                          f.follow_up ? (
                            <div data-testid="follow-up">
                              <div>{f.follow_up.title}</div>
                              <Space size={4} wrap>
                                {f.follow_up.deadline && <span>{`${w('deadline')}: ${date(f.follow_up.deadline)}`}</span>}
                                <BucketTag value={f.follow_up.bucket} />
                                {f.follow_up.assignment_id != null && <Link to={`/assignments/${f.follow_up.assignment_id}`}>{w('openTask')}</Link>}
                              </Space>
                            </div>
                          ) : (
                            w('noFollowUp')
                          ),
                      },
                      {
                        title: '',
                        key: 'act',
                        render: (_: unknown, f) => (
                          <Space size={4}>
                            {mayDo(f, 'add_follow_up') && !f.follow_up && (
                              <Button size="small" onClick={() => setFollowUpOf(f)} aria-label={`${w('assignFix')}: ${f.content.slice(0, 40)}`}>
                                {w('assignFix')}
                              </Button>
                            )}
                            {mayDo(f, 'delete') && (
                              <Button size="small" danger onClick={() => removeFinding(f)} aria-label={`${w('deleteFinding')}: ${f.content.slice(0, 40)}`}>
                                {w('delete')}
                              </Button>
                            )}
                          </Space>
                        ),
                      },
                    ]}
                  />
                </ScrollRegion>
              </Card>
              {adding && (
                <FindingModal
                  inspection={insp}
                  onClose={() => setAdding(false)}
                  onSaved={() => {
                    setAdding(false);
                    refresh();
                  }}
                />
              )}
              {followUpOf && (
                <FollowUpModal
                  idemPrefix="finding-follow-up"
                  title={w('assignFix')}
                  send={async (body) => {
                    const fpath = { finding_id: followUpOf.id };
                    const fresh = await etagged(activitiesFindingsGet({ path: fpath, throwOnError: true }));
                    return activitiesFindingsUpdate({ path: fpath, headers: fresh.etag ? { 'If-Match': fresh.etag } : {}, body: { follow_up: body }, throwOnError: true });
                  }}
                  onClose={() => setFollowUpOf(null)}
                  onSaved={() => {
                    const fid = followUpOf.id;
                    setFollowUpOf(null);
                    refresh(fid);
                  }}
                />
              )}
              <EvidenceCard prefix="inspections" ownerId={insp.id} canUpload={mayDo(insp, 'upload_evidence')} />
              {closing && (
                <CloseModal
                  inspection={insp}
                  etag={etag}
                  lang={lang}
                  onClose={() => setClosing(false)}
                  onSaved={(x) => {
                    setClosing(false);
                    qc.setQueryData(queryKey, x);
                    refresh();
                    message.success(w('closed'));
                  }}
                />
              )}
            </>
      )}
    </DetailFrame>
  );
}

/** Thêm tồn tại, optionally with a follow-up that becomes an assignment of the inspected unit. */
function FindingModal({ inspection, onClose, onSaved }: { inspection: Inspection; onClose: () => void; onSaved: () => void }) {
  const { w, need, word } = useWords();
  const { message } = App.useApp();
  const [form] = Form.useForm<FindingValues>();
  const withFu = Form.useWatch('with_follow_up', form);
  const { key, busy, error, run } = useDialogSubmit('finding');
  const submit = async (v: FindingValues) => {
    await run(async () => {
      await activitiesFindingsCreate({ path: { inspection_id: inspection.id }, headers: { 'Idempotency-Key': key }, body: findingBody(v), throwOnError: true });
      message.success(w('findingAdded'));
      onSaved();
    });
  };
  return (
    <Modal open title={w('addFinding')} okText={w('save')} cancelText={w('cancel')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy }} width={640}>
      <ProblemAlert error={error} />
      <Form<FindingValues> form={form} layout="vertical" onFinish={submit} initialValues={{ severity: 'medium', area: inspection.areas[0] ?? null, with_follow_up: true }}>
        <Form.Item label={w('finding')} name="content" rules={[need(w('finding')), { max: 5000 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Space wrap size="large">
          <Form.Item label={w('severity')} name="severity" rules={[need(w('severity'))]}>
            <Select style={{ width: 200 }} options={SEVERITIES.map((s) => ({ value: s, label: word(s) }))} />
          </Form.Item>
          <Form.Item label={w('area')} name="area">
            <Select style={{ width: 320 }} allowClear options={AREAS.map((a) => ({ value: a, label: word(a) }))} />
          </Form.Item>
        </Space>
        <Form.Item name="with_follow_up" valuePropName="checked" extra={w('followUpHelp')}>
          <Checkbox>{w('withFollowUp')}</Checkbox>
        </Form.Item>
        {withFu && (
          <>
            <Form.Item label={w('followUpTitle')} name="fu_title" rules={[need(w('followUpTitle')), { max: 1000 }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
            <Form.Item label={w('product')} name="fu_product" rules={[{ max: 1000 }]}>
              <Input />
            </Form.Item>
            <Form.Item label={w('deadline')} name="fu_deadline" rules={[need(w('deadline'))]}>
              <DatePicker format="DD/MM/YYYY" />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

/** Kết thúc cuộc kiểm tra with the conclusion; a 409 (follow-ups still open) offers closing anyway, with a reason. */
function CloseModal({ inspection, etag, lang, onClose, onSaved }: { inspection: Inspection; etag: string | null; lang: string; onClose: () => void; onSaved: (i: Tagged<Inspection>) => void }) {
  const { w } = useWords();
  const [conclusion, setConclusion] = useState(inspection.conclusion ?? '');
  const [force, setForce] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit();
  // once refused for open follow-ups (409), closing anyway stays offered
  const blocked = force || (error instanceof ApiError && error.status === 409);
  const ok = conclusion.trim() && (!force || reason.trim());
  const submit = () =>
    run(async () => {
      const body: InspectionClose = force ? { conclusion: conclusion.trim(), force: true, reason: reason.trim() } : { conclusion: conclusion.trim() };
      onSaved(await etagged(activitiesInspectionsClose({ path: { inspection_id: inspection.id }, headers: etag ? { 'If-Match': etag } : {}, body, throwOnError: true })));
    });
  return (
    <Modal open title={w('close')} okText={w('close')} cancelText={w('cancel')} onCancel={onClose} onOk={submit} okButtonProps={{ loading: busy, disabled: !ok }} width={600}>
      <p style={{ marginTop: 0 }}>{w('closeHelp')}</p>
      <Failure error={error} />
      <label htmlFor="insp-conclusion">{w('conclusion')}</label>
      <Input.TextArea id="insp-conclusion" rows={4} maxLength={5000} value={conclusion} onChange={(e) => setConclusion(e.target.value)} />
      {blocked && (
        <div style={{ marginTop: 12 }}>
          <Checkbox checked={force} onChange={(e) => setForce(e.target.checked)}>
            {w('closeForce')}
          </Checkbox>
          {force && (
            <>
              <label htmlFor="insp-force-reason" style={{ display: 'block', marginTop: 8 }}>
                {w('closeReason')}
              </label>
              <Input.TextArea id="insp-force-reason" rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} lang={lang} />
            </>
          )}
        </div>
      )}
    </Modal>
  );
}
