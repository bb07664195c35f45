import { App, DatePicker, Form, Input, Modal } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { reportPeriodsGetQueryKey } from '../../client/@tanstack/react-query.gen';
import { reportPeriodsGet, reportPeriodsUpdate } from '../../client/sdk.gen';
import { useReportWords } from './words';
import { Guard, ProblemAlert } from '../../components/common';
import { etagQuery, ifMatch } from '../../components/queries';

interface Values {
  name: string;
  data_from: Dayjs;
  data_to: Dayjs;
  due_unit: Dayjs;
  due_district: Dayjs;
  due_province?: Dayjs | null;
}

const iso = (d?: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null);

/**
 * Sửa kỳ báo cáo (Phòng Nội vụ): name, window and due dates. Mounted while open; the period is read with its ETag
 * and saved with If-Match (a concurrent edit answers 412, shown in place).
 */
export default function PeriodEditModal({ periodId, onClose, onSaved }: { periodId: number; onClose: () => void; onSaved: () => void }) {
  const { t, need } = useReportWords();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const path = { period_id: periodId };
  const load = useQuery(etagQuery(reportPeriodsGetQueryKey({ path }), (signal) => reportPeriodsGet({ path, signal, throwOnError: true })));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const p = load.data?.data;

  const save = async (v: Values) => {
    setSaving(true);
    setError(null);
    try {
      await reportPeriodsUpdate({
        path,
        throwOnError: true,
        body: {
          name: v.name,
          data_from: iso(v.data_from),
          data_to: iso(v.data_to),
          due_unit: iso(v.due_unit),
          due_district: iso(v.due_district),
          due_province: iso(v.due_province),
        },
        headers: ifMatch(load.data?.etag),
      });
      void qc.invalidateQueries({ queryKey: reportPeriodsGetQueryKey({ path }) });
      message.success(t('saved'));
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('rpEditPeriod')}
      okText={t('save')}
      cancelText={t('rpCancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: saving, disabled: !p }}
    >
      <p style={{ marginTop: 0 }}>{t('rpEditPeriodHelp')}</p>
      <ProblemAlert error={error} />
      <Guard loading={load.isPending} error={load.error} item>
        {() =>
          p && (
            <Form<Values>
              form={form}
              layout="vertical"
              onFinish={save}
              initialValues={{
                name: p.name,
                data_from: dayjs(p.data_from),
                data_to: dayjs(p.data_to),
                due_unit: dayjs(p.due_unit),
                due_district: dayjs(p.due_district),
                due_province: p.due_province ? dayjs(p.due_province) : null,
              }}
            >
              <Form.Item label={t('name')} name="name" rules={[need(t('name'))]}>
                <Input maxLength={120} />
              </Form.Item>
              <Form.Item label={t('rpDataFrom')} name="data_from" rules={[need(t('rpDataFrom'))]}>
                <DatePicker format="DD/MM/YYYY" />
              </Form.Item>
              <Form.Item label={t('rpDataTo')} name="data_to" rules={[need(t('rpDataTo'))]}>
                <DatePicker format="DD/MM/YYYY" />
              </Form.Item>
              <Form.Item label={t('rpDueUnit')} name="due_unit" rules={[need(t('rpDueUnit'))]}>
                <DatePicker format="DD/MM/YYYY" />
              </Form.Item>
              <Form.Item label={t('rpDueDistrict')} name="due_district" rules={[need(t('rpDueDistrict'))]}>
                <DatePicker format="DD/MM/YYYY" />
              </Form.Item>
              <Form.Item label={t('rpDueProvince')} name="due_province">
                <DatePicker format="DD/MM/YYYY" />
              </Form.Item>
            </Form>
          )
        }
      </Guard>
    </Modal>
  );
}
