import { DatePicker, Form, Input, InputNumber, Modal, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { frameworksListOptions } from '../../client/@tanstack/react-query.gen';
import { assessmentRoundsCreate } from '../../client/sdk.gen';
import type { RoundDetail } from '../../client/types.gen';
import { ProblemAlert } from '../../components/common';
import { newIdempotencyKey } from '../reports/model';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';

interface Values {
  name: string;
  framework_id: number;
  owner_unit_id: number;
  year: number;
  self_window: [Dayjs, Dayjs];
  appraisal_window: [Dayjs, Dayjs];
  note?: string;
}

const iso = (d: Dayjs) => d.format('YYYY-MM-DD');

/**
 * Mở đợt đánh giá: a published framework, the organising unit (one the user manages), the year and the two windows
 * (tự chấm, thẩm định). The units assessed are those the framework applies to under the organising unit (the API's
 * default). Mounted only while open, one Idempotency-Key per opening: a retried click cannot open two rounds.
 */
export default function CreateRoundModal({ onClose, onCreated }: { onClose: () => void; onCreated: (r: RoundDetail) => void }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const [form] = Form.useForm<Values>();
  const [key] = useState(() => newIdempotencyKey('round'));
  const [thisYear] = useState(() => new Date().getFullYear());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const frameworks = useQuery(frameworksListOptions({ query: { limit: 200 } }));
  const published = (frameworks.data?.items ?? []).filter((f) => f.status === 'published');
  const units = new Map((me?.memberships ?? []).map((m) => [m.unit_id, m.unit_name]));

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const { data } = await assessmentRoundsCreate({
        headers: { 'Idempotency-Key': key },
        throwOnError: true,
        body: {
          name: v.name.trim(),
          framework_id: v.framework_id,
          owner_unit_id: v.owner_unit_id,
          year: v.year,
          self_start_date: iso(v.self_window[0]),
          self_end_date: iso(v.self_window[1]),
          appraisal_start_date: iso(v.appraisal_window[0]),
          appraisal_end_date: iso(v.appraisal_window[1]),
          note: v.note?.trim() || null,
        },
      });
      onCreated(data);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, message: t('scFieldRequired') };
  return (
    <Modal
      open
      title={t('scCreateRound')}
      okText={t('scCreateRoundOk')}
      cancelText={t('admCancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy }}
      width={640}
    >
      <p style={{ marginTop: 0 }}>{t('scCreateRoundHelp')}</p>
      <ProblemAlert error={error} />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ year: thisYear, owner_unit_id: me?.memberships[0]?.unit_id }}
      >
        <Form.Item label={t('scRoundName')} name="name" rules={[required, { max: 300 }]}>
          <Input placeholder={t('scRoundNamePlaceholder')} />
        </Form.Item>
        <Form.Item label={t('frameworks')} name="framework_id" rules={[required]}>
          <Select
            loading={frameworks.isPending}
            showSearch={{ optionFilterProp: 'label' }}
            options={published.map((f) => ({ value: f.id, label: f.name }))}
          />
        </Form.Item>
        <Form.Item label={t('scOwner')} name="owner_unit_id" rules={[required]}>
          <Select options={[...units].map(([id, name]) => ({ value: id, label: name }))} />
        </Form.Item>
        <Form.Item label={t('scYear')} name="year" rules={[required]}>
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        <Form.Item label={t('scSelfWindow')} name="self_window" rules={[required]}>
          <DatePicker.RangePicker format="DD/MM/YYYY" placeholder={[t('scFrom'), t('scTo')]} />
        </Form.Item>
        <Form.Item
          label={t('scAppraisalWindow')}
          name="appraisal_window"
          dependencies={['self_window']}
          rules={[
            required,
            ({ getFieldValue }) => ({
              validator: (_, v?: [Dayjs, Dayjs]) => {
                const self = getFieldValue('self_window') as [Dayjs, Dayjs] | undefined;
                return !v || !self || !v[0].isBefore(self[0], 'day')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('scAppraisalBeforeSelf')));
              },
            }),
          ]}
        >
          <DatePicker.RangePicker format="DD/MM/YYYY" placeholder={[t('scFrom'), t('scTo')]} />
        </Form.Item>
        <Form.Item label={t('scNote')} name="note" rules={[{ max: 5000 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
