import { Button, Form, Input } from 'antd';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../i18n';

/** The first screen: kept light (no Card/Typography/Select) so it loads fast on slow links. */
export default function Login() {
  const { login, me } = useAuth();
  const { t, lang, setLang } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [params] = useSearchParams();
  const nav = useNavigate();
  const next = params.get('next') || '/';
  if (me) return <Navigate to={next.startsWith('/') ? next : '/'} replace />;

  const onFinish = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.username, v.password);
      nav(next.startsWith('/') ? next : '/', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
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
