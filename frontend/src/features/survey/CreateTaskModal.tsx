import { DatePicker, Form, Input, Modal, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { orgUnitsListOptions, plansListOptions } from '../../client/@tanstack/react-query.gen';
import { surveysCreateTask } from '../../client/sdk.gen';
import type { WeakResultTaskRead } from '../../client/types.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { useDialogSubmit } from '../../components/useDialogSubmit';
import { defaultDue, defaultPlan, pct } from './model';
import { useWords } from './words';

export interface TaskSource {
  nodeId: number;
  label: string;
  share: number | null | undefined;
  /** The unit the results were filtered on: the task's lead unit by default. */
  unitId?: number;
}

interface Values {
  plan_id: number;
  title: string;
  lead_unit_id: number;
  due_date: Dayjs;
  product?: string;
}

/**
 * The second click of "from a weak result to work": a dialog already filled in (the year's plan, a title naming the
 * factor or question and its rate, the unit, a deadline); "Tạo nhiệm vụ" adds the task to the plan, linked to the
 * result's SIPAS criterion, through the plans service (an issued plan records it as a change with its reason).
 */
export default function CreateTaskModal({
  source,
  year,
  onClose,
  onCreated,
}: {
  source: TaskSource;
  year: number;
  onClose: () => void;
  onCreated: (t: WeakResultTaskRead) => void;
}) {
  const { w, need, lang, statusName } = useWords();
  const [form] = Form.useForm<Values>();
  const { key, busy, error, run } = useDialogSubmit('survey-task');
  const plans = useQuery(plansListOptions({ query: { year, limit: 50 } }));
  const units = useQuery(orgUnitsListOptions({ query: { limit: 500 } }));
  const plan = defaultPlan(plans.data?.items ?? [], year);

  useEffect(() => {
    if (!plan) return;
    const rate = source.share != null ? ` (${w('satisfied').toLowerCase()} ${pct(source.share, lang)})` : '';
    form.setFieldsValue({
      plan_id: plan.id,
      title: `${w('defaultTaskTitle', source.label)}${rate}`.slice(0, 4000),
      lead_unit_id: source.unitId ?? plan.issuing_unit_id,
      due_date: defaultDue(year),
    });
  }, [plan?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const submit = (v: Values) =>
    run(async () => {
      const { data } = await surveysCreateTask({
        headers: { 'Idempotency-Key': key },
        throwOnError: true,
        body: {
          plan_id: v.plan_id,
          node_id: source.nodeId,
          title: v.title.trim(),
          lead_unit_id: v.lead_unit_id,
          due_date: v.due_date.format('YYYY-MM-DD'),
          product: v.product?.trim() || null,
        },
      });
      onCreated(data);
    });

  return (
    <Modal
      open
      title={w('createTaskTitle')}
      okText={w('createTask')}
      cancelText={w('cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy, disabled: !plan }}
      width={640}
    >
      <p style={{ marginTop: 0 }}>{w('createTaskHelp')}</p>
      <ProblemAlert error={error} />
      <Guard loading={plans.isPending} error={plans.error}>
        {() =>
          !plan ? (
            <ProblemAlert error={new Error(w('noPlan', year))} />
          ) : (
            <Form form={form} layout="vertical" onFinish={submit}>
              <Form.Item name="plan_id" label={w('plan')} rules={[need(w('plan'))]}>
                <Select
                  options={(plans.data?.items ?? [])
                    .filter((p) => p.status !== 'closed')
                    .map((p) => ({ value: p.id, label: `${p.title} (${statusName(p.status)})` }))}
                />
              </Form.Item>
              <Form.Item name="title" label={w('taskTitle')} rules={[{ ...need(w('taskTitle')), whitespace: true }]}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={4000} />
              </Form.Item>
              <Form.Item name="lead_unit_id" label={w('taskUnit')} rules={[need(w('taskUnit'))]}>
                <Select
                  showSearch
                  optionFilterProp="label"
                  loading={units.isPending}
                  options={(units.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
                />
              </Form.Item>
              <Form.Item name="due_date" label={w('taskDeadline')} rules={[need(w('taskDeadline'))]}>
                <DatePicker format="DD/MM/YYYY" />
              </Form.Item>
              <Form.Item name="product" label={w('taskProduct')}>
                <Input maxLength={4000} />
              </Form.Item>
            </Form>
          )
        }
      </Guard>
    </Modal>
  );
}
