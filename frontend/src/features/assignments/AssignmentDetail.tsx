import { Alert, App, Button, Card, Descriptions, Input, List, Modal, Space, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, uploadWithProgress } from '../../api/http';
import { taskLabel, taskTitle } from '../../api/types';
import { useAuth } from '../../auth';
import {
  assignmentsCommentsOptions,
  assignmentsCommentsQueryKey,
  assignmentsGetQueryKey,
  assignmentsHistoryQueryKey,
  assignmentsListQueryKey,
  assignmentsWorkCountsQueryKey,
  assignmentsWorkListQueryKey,
  evidenceListAssignmentQueryKey,
} from '../../client/@tanstack/react-query.gen';
import {
  assignmentsApprove,
  assignmentsComment,
  assignmentsGet,
  assignmentsReturn,
  assignmentsSubmit,
  assignmentsUpdate,
} from '../../client/sdk.gen';
import { ProgressForm, SubmitDialog, type EditBody, type UploadState } from './AssignmentForm';
import { bodyChanged, isReady, needsExplanation } from './assignmentRules';
import { BucketTag, Guard, ProblemAlert } from '../../components/common';
import { etagQuery, ifMatch, tagged } from '../../components/queries';
import AssignmentHistory from './AssignmentHistory';
import EvidencePanel from '../evidence/EvidencePanel';
import { draftKey } from '../../components/useDraft';
import { useLeaveGuard } from '../../components/useLeaveGuard';
import { useI18n } from '../../i18n';
import PrintButton from '../../components/PrintButton';

/** The write of each action of the page (PATCH for the progress, POST for the transitions), all with If-Match. */
const WRITES = {
  '': assignmentsUpdate,
  '/submit': assignmentsSubmit,
  '/approve': assignmentsApprove,
  '/return': assignmentsReturn,
} as const;
type Action = keyof typeof WRITES;

export default function AssignmentDetail() {
  const { id = '' } = useParams();
  const { t, label, date, lang } = useI18n();
  const { can, me } = useAuth();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const path = { assignment_id: Number(id) };
  const detail = etagQuery(assignmentsGetQueryKey({ path }), (signal) => assignmentsGet({ path, signal, throwOnError: true }));
  const load = useQuery(detail);
  const etag = load.data?.etag ?? null;
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [returning, setReturning] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [reason, setReason] = useState('');
  const [dirty, setDirty] = useState(false);
  const [upload, setUpload] = useState<UploadState | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const onDirtyChange = useCallback((d: boolean) => setDirty(d), []);
  useLeaveGuard(dirty, t('unsavedLeave'));

  const a = load.data?.data;
  // What a write changes besides the item itself: its history and the lists it shows in.
  const changedAround = () => {
    void qc.invalidateQueries({ queryKey: assignmentsHistoryQueryKey({ path }) });
    void qc.invalidateQueries({ queryKey: assignmentsListQueryKey() });
    void qc.invalidateQueries({ queryKey: assignmentsWorkListQueryKey() });
    void qc.invalidateQueries({ queryKey: assignmentsWorkCountsQueryKey() });
  };
  const editable = !!a && can('assignments:edit') && ['not_started', 'in_progress', 'returned'].includes(a.status);

  const act = async (action: Action, body: unknown, okMsg: string) => {
    setBusy(true);
    setError(null);
    try {
      const write = WRITES[action] as typeof assignmentsUpdate;
      const r = await write({ path, body: body as never, headers: ifMatch(etag), throwOnError: true });
      qc.setQueryData(detail.queryKey, tagged(r));
      changedAround();
      if (okMsg) message.success(okMsg);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  /** One save: the progress first (If-Match); only when it is saved, each chosen file through the evidence API with
   *  its progress. A failed upload names the file and keeps it and the ones after it chosen (returned). */
  const save = async (body: EditBody, files: File[]): Promise<File[]> => {
    setUploadError(null);
    if (a && bodyChanged(a, body)) {
      if (!(await act('', body, files.length ? '' : t('saved')))) return files;
    } else setError(null);
    if (!files.length) {
      if (a && !bodyChanged(a, body)) message.success(t('saved'));
      return [];
    }
    setBusy(true);
    let i = 0;
    try {
      for (; i < files.length; i++) {
        const f = files[i];
        const fd = new FormData();
        fd.append('file', f, f.name);
        fd.append('title', f.name.replace(/\.[^.]+$/, '') || f.name);
        setUpload({ name: f.name, percent: 0 });
        await uploadWithProgress(`/assignments/${id}/evidence`, fd, (percent) => setUpload({ name: f.name, percent }));
      }
      message.success(t('savedWithFiles').replace('{n}', String(files.length)));
    } catch (e) {
      const why =
        e instanceof ApiError
          ? (lang === 'en' && e.problem.detail_en) || e.problem.detail || e.problem.title || `HTTP ${e.status}`
          : String(e);
      setUploadError(t('uploadFailed').replace('{f}', files[i].name).replace('{e}', why));
    } finally {
      setUpload(null);
      setBusy(false);
      if (i > 0) {
        void qc.invalidateQueries({ queryKey: evidenceListAssignmentQueryKey({ path }) });
        changedAround();
      }
    }
    return files.slice(i);
  };

  // Approving below 100 % records it as completed: the reviewer sees it and confirms (confirm_complete).
  const approve = () => {
    if (!a || a.progress >= 100) return act('/approve', {}, t('approvedMsg'));
    modal.confirm({
      title: t('approve'),
      content: t('approveBelowFull').replace('{p}', String(a.progress)),
      okText: t('approve'),
      onOk: () => act('/approve', { confirm_complete: true }, t('approvedMsg')),
    });
  };

  return (
    <Guard loading={load.isPending} error={load.error} item>
      {() =>
        a && (
          <>
            <div className="page-head no-print">
              <Link to="/my-work" style={{ color: '#0b5cab' }}>← {t('back')}</Link>
              <PrintButton />
            </div>
            <Typography.Title level={1} className="page-title" style={{ marginTop: 8 }}>
              {taskLabel(a) ? `${taskLabel(a)}. ` : ''}
              {taskTitle(a)}
            </Typography.Title>
            <Space wrap style={{ marginBottom: 12 }}>
              <Tag data-testid="status-tag">{label(a.status)}</Tag>
              <BucketTag value={a.bucket} days={a.days_overdue} />
              {isReady(a) && (
                <Tag color="#1d6b2f" data-testid="ready-tag">
                  {t('finishedNotSubmitted')}
                </Tag>
              )}
              {a.role && <Tag>{label(a.role)}</Tag>}
            </Space>
            <Descriptions bordered size="small" column={{ xs: 1, sm: 2 }} style={{ background: '#fff', marginBottom: 16 }}>
              <Descriptions.Item label={t('unit')}>{a.unit_name ?? a.unit_id}</Descriptions.Item>
              <Descriptions.Item label={t('due')}>{date(a.due_date) || a.deadline_text}</Descriptions.Item>
              {a.product && <Descriptions.Item label={t('product')}>{a.product}</Descriptions.Item>}
              <Descriptions.Item label={t('progress')}>
                <span data-testid="progress-value">{a.progress}%</span>
              </Descriptions.Item>
              {a.return_reason && (
                <Descriptions.Item label={t('returnReason')}>
                  <span data-testid="return-reason">{a.return_reason}</span>
                </Descriptions.Item>
              )}
            </Descriptions>
            <ProblemAlert error={error} />
            <Card title={t('progress')} size="small" style={{ marginBottom: 16 }}>
              {uploadError && <Alert type="error" showIcon role="alert" title={uploadError} style={{ marginBottom: 12 }} data-testid="upload-error" />}
              <ProgressForm
                a={a}
                editable={editable}
                busy={busy}
                onSave={save}
                canUpload={can('evidence:upload')}
                upload={upload}
                onDirtyChange={onDirtyChange}
                draftId={draftKey(me?.id, 'assignment', a.id, 'progress')}
              />
              <Space wrap style={{ marginTop: 12 }}>
                {can('assignments:submit') && ['not_started', 'in_progress', 'returned'].includes(a.status) && (
                  <Button
                    onClick={() =>
                      needsExplanation(a)
                        ? setSubmitting(true)
                        : act('/submit', { explanation: a.explanation || null, completed_date: a.completed_date ?? null }, t('submittedMsg'))
                    }
                    loading={busy}
                  >
                    {t('submit')}
                  </Button>
                )}
                {can('assignments:review') && a.status === 'submitted' && (
                  <>
                    <Button type="primary" onClick={approve} loading={busy}>
                      {t('approve')}
                    </Button>
                    <Button danger onClick={() => setReturning(true)}>
                      {t('return')}
                    </Button>
                  </>
                )}
              </Space>
            </Card>
            {submitting && (
              <SubmitDialog
                a={a}
                open={submitting}
                busy={busy}
                onCancel={() => setSubmitting(false)}
                draftId={draftKey(me?.id, 'assignment', a.id, 'submit')}
                onSubmit={async (body) => {
                  const ok = await act('/submit', body, t('submittedMsg'));
                  if (ok) setSubmitting(false);
                  return ok;
                }}
              />
            )}
            <Modal
              open={returning}
              title={t('return')}
              okText={t('return')}
              okButtonProps={{ danger: true, disabled: !reason.trim() }}
              onCancel={() => setReturning(false)}
              onOk={async () => {
                if (await act('/return', { reason }, t('returnedMsg'))) {
                  setReturning(false);
                  setReason('');
                }
              }}
            >
              <label htmlFor="return-reason">{t('returnReason')}</label>
              <Input.TextArea id="return-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
            </Modal>
            <Card size="small" style={{ marginBottom: 16 }}>
              <EvidencePanel assignmentId={id} canUpload={can('evidence:upload') && a.status !== 'approved'} />
            </Card>
            <Card size="small" style={{ marginBottom: 16 }}>
              <Comments id={id} canWrite={can('comments:write')} />
            </Card>
            <Card size="small">
              <AssignmentHistory id={id} headingId="hs-title" />
            </Card>
          </>
        )
      }
    </Guard>
  );
}

function Comments({ id, canWrite }: { id: string; canWrite: boolean }) {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const path = { assignment_id: Number(id) };
  const list = useQuery(assignmentsCommentsOptions({ path }));
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const post = async () => {
    setError(null);
    try {
      await assignmentsComment({ path, body: { body }, throwOnError: true });
      setBody('');
      void qc.invalidateQueries({ queryKey: assignmentsCommentsQueryKey({ path }) });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="cm-title">
      <h3 id="cm-title">{t('comments')}</h3>
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <List
            size="small"
            dataSource={list.data ?? []}
            locale={{ emptyText: t('empty') }}
            renderItem={(c) => (
              <List.Item key={c.id}>
                <div style={{ minWidth: 0 }}>
                  <strong>{c.author_name ?? ''}</strong> <span style={{ color: '#555' }}>{dateTime(c.created_at)}</span>
                  <div className="user-text">{c.body}</div>
                </div>
              </List.Item>
            )}
          />
        )}
      </Guard>
      {canWrite && (
        <>
          <ProblemAlert error={error} />
          <label htmlFor="new-comment" className="sr-only" style={{ display: 'block', marginTop: 8 }}>
            {t('addComment')}
          </label>
          <Input.TextArea id="new-comment" rows={2} maxLength={10000} value={body} onChange={(e) => setBody(e.target.value)} />
          <Button style={{ marginTop: 8 }} onClick={post} disabled={!body.trim()}>
            {t('addComment')}
          </Button>
        </>
      )}
    </section>
  );
}
