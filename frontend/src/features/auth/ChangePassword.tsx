import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { ApiError, type Problem } from '../../api/http';
import { useAuth } from '../../auth';
import { authChangePassword } from '../../client/sdk.gen';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';

// Kept here, not in i18n.tsx: the words of this screen only.
const WORDS = {
  vi: {
    title: 'Đổi mật khẩu',
    forced: 'Mật khẩu của bạn do quản trị viên đặt. Hãy chọn mật khẩu riêng trước khi tiếp tục.',
    current: 'Mật khẩu hiện tại',
    next: 'Mật khẩu mới',
    nextHelp: 'Ít nhất 10 ký tự; không dùng mật khẩu phổ biến, tên đăng nhập hay mã đơn vị.',
    confirm: 'Nhập lại mật khẩu mới',
    mismatch: 'Hai mật khẩu mới không khớp',
    required: 'Bắt buộc',
    submit: 'Đổi mật khẩu',
    logout: 'Đăng xuất',
    done: 'Đã đổi mật khẩu.',
  },
  en: {
    title: 'Change password',
    forced: 'Your password was set by an administrator. Choose your own before going on.',
    current: 'Current password',
    next: 'New password',
    nextHelp: 'At least 10 characters; not a common password, your username or a unit code.',
    confirm: 'New password again',
    mismatch: 'The two new passwords differ',
    required: 'Required',
    submit: 'Change password',
    logout: 'Sign out',
    done: 'Password changed.',
  },
} as const;

interface Values {
  current_password: string;
  new_password: string;
  confirm: string;
}

/** The own password change. Changing it ends every session, so the form signs in again with the new password. */
export function PasswordChangeForm({ onDone }: { onDone?: () => void }) {
  const { me, login } = useAuth();
  const { lang } = useI18n();
  const w = WORDS[lang === 'en' ? 'en' : 'vi'];
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const r = await authChangePassword({ body: { current_password: v.current_password, new_password: v.new_password } });
      if (r.error) throw new ApiError(r.response?.status ?? 0, r.error as Problem);
      if (me?.username) await login(me.username, v.new_password);
      form.resetFields();
      setDone(true);
      onDone?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ProblemAlert error={error} />
      {done && <Alert type="success" showIcon title={w.done} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} style={{ maxWidth: 380 }}>
        {/* lets password managers tie the new password to the account */}
        <input type="text" name="username" autoComplete="username" value={me?.username ?? ''} readOnly hidden />
        <Form.Item label={w.current} name="current_password" rules={[{ required: true, message: w.required }]}>
          <Input.Password autoComplete="current-password" autoFocus />
        </Form.Item>
        <Form.Item label={w.next} name="new_password" extra={w.nextHelp} rules={[{ required: true, message: w.required }, { min: 10, message: w.nextHelp }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={w.confirm}
          name="confirm"
          dependencies={['new_password']}
          rules={[
            { required: true, message: w.required },
            ({ getFieldValue }) => ({
              validator: (_, value) => (!value || getFieldValue('new_password') === value ? Promise.resolve() : Promise.reject(new Error(w.mismatch))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {w.submit}
        </Button>
      </Form>
    </>
  );
}

/** Shown instead of the app while /me says must_change_password: nothing else would work (403 from the API). */
export default function ForcedPasswordChange() {
  const { logout } = useAuth();
  const { lang } = useI18n();
  const w = WORDS[lang === 'en' ? 'en' : 'vi'];
  return (
    <main className="login-wrap">
      <div className="login-card">
        <h1>{w.title}</h1>
        <p className="sub">{w.forced}</p>
        <PasswordChangeForm />
        <Button type="link" onClick={() => void logout()} style={{ paddingLeft: 0, marginTop: 8 }}>
          {w.logout}
        </Button>
      </div>
    </main>
  );
}

/** The same form on the account page, under its own heading. */
export function PasswordChangeSection() {
  const { lang } = useI18n();
  return (
    <section aria-labelledby="change-password">
      <h2 id="change-password" style={{ fontSize: 20, fontWeight: 600, margin: '24px 0 12px' }}>
        {WORDS[lang === 'en' ? 'en' : 'vi'].title}
      </h2>
      <PasswordChangeForm />
    </section>
  );
}
