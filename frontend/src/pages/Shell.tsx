import { Layout } from 'antd';
import { Suspense, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth';
import { Loading } from '../components/common';
import { useI18n, type Lang } from '../i18n';
import NotificationBell from '../features/notifications/Bell';
import { mayOpen, menuFor } from '../nav';
import NotForRole from './NotForRole';

export default function Shell() {
  const { me, logout, can } = useAuth();
  const { t, lang, setLang } = useI18n();
  const loc = useLocation();
  const nav = useNavigate();
  const [collapsed, setCollapsed] = useState(typeof window !== 'undefined' && window.innerWidth < 768);
  // Plain links and buttons: antd's Menu and Button would add ~35 KB gzipped (menu, overflow, popups, button effects)
  // to what every signed-in page downloads before it can show anything.
  // Menu and pages from one table (nav.ts): an entry the role may not use is not listed, and its address shows a
  // plain "not for your role" page instead of a form the API would refuse.
  const items = menuFor(can);
  const current = loc.pathname.split('/')[1] ?? '';

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <Layout.Header className="app-header">
        <button
          type="button"
          className="hdr-btn hdr-menu"
          aria-label={t('menu')}
          aria-expanded={!collapsed}
          onClick={() => setCollapsed((c) => !c)}
        >
          ☰
        </button>
        <Link to="/" className="brand">
          parsipas <span className="hide-narrow">· {t('app')}</span>
        </Link>
        <NotificationBell />
        <button
          type="button"
          className="hdr-btn"
          aria-label={lang === 'vi' ? 'EN (English)' : 'VI (Tiếng Việt)'}
          title={t('language')}
          onClick={() => setLang((lang === 'vi' ? 'en' : 'vi') as Lang)}
        >
          {lang === 'vi' ? 'EN' : 'VI'}
        </button>
        <span className="hide-narrow" style={{ color: '#fff' }}>
          {me?.full_name}
        </span>
        <button
          type="button"
          className="hdr-btn"
          onClick={async () => {
            await logout();
            nav('/login', { replace: true });
          }}
        >
          {t('logout')}
        </button>
      </Layout.Header>
      <Layout>
        <Layout.Sider
          width={220}
          collapsedWidth={0}
          collapsed={collapsed}
          trigger={null}
          theme="light"
          aria-label={t('menu')}
        >
          <nav aria-label={t('menu')} className="side-nav" hidden={collapsed}>
            <ul>
              {items.map((i) => (
                <li key={i.path}>
                  <Link
                    to={i.to}
                    aria-current={current === i.path ? 'page' : undefined}
                    onClick={() => window.innerWidth < 768 && setCollapsed(true)}
                  >
                    {t(i.label)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </Layout.Sider>
        <Layout.Content>
          <div id="main" className="app-content" tabIndex={-1}>
            <Suspense fallback={<Loading />}>
              {mayOpen(loc.pathname, can) ? <Outlet /> : <NotForRole />}
            </Suspense>
          </div>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
