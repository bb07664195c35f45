import { Layout } from 'antd';
import { Suspense, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth';
import { Loading } from '../components/common';
import { useI18n, type Key, type Lang } from '../i18n';

interface Item {
  key: string;
  label: Key;
  perm?: string;
}

const ITEMS: Item[] = [
  { key: '/dashboard', label: 'dashboard', perm: 'dashboards:read' },
  { key: '/my-work', label: 'myWork', perm: 'assignments:edit' },
  { key: '/review', label: 'review', perm: 'assignments:review' },
  { key: '/plans', label: 'plans', perm: 'plans:read' },
  { key: '/frameworks', label: 'frameworks', perm: 'frameworks:read' },
  { key: '/reports', label: 'reports', perm: 'reports:read' },
  { key: '/scoring', label: 'scTitle', perm: 'assessments:read' },
  { key: '/imports', label: 'imports', perm: 'imports:run' },
  { key: '/admin/units', label: 'admin', perm: 'units:read' },
  { key: '/account', label: 'account' },
];

export default function Shell() {
  const { me, logout, can } = useAuth();
  const { t, lang, setLang } = useI18n();
  const loc = useLocation();
  const nav = useNavigate();
  const [collapsed, setCollapsed] = useState(typeof window !== 'undefined' && window.innerWidth < 768);
  // Plain links and buttons: antd's Menu and Button would add ~35 KB gzipped (menu, overflow, popups, button effects)
  // to what every signed-in page downloads before it can show anything.
  const items = ITEMS.filter((i) => !i.perm || can(i.perm));
  const selected = ITEMS.map((i) => i.key).filter((k) => loc.pathname.startsWith(k.split('/').slice(0, 2).join('/')));

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
                <li key={i.key}>
                  <Link
                    to={i.key}
                    aria-current={selected.includes(i.key) ? 'page' : undefined}
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
              <Outlet />
            </Suspense>
          </div>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
