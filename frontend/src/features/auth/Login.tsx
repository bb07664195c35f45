import { Button, Form, Input } from 'antd';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useAuth } from '../../auth';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { afterLogin } from '../../nav';

/** The first screen: kept light (no Card/Typography/Select) so it loads fast on slow links. */
export default function Login() {
  const { login, me, can } = useAuth();
  const { t, lang, setLang } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [params] = useSearchParams();
  // Signed in (now or already): the page asked for, else the role's home, REPLACING /login in the history so Back
  // does not return to the login form.
  if (me) return <Navigate to={afterLogin(params.get('next'), can)} replace />;

  const onFinish = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.username, v.password); // sets `me`: the render above then leaves for the next page
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <main className="login-wrap">
      <div className="login-card">
        <h1>parsipas</h1>
        <p className="sub">{t('app')}</p>
        <ProblemAlert error={error} />
        <Form layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item label={t('username')} name="username" rules={[{ required: true, message: t('username') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('password') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login')}
          </Button>
        </Form>
        <div className="lang-switch" role="group" aria-label={t('language')}>
          <Button size="small" type={lang === 'vi' ? 'primary' : 'default'} aria-pressed={lang === 'vi'} onClick={() => setLang('vi')} lang="vi">
            Tiếng Việt
          </Button>
          <Button size="small" type={lang === 'en' ? 'primary' : 'default'} aria-pressed={lang === 'en'} onClick={() => setLang('en')} lang="en">
            English
          </Button>
        </div>
      </div>
    </main>
  );
}
