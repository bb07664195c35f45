import { App, Button, Card, Input, Progress, Space, Table } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { download, uploadWithProgress } from '../../api/http';
import {
  activitiesEvidenceListInspectionOptions,
  activitiesEvidenceListOutreachOptions,
  activitiesEvidenceListSessionOptions,
} from '../../client/@tanstack/react-query.gen';
import type { EvidenceRead } from '../../client/types.gen';
import { Guard } from '../../components/common';
import Failure from './Failure';
import { useWords } from './words';

/** The list query of each owner's documents. */
const LISTS = {
  inspections: activitiesEvidenceListInspectionOptions,
  'outreach-outputs': activitiesEvidenceListOutreachOptions,
  'accountability-sessions': activitiesEvidenceListSessionOptions,
} as const;

/**
 * Tài liệu kèm theo of an inspection, outreach output or accountability session (biên bản, kết luận, hình ảnh):
 * the list, download, and an upload (multipart, like an assignment's evidence) where the API allows it.
 */
export default function EvidenceCard({ prefix, ownerId, canUpload }: { prefix: 'inspections' | 'outreach-outputs' | 'accountability-sessions'; ownerId: number; canUpload: boolean }) {
  const { w, dateTime } = useWords();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();
  const listOptions = LISTS[prefix]({ path: { owner_id: ownerId }, query: { limit: 100 } });
  const list = useQuery(listOptions);
  const inputId = `evidence-file-${prefix}-${ownerId}`;
  const upload = async () => {
    if (!file) return;
    const fd = new FormData();
    fd.append('file', file, file.name);
    if (title.trim()) fd.append('title', title.trim());
    setError(null);
    setPercent(0);
    try {
      await uploadWithProgress(`/${prefix}/${ownerId}/evidence`, fd, setPercent);
      message.success(w('uploaded'));
      setFile(null);
      setTitle('');
      void qc.invalidateQueries({ queryKey: listOptions.queryKey });
    } catch (e) {
      setError(e);
    } finally {
      setPercent(null);
    }
  };
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{w('evidence')}</h2>} style={{ marginBottom: 16 }}>
      <Failure error={error} />
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <Table<EvidenceRead>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: w('noEvidence') }}
            columns={[
              { title: w('docTitle'), key: 't', render: (_: unknown, r) => r.title || r.filename },
              { title: w('uploadedAt'), dataIndex: 'uploaded_at', render: (v: string) => dateTime(v) },
              {
                title: '',
                key: 'dl',
                render: (_: unknown, r) => (
                  <Button size="small" aria-label={`${w('download')} ${r.filename}`} onClick={() => download(`/evidence/${r.id}/content`, r.filename).catch(setError)}>
                    {w('download')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Guard>
      {canUpload && (
        <Space wrap style={{ marginTop: 12 }} align="end">
          <div>
            <label htmlFor={inputId} style={{ display: 'block' }}>
              {w('file')}
            </label>
            <input id={inputId} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </div>
          <div>
            <label htmlFor={`${inputId}-title`} style={{ display: 'block' }}>
              {w('docTitle')}
            </label>
            <Input id={`${inputId}-title`} style={{ width: 260 }} maxLength={500} value={title} onChange={(e) => setTitle(e.target.value)} />
          </div>
          <Button disabled={!file} loading={percent != null} onClick={upload}>
            {w('upload')}
          </Button>
          {percent != null && <Progress percent={percent} size="small" style={{ width: 120 }} />}
        </Space>
      )}
    </Card>
  );
}
