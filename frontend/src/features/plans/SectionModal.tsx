import { Form, Input, InputNumber, Modal } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/http';
import { plansAddSection, plansUpdateSection } from '../../client/sdk.gen';
import type { SectionRead } from '../../client/types.gen';
import { ProblemAlert } from '../../components/common';
import { useI18n } from '../../i18n';
import { usePlanWords } from './words';
import { applyFieldErrors, newIdempotencyKey } from '../admin/lib';
import type { PlanRead } from './model';

interface Values {
  label?: string;
  title?: string;
  order?: number | null;
  reason?: string;
}

/** Thêm / sửa mục of the appendix. A new heading: Idempotency-Key; an edit: If-Match on the plan's ETag. On an
 * issued plan both are amendments with their reason. */
export function SectionModal({ plan, etag, section, onClose, onSaved }: { plan: PlanRead; etag: string | null; section?: SectionRead; onClose: () => void; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const { required } = usePlanWords();
  const [form] = Form.useForm<Values>();
  const [key] = useState(() => newIdempotencyKey('section'));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const issued = plan.status === 'issued';

  const save = async (v: Values) => {
    setBusy(true);
    setError(null);
    const body = {
      label: v.label?.trim() ?? '',
      title: v.title?.trim() ?? '',
      ...(v.order != null ? { order: v.order } : {}),
      ...(issued ? { reason: (v.reason ?? '').trim() } : {}),
    };
    try {
      if (section)
        await plansUpdateSection({
          path: { plan_id: plan.id, section_id: section.id },
          headers: etag ? { 'If-Match': etag } : {},
          body,
          throwOnError: true,
        });
      else await plansAddSection({ path: { plan_id: plan.id }, headers: { 'Idempotency-Key': key }, body, throwOnError: true });
      onSaved();
    } catch (e) {
      const shown = applyFieldErrors(form, e, lang, ['label', 'title', 'order', 'reason']);
      setError(e instanceof ApiError && e.status === 412 ? new ApiError(412, { detail: t('plStale') }) : shown);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={section ? `${t('plEditSection')} ${section.label}` : t('plAddSection')}
      okText={t('plSave')}
      cancelText={t('admCancel')}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {issued && <p>{t('plAmendHelp')}</p>}
      <ProblemAlert error={error} />
      <Form<Values> form={form} layout="vertical" onFinish={save} initialValues={section ? { label: section.label, title: section.title, order: section.order } : {}}>
        <div className="pl-row">
          <Form.Item name="label" label={t('plSectionLabel')} rules={[{ required: true, whitespace: true, message: required(t('plSectionLabel')) }]} extra={t('plSectionLabelHelp')}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="order" label={t('plOrder')}>
            <InputNumber min={0} max={100000} />
          </Form.Item>
        </div>
        <Form.Item name="title" label={t('plSectionTitle')} rules={[{ required: true, whitespace: true, message: required(t('plSectionTitle')) }]}>
          <Input maxLength={2000} />
        </Form.Item>
        {issued && (
          <Form.Item name="reason" label={t('plReason')} rules={[{ required: true, whitespace: true, message: t('plReasonRequired') }]}>
            <Input.TextArea rows={2} maxLength={5000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
