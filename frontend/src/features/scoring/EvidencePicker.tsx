import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, List, Modal, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { uploadWithProgress } from '../../api/http';
import { assessmentSheetsEvidenceCandidatesOptions, assessmentSheetsEvidenceCandidatesQueryKey } from '../../client/@tanstack/react-query.gen';
import type { EvidenceCandidate } from '../../client/types.gen';
import { ProblemAlert } from '../../components/common';
import { useI18n } from '../../i18n';

/** Tài liệu kiểm chứng for one node: candidates first (the unit's assignments linked to the criterion), then the
 * sheet's own uploads; a new file goes through the evidence store and is selected at once. */
export function EvidencePicker(props: {
  sheetId: number;
  nodeId: number;
  selected: number[];
  canUpload: boolean;
  onClose: (ids: number[] | null) => void;
}) {
  const { t, date } = useI18n();
  const [chosen, setChosen] = useState<number[]>(props.selected);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();
  const path = { sheet_id: props.sheetId };
  const list = useQuery(assessmentSheetsEvidenceCandidatesOptions({ path, query: { node_id: props.nodeId, limit: 200 } }));
  const upload = async (file: File) => {
    const form = new FormData();
    form.append('file', file);
    form.append('title', file.name.replace(/\.[^.]+$/, ''));
    setError(null);
    try {
      const ev = await uploadWithProgress<{ id: number }>(`/assessment-sheets/${props.sheetId}/evidence`, form, setProgress);
      setChosen((c) => [...c, ev.id]);
      void qc.invalidateQueries({ queryKey: assessmentSheetsEvidenceCandidatesQueryKey({ path }) }); // every criterion's candidates
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };
  return (
    <Modal open title={t('scPickEvidence')} onOk={() => props.onClose(chosen)} onCancel={() => props.onClose(null)} okText={t('scUseSelected')} cancelText={t('admCancel')} width={720}>
      <ProblemAlert error={error ?? list.error} />
      <List<EvidenceCandidate>
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('scNoCandidates') }}
        renderItem={(ev) => (
          <List.Item>
            <Checkbox
              checked={chosen.includes(ev.id)}
              onChange={(e) => setChosen((c) => (e.target.checked ? [...c, ev.id] : c.filter((x) => x !== ev.id)))}
            >
              <Space wrap>
                <span>{ev.title}</span>
                <Tag>{ev.source === 'assignment' ? t('scFromAssignment') : t('scFromSheet')}</Tag>
                {ev.doc_number && <Typography.Text type="secondary">{ev.doc_number}</Typography.Text>}
                {ev.issue_date && <Typography.Text type="secondary">{date(ev.issue_date)}</Typography.Text>}
              </Space>
            </Checkbox>
          </List.Item>
        )}
      />
      {props.canUpload && (
        <Space style={{ marginTop: 12 }}>
          <Button htmlType="button" onClick={() => document.getElementById(`sc-upload-${props.nodeId}`)?.click()}>
            {t('scUploadNew')}
          </Button>
          <input
            id={`sc-upload-${props.nodeId}`}
            aria-label={t('scUploadNew')}
            type="file"
            hidden
            accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.odt,.ods,.zip"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void upload(f);
              e.target.value = '';
            }}
          />
          {progress != null && <span>{progress} %</span>}
        </Space>
      )}
    </Modal>
  );
}
