import { ConfigProvider, Tabs, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useAuth } from '../../auth';
import { Loading } from '../../components/common';
import { useI18n } from '../../i18n';

const Units = lazy(() => import('./Units'));
const Users = lazy(() => import('./Users'));
const Tokens = lazy(() => import('./Tokens'));
const Audit = lazy(() => import('./Audit'));

/** Quản trị: units, users and roles, API tokens, audit log — each tab only for who holds its permission. */
export default function Admin() {
  const { tab } = useParams();
  const nav = useNavigate();
  const { t } = useI18n();
  const { can } = useAuth();
  const tabs = [
    { key: 'units', label: t('units'), Page: Units, perm: 'units:read' },
    { key: 'users', label: t('users'), Page: Users, perm: 'users:read' },
    { key: 'tokens', label: t('tokens'), Page: Tokens, perm: 'tokens:manage' },
    { key: 'audit', label: t('audit'), Page: Audit, perm: 'audit:read' },
  ].filter((x) => can(x.perm));
  if (!tabs.length) return <Navigate to="/" replace />;
  const active = tabs.find((x) => x.key === tab) ?? tabs[0];
  if (tab !== active.key) return <Navigate to={`/admin/${active.key}`} replace />;
  // Danger actions (deactivate, revoke, delete) in a red dark enough for WCAG AA text contrast (antd's is 3.3:1).
  return (
    <ConfigProvider theme={{ token: { colorError: '#b3261e' } }}>
      <Typography.Title level={1} className="page-title">
        {t('admin')}
      </Typography.Title>
      <Tabs
        activeKey={active.key}
        onChange={(k) => nav(`/admin/${k}`)}
        destroyOnHidden
        items={tabs.map(({ key, label, Page }) => ({
          key,
          label,
          children: (
            <Suspense fallback={<Loading />}>
              <Page />
            </Suspense>
          ),
        }))}
      />
    </ConfigProvider>
  );
}
