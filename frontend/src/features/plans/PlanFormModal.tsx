import { Form, Input, InputNumber, Modal, Select } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/http';
import { useAuth } from '../../auth';
import type { FrameworkRead } from '../../api/types';
import { ProblemAlert } from '../../components/common';
import { useI18n } from '../../i18n';
import { usePlanWords } from './words';
import { applyFieldErrors, newIdempotencyKey } from '../admin/lib';
import { plansAmend, plansCreate, plansUpdate } from '../../client/sdk.gen';
import { etagged } from '../etag';
import type { PlanRead } from './model';

interface Values {
  number?: string;
  symbol?: string;
  title?: string;
  year?: number;
  issuing_unit_id?: number;
  signer?: string;
  signer_title?: string;
  framework_ids?: number[];
  note?: string;
  reason?: string;
}

const FIELDS = ['number', 'symbol', 'title', 'year', 'issuing_unit_id', 'signer', 'signer_title', 'framework_ids', 'note', 'reason'];

/** Lập kế hoạch (create, Idempotency-Key), sửa dự thảo (PATCH, If-Match) or sửa đổi, bổ sung an issued plan
 * (POST /amend with the reason, If-Match). Field errors of the API are shown on their fields. */
export function PlanFormModal({
  mode,
  plan,
  etag,
  frameworks,
  defaultYear,
  onClose,
  onSaved,
}: {
  mode: 'create' | 'edit' | 'amend';
  defaultYear?: number;
  plan?: PlanRead;
  etag?: string | null;
  frameworks: FrameworkRead[];
  onClose: () => void;
  onSaved: (p: PlanRead, etag: string | null) => void;
}) {
  const { t, lang } = useI18n();
  const { required } = usePlanWords();
  const { me } = useAuth();
  const [form] = Form.useForm<Values>();
  const [key] = useState(() => newIdempotencyKey('plan'));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const units = [...new Map((me?.memberships ?? []).map((m) => [m.unit_id, m.unit_name])).entries()];

  const save = async (v: Values) => {
    setBusy(true);
    setError(null);
    const common = {
      number: v.number?.trim(),
      symbol: v.symbol?.trim() || 'KH-UBND',
      title: v.title?.trim(),
      signer: v.signer?.trim() || null,
      signer_title: v.signer_title?.trim() || null,
      framework_ids: v.framework_ids ?? [],
      note: v.note?.trim() || null,
    };
    try {
      const ifMatch = etag ? { 'If-Match': etag } : {};
      const r = await etagged(
        mode === 'create'
          ? plansCreate({
              headers: { 'Idempotency-Key': key },
              body: { ...common, year: v.year!, issuing_unit_id: v.issuing_unit_id! },
              throwOnError: true,
            })
          : mode === 'edit'
            ? plansUpdate({ path: { plan_id: plan!.id }, headers: ifMatch, body: common, throwOnError: true })
            : plansAmend({ path: { plan_id: plan!.id }, headers: ifMatch, body: { ...common, reason: (v.reason ?? '').trim() }, throwOnError: true }),
      );
      onSaved(r.data, r.etag);
    } catch (e) {
      setError(applyFieldErrors(form, e, lang, FIELDS));
      if (e instanceof ApiError && e.status === 412) setError(new ApiError(412, { detail: t('plStale') }));
    } finally {
      setBusy(false);
    }
  };

  const title = mode === 'create' ? t('plNew') : mode === 'edit' ? t('plEdit') : t('plAmend');
  return (
    <Modal
      open
      title={title}
      okText={t('plSave')}
      cancelText={t('admCancel')}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={() => form.submit()}
      width={720}
      destroyOnHidden
    >
      <ProblemAlert error={error} />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={
          plan
            ? {
                number: plan.number,
                symbol: plan.symbol,
                title: plan.title,
                year: plan.year,
                issuing_unit_id: plan.issuing_unit_id,
                signer: plan.signer ?? '',
                signer_title: plan.signer_title ?? '',
                framework_ids: plan.framework_ids ?? [],
                note: plan.note ?? '',
              }
            : { symbol: 'KH-UBND', year: defaultYear, issuing_unit_id: units[0]?.[0] }
        }
      >
        <Form.Item name="title" label={t('plTitle')} rules={[{ required: true, whitespace: true, message: required(t('plTitle')) }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <div className="pl-row">
          <Form.Item name="number" label={t('plNumber')} rules={[{ required: true, whitespace: true, message: required(t('plNumber')) }]}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="symbol" label={t('plSymbol')}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="year" label={t('plYear')} rules={[{ required: true, message: required(t('plYear')) }]}>
            <InputNumber min={2000} max={2100} disabled={mode !== 'create'} />
          </Form.Item>
        </div>
        <Form.Item name="issuing_unit_id" label={t('plIssuingUnit')} rules={[{ required: true, message: required(t('plIssuingUnit')) }]}>
          <Select disabled={mode !== 'create'} options={units.map(([id, name]) => ({ value: id, label: name }))} />
        </Form.Item>
        <Form.Item name="framework_ids" label={t('plFrameworks')}>
          <Select mode="multiple" allowClear optionFilterProp="label" options={frameworks.map((f) => ({ value: f.id, label: `${f.name} (${f.valid_from_year})` }))} />
        </Form.Item>
        <div className="pl-row">
          <Form.Item name="signer" label={t('plSigner')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="signer_title" label={t('plSignerTitle')}>
            <Input maxLength={200} />
          </Form.Item>
        </div>
        <Form.Item name="note" label={t('plNote')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        {mode === 'amend' && (
          <Form.Item name="reason" label={t('plReason')} rules={[{ required: true, whitespace: true, message: t('plReasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={5000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
