import { DatePicker, Form, Input, Modal } from 'antd';
import Failure from './Failure';
import type { FollowUpCreate } from '../../client/types.gen';
import { followUpBody, type FollowUpValues } from './model';
import { useWords } from './words';
import { useDialogSubmit } from '../../components/useDialogSubmit';

/** Giao việc khắc phục: the follow-up becomes an assignment of the unit (an added task of the district's plan). */
export default function FollowUpModal({ idemPrefix, title, send, onClose, onSaved }: { idemPrefix: string; title: string; send: (body: FollowUpCreate, idempotencyKey: string) => Promise<unknown>; onClose: () => void; onSaved: () => void }) {
  const { w, need } = useWords();
  const [form] = Form.useForm<FollowUpValues>();
  const { key, busy, error, run } = useDialogSubmit(idemPrefix);
  const submit = async (v: FollowUpValues) => {
    await run(async () => {
      await send(followUpBody(v), key);
      onSaved();
    });
  };
  return (
    <Modal open title={title} okText={w('save')} cancelText={w('cancel')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy }} width={600}>
      <p style={{ marginTop: 0 }}>{w('followUpHelp')}</p>
      <Failure error={error} />
      <Form<FollowUpValues> form={form} layout="vertical" onFinish={submit}>
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
