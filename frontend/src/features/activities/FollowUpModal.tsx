import { DatePicker, Form, Input, Modal } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import Failure from './Failure';
import { iso, newIdempotencyKey } from './model';
import { useWords } from './words';
import { useSubmit } from './useSubmit';

interface FuValues {
  title: string;
  product?: string;
  deadline: Dayjs;
}

/** Giao việc khắc phục: the follow-up becomes an assignment of the unit (an added task of the district's plan). */
export default function FollowUpModal({ idemPrefix, title, send, onClose, onSaved }: { idemPrefix: string; title: string; send: (body: Record<string, unknown>, idempotencyKey: string) => Promise<unknown>; onClose: () => void; onSaved: () => void }) {
  const { w, need } = useWords();
  const [form] = Form.useForm<FuValues>();
  const [key] = useState(() => newIdempotencyKey(idemPrefix));
  const { busy, error, run } = useSubmit();
  const submit = async (v: FuValues) => {
    await run(async () => {
      await send({ title: v.title.trim(), product: v.product?.trim() || null, deadline: iso(v.deadline) }, key);
      onSaved();
    });
  };
  return (
    <Modal open title={title} okText={w('save')} cancelText={w('cancel')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy }} width={600}>
      <p style={{ marginTop: 0 }}>{w('followUpHelp')}</p>
      <Failure error={error} />
      <Form<FuValues> form={form} layout="vertical" onFinish={submit}>
        <Form.Item label={w('followUpTitle')} name="title" rules={[need(w('followUpTitle')), { max: 1000 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item label={w('product')} name="product" rules={[{ max: 1000 }]}>
          <Input />
        </Form.Item>
        <Form.Item label={w('deadline')} name="deadline" rules={[need(w('deadline'))]}>
          <DatePicker format="DD/MM/YYYY" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
