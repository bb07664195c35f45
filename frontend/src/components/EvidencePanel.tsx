import { App, Button, DatePicker, Form, Input, Progress, Table, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { apiGet, download, uploadWithProgress } from '../api/http';
import { itemsOf, type EvidenceRead } from '../api/types';
import { useI18n } from '../i18n';
import { Guard, ProblemAlert, useLoad } from './common';

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

export function formatBytes(n: number, lang: string): string {
  const f = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${f.format(n / 1024)} KB`;
  return `${f.format(n / 1024 / 1024)} MB`;
}

export default function EvidencePanel({ assignmentId, canUpload, onChange }: { assignmentId: string; canUpload: boolean; onChange?: () => void }) {
  const { t, date, dateTime, lang } = useI18n();
  const { message } = App.useApp();
  const list = useLoad(() => apiGet<unknown>(`/assignments/${assignmentId}/evidence`), [assignmentId]);
  const [file, setFile] = useState<File | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm<Meta>();

  const submit = async (m: Meta) => {
    if (!file) return;
    const fd = new FormData();
    fd.append('file', file, file.name);
    const fields: Record<string, string | undefined> = {
      title: m.title,
      doc_number: m.doc_number,
      issue_date: iso(m.issue_date),
      issuing_body: m.issuing_body,
      effective_from: iso(m.effective_from),
      effective_to: iso(m.effective_to),
      description: m.description,
    };
    for (const [k, v] of Object.entries(fields)) if (v) fd.append(k, v);
    setError(null);
    setPercent(0);
    try {
      await uploadWithProgress(`/assignments/${assignmentId}/evidence`, fd, setPercent);
      message.success(t('saved'));
      setFile(null);
      form.resetFields();
      list.reload();
      onChange?.();
    } catch (e) {
      setError(e);
    } finally {
      setTimeout(() => setPercent(null), 800);
    }
  };

  const items = itemsOf<EvidenceRead>(list.data);
  return (
    <section aria-labelledby="ev-title">
      <h3 id="ev-title">{t('evidence')}</h3>
      <Guard loading={list.loading} error={list.error}>
        {() => (
          <Table<EvidenceRead>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={items}
            locale={{ emptyText: t('noEvidence') }}
            columns={[
              { title: t('title'), dataIndex: 'title' },
              { title: t('version'), dataIndex: 'version_no', render: (v?: number) => (v ? `v${v}` : '') },
              { title: t('docNumber'), dataIndex: 'doc_number', responsive: ['md'] },
              { title: t('issueDate'), dataIndex: 'issue_date', render: (v) => date(v), responsive: ['md'] },
              { title: t('size'), dataIndex: 'size', render: (v: number) => formatBytes(v, lang), responsive: ['sm'] },
              { title: t('uploadedAt'), dataIndex: 'uploaded_at', render: (v) => dateTime(v), responsive: ['md'] },
              {
                title: t('download'),
                key: 'dl',
                render: (_, r) => (
                  <Button
                    size="small"
                    aria-label={`${t('download')} ${r.filename}`}
                    onClick={() => download(`/evidence/${r.id}/content`, r.filename).catch(setError)}
                  >
                    {t('download')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Guard>
      {canUpload && (
        <Form form={form} layout="vertical" onFinish={submit} style={{ marginTop: 12 }} aria-label={t('upload')}>
          <Upload.Dragger
            multiple={false}
            maxCount={1}
            beforeUpload={(f) => {
              setFile(f);
              if (!form.getFieldValue('title')) form.setFieldValue('title', f.name.replace(/\.[^.]+$/, ''));
              return false;
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
            aria-label={t('dropHere')}
          >
            <p style={{ margin: 8 }}>{t('dropHere')}</p>
          </Upload.Dragger>
          {percent !== null && <Progress percent={percent} aria-label={t('upload')} data-testid="upload-progress" />}
          <Form.Item label={t('title')} name="title" rules={[{ required: true, message: t('title') }]} style={{ marginTop: 12 }}>
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
          <Form.Item label={t('effectiveTo')} name="effective_to">
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <ProblemAlert error={error} />
          <Button type="primary" htmlType="submit" disabled={!file} loading={percent !== null}>
            {t('upload')}
          </Button>
        </Form>
      )}
    </section>
  );
}
