import { Alert, Button, DatePicker, Form, Input, Modal } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { AssignmentRead } from '../api/types';
import { useI18n } from '../i18n';
import { needsExplanation, parseProgress } from './assignmentRules';

/** What the unit types; progress stays the text it typed until it is valid (never clamped behind its back). */
export interface Edit {
  progress: string | number;
  result?: string;
  completed_date?: Dayjs | null;
  explanation?: string;
}

export interface EditBody {
  progress: number;
  result: string | null;
  completed_date: string | null;
  explanation: string | null;
}

export function ProgressForm({
  a,
  editable,
  busy,
  onSave,
}: {
  a: AssignmentRead;
  editable: boolean;
  busy: boolean;
  onSave: (body: EditBody) => unknown;
}) {
  const { t } = useI18n();
  const finish = (v: Edit) =>
    onSave({
      progress: parseProgress(v.progress) ?? 0,
      result: v.result || null,
      completed_date: v.completed_date ? v.completed_date.format('YYYY-MM-DD') : null,
      explanation: v.explanation || null,
    });
  return (
    <Form<Edit>
      key={`${a.id}-${a.version ?? ''}-${a.status}`}
      layout="vertical"
      disabled={!editable}
      initialValues={{
        progress: String(a.progress),
        result: a.result ?? '',
        completed_date: a.completed_date ? dayjs(a.completed_date) : null,
        explanation: a.explanation ?? '',
      }}
      onFinish={finish}
    >
      <Form.Item
        label={`${t('progress')} (%)`}
        name="progress"
        rules={[
          {
            validator: (_, v) =>
              parseProgress(v) === null ? Promise.reject(new Error(t('progressInvalid'))) : Promise.resolve(),
          },
        ]}
      >
        <Input inputMode="numeric" style={{ width: 120 }} data-testid="progress-input" />
      </Form.Item>
      <Form.Item label={t('result')} name="result">
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item label={t('completedDate')} name="completed_date">
        <DatePicker format="DD/MM/YYYY" />
      </Form.Item>
      <Form.Item label={t('explanation')} name="explanation">
        <Input.TextArea rows={2} />
      </Form.Item>
      {editable && (
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('save')}
        </Button>
      )}
    </Form>
  );
}

/** Gửi duyệt: below 100 % or without a result, a warning and a required giải trình before sending. */
export function SubmitDialog({
  a,
  open,
  busy,
  onCancel,
  onSubmit,
}: {
  a: AssignmentRead;
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (body: { explanation: string | null; completed_date: string | null }) => unknown;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(a.explanation ?? '');
  const needed = needsExplanation(a);
  const warning =
    a.progress < 100 ? t('submitWarnProgress').replace('{p}', String(a.progress)) : t('submitWarnResult');
  return (
    <Modal
      open={open}
      title={t('submit')}
      okText={t('submit')}
      confirmLoading={busy}
      okButtonProps={{ disabled: needed && !text.trim() }}
      onCancel={onCancel}
      onOk={() => onSubmit({ explanation: text.trim() || null, completed_date: a.completed_date ?? null })}
    >
      {needed && <Alert type="warning" showIcon title={warning} style={{ marginBottom: 12 }} />}
      <label htmlFor="submit-explanation">
        {t('explanation')}
        {needed ? ' *' : ''}
      </label>
      <Input.TextArea id="submit-explanation" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
    </Modal>
  );
}
