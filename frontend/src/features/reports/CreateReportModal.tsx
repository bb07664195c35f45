import { Form, Modal, Select } from 'antd';
import type { OrgUnitRead, PeriodRead } from '../../client/types.gen';
import { ProblemAlert } from '../../components/common';
import { useDialogSubmit } from '../../components/useDialogSubmit';
import { periodName } from './model';
import { useReportWords } from './words';

interface Values {
  period_id: number;
  unit_id: number;
}

/**
 * Phòng Nội vụ opens a report for any unit of its subtree (a unit that has not opened its own yet; the district's
 * own unit → the aggregate report). Mounted only while open, with one Idempotency-Key per opening: a retried click cannot create two.
 */
export default function CreateReportModal({
  periods,
  units,
  defaultPeriodId,
  onClose,
  onCreate,
}: {
  periods: PeriodRead[];
  units: OrgUnitRead[];
  defaultPeriodId?: number;
  onClose: () => void;
  onCreate: (periodId: number, unitId: number, key: string) => Promise<unknown>;
}) {
  const { t, lang, need } = useReportWords();
  const [form] = Form.useForm<Values>();
  // mounted while open: one key per opening of the dialog
  const { key, busy, error, run } = useDialogSubmit('report');

  const submit = (v: Values) =>
    run(async () => {
      await onCreate(v.period_id, v.unit_id, key);
    });

  return (
    <Modal
      open
      title={t('rpCreateForUnit')}
      okText={t('rpCreate')}
      cancelText={t('rpCancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy }}
    >
      <p style={{ marginTop: 0 }}>{t('rpCreateForUnitHelp')}</p>
      <ProblemAlert error={error} />
      <Form<Values> form={form} layout="vertical" onFinish={submit} initialValues={{ period_id: defaultPeriodId }}>
        <Form.Item label={t('period')} name="period_id" rules={[need(t('period'))]}>
          <Select options={periods.map((p) => ({ value: p.id, label: periodName(p, lang) }))} />
        </Form.Item>
        <Form.Item label={t('unit')} name="unit_id" rules={[need(t('unit'))]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={units.map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
