import { DatePicker, Form, Input, Modal } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api/http';
import { ProblemAlert } from '../../components/common';
import { newIdempotencyKey } from '../../components/reports/model';
import { pct } from './model';
import { useWords } from './words';

export interface TaskSource {
  factor: string;
  questionId?: number;
  label: string;
  share: string | number | null;
}

interface Values {
  title: string;
  deadline: Dayjs;
}

/**
 * The second click of "from a weak result to work": a dialog already filled in (title naming the factor or question
 * and its rate, deadline in two months within the year); "Tạo nhiệm vụ" creates the task in the year's issued plan,
 * linked to the result's SIPAS node (the API decides where and refuses with a message when no plan is issued).
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
  onCreated: () => void;
}) {
  const { w, lang } = useWords();
  const [form] = Form.useForm<Values>();
  const [key] = useState(() => newIdempotencyKey('survey-task'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [initial] = useState(() => {
    const inTwoMonths = dayjs().add(2, 'month');
    const endOfYear = dayjs(`${year}-12-31`);
    const deadline = inTwoMonths.isAfter(endOfYear) || inTwoMonths.year() < year ? endOfYear : inTwoMonths;
    const rate = source.share != null ? ` (${w('satisfied').toLowerCase()} ${pct(source.share, lang)})` : '';
    return { title: `${w('defaultTaskTitle', source.label)}${rate}`.slice(0, 500), deadline };
  });

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await api('/survey-results/tasks', {
        method: 'POST',
        headers: { 'Idempotency-Key': key },
        body: {
          year,
          factor: source.factor,
          question_id: source.questionId ?? null,
          title: v.title.trim(),
          deadline: v.deadline.format('YYYY-MM-DD'),
        },
      });
      onCreated();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={w('createTaskTitle')}
      okText={w('createTask')}
      cancelText={w('cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy }}
      width={600}
    >
      <p style={{ marginTop: 0 }}>{w('createTaskHelp')}</p>
      <ProblemAlert error={error} />
      <Form form={form} layout="vertical" initialValues={initial} onFinish={submit}>
        <Form.Item name="title" label={w('taskTitle')} rules={[{ required: true, whitespace: true, message: w('required') }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} />
        </Form.Item>
        <Form.Item name="deadline" label={w('taskDeadline')} rules={[{ required: true, message: w('required') }]}>
          <DatePicker format="DD/MM/YYYY" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
