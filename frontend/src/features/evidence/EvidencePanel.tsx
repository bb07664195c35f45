import { Alert, App, Button, Checkbox, DatePicker, Form, Input, Modal, Progress, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { uploadWithProgress } from '../../api/http';
import type { EvidenceRead } from '../../api/types';
import { useAuth } from '../../auth';
import {
  assignmentsHistoryQueryKey,
  evidenceGetOptions,
  evidenceListAssignmentOptions,
  evidenceListAssignmentQueryKey,
} from '../../client/@tanstack/react-query.gen';
import { evidenceDelete, evidenceRestore } from '../../client/sdk.gen';
import type { EvidenceUploaded } from '../../client/types.gen';
import { useI18n } from '../../i18n';
import { Guard, ProblemAlert } from '../../components/common';
import { sizeColumn } from './bytes';
import { DownloadButton } from './cells';
import FileDrop from './FileDrop';
import { useEvidenceWords } from './words';
import { applyFieldErrors } from '../admin/lib';

interface Meta {
  title: string;
  doc_number?: string;
  issue_date?: Dayjs;
  issuing_body?: string;
  effective_from?: Dayjs;
  effective_to?: Dayjs;
  description?: string;
}

const iso = (d?: Dayjs) => (d ? d.format('YYYY-MM-DD') : undefined);
const META_KEYS = ['title', 'doc_number', 'issue_date', 'issuing_body', 'effective_from', 'effective_to', 'description'] as const;

/** The multipart body of an upload: the file plus the non-empty metadata fields (and the series for a new version). */
function evidenceForm(file: File, fields: Record<string, string | null | undefined>): FormData {
  const fd = new FormData();
  fd.append('file', file, file.name);
  for (const [k, v] of Object.entries(fields)) if (v) fd.append(k, v);
  return fd;
}

const allows = (r: EvidenceRead, action: string) => (r.allowed_actions ?? []).includes(action);

/**
 * Tài liệu kiểm chứng of one assignment: list (latest version of each document), versions with who and when,
 * download, replace by a new version, delete and restore — each button only when the API lists the action for
 * the caller (``allowed_actions``). Uploading is a button press only: Enter in a field never sends the file.
 */
export default function EvidencePanel({ assignmentId, canUpload, onChange }: { assignmentId: string; canUpload: boolean; onChange?: () => void }) {
  const { t, date, dateTime, lang } = useI18n();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const [showDeleted, setShowDeleted] = useState(false);
  const path = { assignment_id: Number(assignmentId) };
  const list = useQuery(evidenceListAssignmentOptions({ path, ...(showDeleted ? { query: { include_deleted: true } } : {}) }));
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [replacing, setReplacing] = useState<EvidenceRead | null>(null);
  const [versionsOf, setVersionsOf] = useState<EvidenceRead | null>(null);
  const [form] = Form.useForm<Meta>();
  const { w: ew } = useEvidenceWords();

  // An upload, a deletion or a restore changes the assignment's evidence lists (this one, the review panel's) and
  // its history.
  const changed = () => {
    void qc.invalidateQueries({ queryKey: evidenceListAssignmentQueryKey({ path }) });
    void qc.invalidateQueries({ queryKey: assignmentsHistoryQueryKey({ path }) });
    onChange?.();
  };

  /** Send one upload; a repeat of the file just uploaded comes back as 200 with ``duplicate_of``. */
  const send = async (fd: FormData, onFail?: (e: unknown) => void): Promise<EvidenceUploaded | null> => {
    setError(null);
    setNotice(null);
    setPercent(0);
    try {
      const r = await uploadWithProgress<EvidenceUploaded>(`/assignments/${assignmentId}/evidence`, fd, setPercent);
      if (r.duplicate_of != null) setNotice(t('evDuplicate').replace('{d}', date(r.uploaded_at)));
      else message.success(r.version_no > 1 ? t('evVersionSaved').replace('{n}', String(r.version_no)) : t('saved'));
      changed();
      return r;
    } catch (e) {
      setError(e);
      onFail?.(e); // the fields the API names are marked in place too
      return null;
    } finally {
      setTimeout(() => setPercent(null), 800);
    }
  };

  const upload = async () => {
    if (!file) return;
    let m: Meta;
    try {
      m = await form.validateFields();
    } catch {
      return; // the field errors are shown in place
    }
    const fields = {
      title: m.title,
      doc_number: m.doc_number,
      issue_date: iso(m.issue_date),
      issuing_body: m.issuing_body,
      effective_from: iso(m.effective_from),
      effective_to: iso(m.effective_to),
      description: m.description,
    };
    if (await send(evidenceForm(file, fields), (e) => applyFieldErrors(form, e, lang === 'en' ? 'en' : 'vi', [...META_KEYS]))) {
      setFile(null);
      form.resetFields();
    }
  };

  const replace = async (current: EvidenceRead, next: File) => {
    const fields: Record<string, string | null | undefined> = { series_id: current.series_id };
    for (const k of META_KEYS) fields[k] = current[k];
    if (await send(evidenceForm(next, fields))) setReplacing(null);
  };

  const remove = (r: EvidenceRead) =>
    modal.confirm({
      title: t('evDelete'),
      content: (r.version_no > 1 ? t('evDeleteVersionConfirm') : t('evDeleteConfirm'))
        .replace('{x}', r.title)
        .replace('{n}', String(r.version_no)),
      okText: t('evDelete'),
      okButtonProps: { danger: true },
      cancelText: t('admCancel'),
      onOk: async () => {
        try {
          await evidenceDelete({ path: { evidence_id: r.id }, throwOnError: true });
          message.success(t('evDeleted'));
          changed();
        } catch (e) {
          setError(e);
        }
      },
    });

  const restore = async (r: EvidenceRead) => {
    try {
      await evidenceRestore({ path: { evidence_id: r.id }, throwOnError: true });
      message.success(t('evRestored'));
      changed();
    } catch (e) {
      setError(e);
    }
  };

  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="ev-title">
      <h3 id="ev-title">{t('evidence')}</h3>
      {can('evidence:restore') && (
        <Checkbox checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} style={{ marginBottom: 8 }}>
          {t('evShowDeleted')}
        </Checkbox>
      )}
      {notice && <Alert type="info" showIcon title={notice} role="status" style={{ marginBottom: 8 }} closable onClose={() => setNotice(null)} />}
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <Table<EvidenceRead>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={items}
            locale={{ emptyText: t('noEvidence') }}
            columns={[
              {
                title: t('title'),
                dataIndex: 'title',
                render: (v: string, r) => (
                  <>
                    {v} {r.deleted_at && <Tag color="#8c1d18">{t('evDeletedTag')}</Tag>}
                  </>
                ),
              },
              {
                title: t('version'),
                dataIndex: 'version_no',
                render: (v: number, r) => (
                  <Button size="small" type="link" onClick={() => setVersionsOf(r)} aria-label={`${t('evVersions')} v${v}: ${r.title}`}>
                    {`v${v}`}
                  </Button>
                ),
              },
              { title: t('docNumber'), dataIndex: 'doc_number', responsive: ['md'] },
              { title: t('issueDate'), dataIndex: 'issue_date', render: (v) => date(v), responsive: ['md'] },
              sizeColumn(t, lang),
              {
                title: t('uploadedAt'),
                dataIndex: 'uploaded_at',
                render: (v, r) => `${dateTime(v)}${r.uploaded_by_name ? ` · ${r.uploaded_by_name}` : ''}`,
                responsive: ['md'],
              },
              {
                title: t('evActions'),
                key: 'actions',
                render: (_, r) => (
                  <Space wrap size={4}>
                    <DownloadButton doc={r} onError={setError} />
                    {allows(r, 'replace') && (
                      <Button size="small" onClick={() => setReplacing(r)} aria-label={`${t('evReplace')}: ${r.title}`}>
                        {t('evReplace')}
                      </Button>
                    )}
                    {allows(r, 'delete') && (
                      <Button size="small" danger onClick={() => remove(r)} aria-label={`${t('evDelete')}: ${r.title}`}>
                        {t('evDelete')}
                      </Button>
                    )}
                    {allows(r, 'restore') && (
                      <Button size="small" onClick={() => restore(r)} aria-label={`${t('evRestore')}: ${r.title}`}>
                        {t('evRestore')}
                      </Button>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Guard>
      <ProblemAlert error={error} />
      {canUpload && (
        <Form form={form} component="div" layout="vertical" style={{ marginTop: 12 }} role="group" aria-label={t('upload')}>
          <FileDrop
            file={file}
            onFile={(f) => {
              setFile(f);
              // the title defaults to the file's name
              if (f && !form.getFieldValue('title')) form.setFieldValue('title', f.name.replace(/\.[^.]+$/, ''));
            }}
          />
          {percent !== null && !replacing && <Progress percent={percent} aria-label={t('upload')} data-testid="upload-progress" />}
          <Form.Item label={t('title')} name="title" rules={[{ required: true, whitespace: true, message: ew('required', { label: t('title').toLowerCase() }) }]} style={{ marginTop: 12 }}>
            <Input />
          </Form.Item>
          <Form.Item label={t('docNumber')} name="doc_number">
            <Input />
          </Form.Item>
          <Form.Item label={t('issueDate')} name="issue_date">
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Form.Item label={t('issuingBody')} name="issuing_body">
            <Input />
          </Form.Item>
          <Form.Item label={t('effectiveFrom')} name="effective_from">
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Form.Item
            label={t('effectiveTo')}
            name="effective_to"
            dependencies={['effective_from']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, to?: Dayjs) => {
                  const from: Dayjs | undefined = getFieldValue('effective_from');
                  return to && from && to.isBefore(from, 'day')
                    ? Promise.reject(new Error(ew('periodOrder', { to: t('effectiveTo'), from: t('effectiveFrom') })))
                    : Promise.resolve();
                },
              }),
            ]}
          >
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Button type="primary" htmlType="button" disabled={!file} loading={percent !== null && !replacing} onClick={upload}>
            {t('upload')}
          </Button>
        </Form>
      )}
      {replacing && (
        <ReplaceDialog doc={replacing} percent={percent} onCancel={() => setReplacing(null)} onUpload={(f) => replace(replacing, f)} />
      )}
      {versionsOf && <VersionsDialog doc={versionsOf} onClose={() => setVersionsOf(null)} onError={setError} />}
    </section>
  );
}

function ReplaceDialog({ doc, percent, onCancel, onUpload }: { doc: EvidenceRead; percent: number | null; onCancel: () => void; onUpload: (f: File) => void }) {
  const { t } = useEvidenceWords();
  const [file, setFile] = useState<File | null>(null);
  return (
    <Modal
      open
      title={t('evReplaceTitle').replace('{x}', doc.title)}
      okText={t('upload')}
      cancelText={t('admCancel')}
      okButtonProps={{ disabled: !file, loading: percent !== null }}
      onCancel={onCancel}
      onOk={() => file && onUpload(file)}
    >
      <p>{t('evReplaceHint').replace('{n}', String(doc.version_no + 1))}</p>
      <FileDrop file={file} onFile={setFile} />
      {percent !== null && <Progress percent={percent} aria-label={t('upload')} />}
    </Modal>
  );
}

function VersionsDialog({ doc, onClose, onError }: { doc: EvidenceRead; onClose: () => void; onError: (e: unknown) => void }) {
  const { t, dateTime, lang } = useI18n();
  const detail = useQuery(evidenceGetOptions({ path: { evidence_id: doc.id } }));
  return (
    <Modal open title={t('evVersionsOf').replace('{x}', doc.title)} onCancel={onClose} footer={null} width={760}>
      <Guard loading={detail.isPending} error={detail.error}>
        {() => (
          <Table<EvidenceRead>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={detail.data?.versions ?? []}
            columns={[
              { title: t('version'), dataIndex: 'version_no', render: (v: number, r) => <>{`v${v}`} {r.deleted_at && <Tag color="#8c1d18">{t('evDeletedTag')}</Tag>}</> },
              { title: t('file'), dataIndex: 'filename' },
              sizeColumn(t, lang),
              { title: t('evUploadedBy'), dataIndex: 'uploaded_by_name' },
              { title: t('uploadedAt'), dataIndex: 'uploaded_at', render: (v) => dateTime(v) },
              {
                title: t('download'),
                key: 'dl',
                render: (_, r) => <DownloadButton doc={r} onError={onError} withVersion />,
              },
            ]}
          />
        )}
      </Guard>
    </Modal>
  );
}
