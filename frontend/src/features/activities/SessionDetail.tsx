import { App, Button, Card, Descriptions, Input, Table, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { activitiesSessionsGetQueryKey, activitiesSessionsListQueryKey } from '../../client/@tanstack/react-query.gen';
import { activitiesSessionsExplain, activitiesSessionsFollowUp, activitiesSessionsGet, activitiesSessionsUpdate } from '../../client/sdk.gen';
import { BucketTag, NotAvailable } from '../../components/common';
import { etagged } from '../etag';
import DetailFrame from './DetailFrame';
import EvidenceCard from './EvidenceCard';
import Failure from './Failure';
import FollowUpModal from './FollowUpModal';
import { mayDo, type AccountabilitySession, type FollowUp, type SessionItem } from './model';
import { useWords } from './words';

const STATUS_COLORS: Record<string, string> = { scheduled: '#0b5cab', held: '#8a4b00', closed: '#1d6b2f' };

export function SessionStatusTag({ status }: { status: string }) {
  const { statusWord } = useWords();
  return <Tag color={STATUS_COLORS[status] ?? '#555555'}>{statusWord(status)}</Tag>;
}

/** A session: the items, the head's explanation (activities:respond), the conclusion (Phòng Nội vụ), follow-ups. */
export default function SessionDetail() {
  const { id = '' } = useParams();
  const valid = /^\d+$/.test(id);
  const { w, date } = useWords();
  const { message } = App.useApp();
  const [explanation, setExplanation] = useState<string | null>(null);
  const [conclusion, setConclusion] = useState<string | null>(null);
  const [busy, setBusy] = useState<'explanation' | 'conclusion' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const [draftsOf, setDraftsOf] = useState(id);
  if (draftsOf !== id) {
    // another session: the drafts of the previous one are dropped
    setDraftsOf(id);
    setExplanation(null);
    setConclusion(null);
  }
  const qc = useQueryClient();
  const path = { session_id: Number(id) };
  // the session with its ETag (the explanation and the conclusion name it in If-Match)
  const queryKey = activitiesSessionsGetQueryKey({ path });
  const load = useQuery({
    queryKey,
    queryFn: ({ signal }) => etagged(activitiesSessionsGet({ path, signal, throwOnError: true })),
    enabled: valid,
  });
  const refreshLists = () => void qc.invalidateQueries({ queryKey: activitiesSessionsListQueryKey() });
  if (!valid) return <NotAvailable item />;
  const s: AccountabilitySession | null = load.data?.data ?? null;
  const etag = load.data?.etag ?? null;
  const save = async (what: 'explanation' | 'conclusion', text: string) => {
    setBusy(what);
    setError(null);
    try {
      const headers = etag ? { 'If-Match': etag } : {};
      const r = await etagged<AccountabilitySession>(
        what === 'explanation'
          ? activitiesSessionsExplain({ path, headers, body: { explanation: text.trim() }, throwOnError: true })
          : activitiesSessionsUpdate({ path, headers, body: { conclusion: text.trim() }, throwOnError: true }),
      );
      qc.setQueryData(queryKey, r);
      refreshLists();
      if (what === 'explanation') setExplanation(null);
      else setConclusion(null);
      message.success(w('saved'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <DetailFrame
      back="/activities/sessions"
      record={s}
      loading={load.isPending}
      error={load.error}
      title={(x) => w('sessionOf', x.unit_name ?? '')}
      tags={(x) => <SessionStatusTag status={x.status} />}
    >
      {(s) => (
            <>
              <Descriptions
                bordered
                size="small"
                column={{ xs: 1, sm: 2 }}
                style={{ background: '#fff', marginBottom: 16 }}
                items={[
                  { key: 'unit', label: w('answeringUnit'), children: s.unit_name },
                  { key: 'date', label: w('date'), children: date(s.date) },
                  { key: 'chair', label: w('chairedBy'), children: s.chaired_by || '—' },
                  { key: 'head', label: w('headName'), children: [s.head_title, s.head_name].filter(Boolean).join(' ') || '—' },
                ]}
              />
              <Failure error={error} />
              <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{w('items')}</h2>} style={{ marginBottom: 16 }}>
                <Table<SessionItem>
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={s.items}
                  locale={{ emptyText: '—' }}
                  columns={[
                    {
                      title: w('items'),
                      dataIndex: 'label',
                      render: (v: string, it) => (it.assignment_id ? <Link to={`/assignments/${it.assignment_id}`}>{v}</Link> : v),
                    },
                    { title: w('itemNote'), dataIndex: 'note', render: (v: string | null) => v || '—' },
                  ]}
                />
              </Card>
              <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{w('explanation')}</h2>} style={{ marginBottom: 16 }}>
                <TextBlock
                  id="session-explanation"
                  label={w('explanation')}
                  value={s.explanation}
                  empty={w('noExplanation')}
                  editable={mayDo(s, 'explain')}
                  draft={explanation}
                  setDraft={setExplanation}
                  saving={busy === 'explanation'}
                  saveLabel={w('writeExplanation')}
                  onSave={(t) => save('explanation', t)}
                />
              </Card>
              <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{w('conclusion')}</h2>} style={{ marginBottom: 16 }}>
                <TextBlock
                  id="session-conclusion"
                  label={w('conclusion')}
                  value={s.conclusion}
                  empty={w('noConclusion')}
                  editable={mayDo(s, 'update')}
                  draft={conclusion}
                  setDraft={setConclusion}
                  saving={busy === 'conclusion'}
                  saveLabel={w('writeConclusion')}
                  onSave={(t) => save('conclusion', t)}
                />
              </Card>
              <Card
                size="small"
                title={<h2 style={{ fontSize: 16, margin: 0 }}>{w('followUps')}</h2>}
                extra={mayDo(s, 'add_follow_up') ? <Button onClick={() => setAdding(true)}>{w('addFollowUp')}</Button> : null}
              >
                <Table<FollowUp>
                  rowKey={(f) => `${f.assignment_id ?? f.title}`}
                  size="small"
                  pagination={false}
                  dataSource={s.follow_ups}
                  locale={{ emptyText: w('noFollowUps') }}
                  columns={[
                    { title: w('followUpTitle'), dataIndex: 'title', render: (v: string, f) => (f.assignment_id ? <Link to={`/assignments/${f.assignment_id}`}>{v}</Link> : v) },
                    { title: w('deadline'), dataIndex: 'deadline', render: (v: string | null) => date(v) || '—' },
                    { title: w('status'), key: 'b', render: (_: unknown, f) => <BucketTag value={f.bucket ?? f.status} /> },
                  ]}
                />
              </Card>
              <div style={{ height: 16 }} />
              <EvidenceCard prefix="accountability-sessions" ownerId={s.id} canUpload={mayDo(s, 'upload_evidence')} />
              {adding && (
                <FollowUpModal
                  idemPrefix="accountability-follow-up"
                  title={w('addFollowUp')}
                  send={(body, key) => activitiesSessionsFollowUp({ path: { session_id: s.id }, headers: { 'Idempotency-Key': key }, body, throwOnError: true })}
                  onClose={() => setAdding(false)}
                  onSaved={() => {
                    setAdding(false);
                    setExplanation(null);
                    setConclusion(null);
                    void qc.invalidateQueries({ queryKey });
                    refreshLists();
                  }}
                />
              )}
            </>
      )}
    </DetailFrame>
  );
}

function TextBlock(p: {
  id: string;
  label: string;
  value: string | null | undefined;
  empty: string;
  editable: boolean;
  draft: string | null;
  setDraft: (v: string | null) => void;
  saving: boolean;
  saveLabel: string;
  onSave: (text: string) => void;
}) {
  if (!p.editable) return <p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{p.value || p.empty}</p>;
  const text = p.draft ?? p.value ?? '';
  return (
    <>
      <label htmlFor={p.id} className="visually-hidden">
        {p.label}
      </label>
      <Input.TextArea id={p.id} rows={4} maxLength={10000} value={text} onChange={(e) => p.setDraft(e.target.value)} />
      <Button type="primary" style={{ marginTop: 8 }} loading={p.saving} disabled={!text.trim() || p.draft == null} onClick={() => p.onSave(text)}>
        {p.saveLabel}
      </Button>
    </>
  );
}
