import { DatePicker, Form, Input, Modal, Progress } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { uploadWithProgress } from '../../api/http';
import type { EvidenceRead } from '../../api/types';
import { ProblemAlert } from '../../components/common';
import { useI18n } from '../../i18n';
import { usePlanWords } from './words';
import { applyFieldErrors } from '../admin/lib';
import FileDrop from '../evidence/FileDrop';
import { plansIssue } from '../../client/sdk.gen';
import { etagged } from '../etag';
import type { PlanRead } from './model';

interface Values {
  number?: string;
  symbol?: string;
  issue_date?: Dayjs;
  signer?: string;
  signer_title?: string;
}

/** Ban hành a draft: the number and date it is issued under, the signer and the signed document (uploaded to the
 * plan first, then named by ``document_id``). Only then do its tasks reach the units. */
export function IssueModal({ plan, etag, onClose, onIssued }: { plan: PlanRead; etag: string | null; onClose: () => void; onIssued: (p: PlanRead, etag: string | null) => void }) {
  const { t, lang } = useI18n();
  const { required } = usePlanWords();
  const [form] = Form.useForm<Values>();
  const [file, setFile] = useState<File | null>(null);
  const [docId, setDocId] = useState<number | null>(null); // an upload already done survives a refused issue
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const issue = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      let document_id = docId;
      if (file && document_id == null) {
        const fd = new FormData();
        fd.append('file', file, file.name);
        fd.append('title', `${t('plSignedDoc')} ${v.number ?? plan.number}/${v.symbol ?? plan.symbol}`);
        if (v.number) fd.append('doc_number', `${v.number}/${v.symbol || plan.symbol}`);
        if (v.issue_date) fd.append('issue_date', v.issue_date.format('YYYY-MM-DD'));
        setPercent(0);
        const ev = await uploadWithProgress<EvidenceRead>(`/plans/${plan.id}/evidence`, fd, setPercent);
        document_id = ev.id;
        setDocId(ev.id);
      }
      const r = await etagged(
        plansIssue({
          path: { plan_id: plan.id },
          headers: etag ? { 'If-Match': etag } : {},
          body: {
            number: v.number?.trim() || null,
            symbol: v.symbol?.trim() || null,
            issue_date: v.issue_date ? v.issue_date.format('YYYY-MM-DD') : null,
            signer: v.signer?.trim() || null,
            signer_title: v.signer_title?.trim() || null,
            document_id,
          },
          throwOnError: true,
        }),
      );
      onIssued(r.data, r.etag);
    } catch (e) {
      setError(applyFieldErrors(form, e, lang, ['number', 'symbol', 'issue_date', 'signer', 'signer_title']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title={t('plIssue')} okText={t('plIssue')} cancelText={t('admCancel')} confirmLoading={busy} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <p>{t('plIssueHelp')}</p>
      <ProblemAlert error={error} />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={issue}
        initialValues={{
          number: plan.number,
          symbol: plan.symbol,
          issue_date: plan.issue_date ? dayjs(plan.issue_date) : undefined,
          signer: plan.signer ?? '',
          signer_title: plan.signer_title ?? '',
        }}
      >
        <div className="pl-row">
          <Form.Item name="number" label={t('plNumber')} rules={[{ required: true, whitespace: true, message: required(t('plNumber')) }]}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="symbol" label={t('plSymbol')}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="issue_date" label={t('plIssueDate')} extra={t('plIssueDateHelp')}>
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
        </div>
        <div className="pl-row">
          <Form.Item name="signer" label={t('plSigner')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="signer_title" label={t('plSignerTitle')}>
            <Input maxLength={200} />
          </Form.Item>
        </div>
        <Form.Item label={t('plSignedDoc')}>
          {/* the shared drop zone (types and size limit from the content check, a file over the limit refused by
              name), named by the field for a screen reader */}
          <FileDrop
            label={t('plSignedDoc')}
            file={file}
            onFile={(f) => {
              setFile(f);
              setDocId(null); // another file (or none): the next issue uploads it again
            }}
          />
          {percent !== null && <Progress percent={percent} aria-label={t('upload')} />}
        </Form.Item>
      </Form>
    </Modal>
  );
}
