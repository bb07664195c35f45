import { Button, Layout, Menu } from 'antd';
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
  const items = ITEMS.filter((i) => !i.perm || can(i.perm)).map((i) => ({
    key: i.key,
    label: <Link to={i.key}>{t(i.label)}</Link>,
  }));
  const selected = ITEMS.map((i) => i.key).filter((k) => loc.pathname.startsWith(k.split('/').slice(0, 2).join('/')));

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <Layout.Header className="app-header">
        <Button
          type="text"
          aria-label={t('menu')}
          aria-expanded={!collapsed}
          onClick={() => setCollapsed((c) => !c)}
          style={{ color: '#fff' }}
        >
          ☰
        </Button>
        <Link to="/" className="brand">
          parsipas <span className="hide-narrow">· {t('app')}</span>
        </Link>
        <Button
          size="small"
          aria-label={lang === 'vi' ? 'EN (English)' : 'VI (Tiếng Việt)'}
          title={t('language')}
          onClick={() => setLang((lang === 'vi' ? 'en' : 'vi') as Lang)}
        >
          {lang === 'vi' ? 'EN' : 'VI'}
        </Button>
        <span className="hide-narrow" style={{ color: '#fff' }}>
          {me?.full_name}
        </span>
        <Button
          size="small"
          onClick={async () => {
            await logout();
            nav('/login', { replace: true });
          }}
        >
          {t('logout')}
        </Button>
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
          <nav aria-label={t('menu')}>
            <Menu
              mode="inline"
              selectedKeys={selected}
              items={items}
              onClick={() => window.innerWidth < 768 && setCollapsed(true)}
            />
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
