import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import viVN from 'antd/locale/vi_VN';
import dayjs from 'dayjs';
import 'dayjs/locale/vi';
import { lazy, Suspense, useMemo, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { hasRefreshToken } from './api/http';
import { AuthProvider, useAuth } from './auth';
import { Loading } from './components/Loading';
import { I18nContext, makeI18n, type Lang } from './i18n';
import Login from './pages/Login';

const loadShell = () => import('./pages/Shell');
const loadMyWork = () => import('./pages/MyWork');
const Shell = lazy(loadShell);
const MyWork = lazy(loadMyWork);
// A returning user (refresh token in this tab): fetch the shell and the work queue while the session refreshes.
if (hasRefreshToken()) {
  void loadShell();
  void loadMyWork();
}
const AssignmentDetail = lazy(() => import('./pages/AssignmentDetail'));
const Review = lazy(() => import('./pages/Review'));
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Plans = lazy(() => import('./pages/Plans'));
const Frameworks = lazy(() => import('./pages/Frameworks'));
const Admin = lazy(() => import('./pages/Admin'));
const Account = lazy(() => import('./pages/Account'));
const NotYet = lazy(() => import('./pages/NotYet'));
const Reports = lazy(() => import('./pages/Reports'));
const Imports = lazy(() => import('./pages/Imports'));

function Protected() {
  const { me, ready } = useAuth();
  const loc = useLocation();
  if (!ready) return <Loading />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  return <Shell />;
}

function Home() {
  const { can } = useAuth();
  if (can('assignments:review') || can('dashboards:read') && !can('assignments:edit')) return <Navigate to="/dashboard" replace />;
  return <Navigate to="/my-work" replace />;
}

export default function App() {
  const initial = (localStorage.getItem('parsipas.lang') as Lang) || 'vi';
  const [lang, setLangState] = useState<Lang>(initial === 'en' ? 'en' : 'vi');
  const i18n = useMemo(
    () =>
      makeI18n(lang, (l) => {
        localStorage.setItem('parsipas.lang', l);
        document.documentElement.lang = l;
        dayjs.locale(l === 'vi' ? 'vi' : 'en');
        setLangState(l);
      }),
    [lang],
  );
  dayjs.locale(lang === 'vi' ? 'vi' : 'en');
  return (
    <I18nContext.Provider value={i18n}>
      <ConfigProvider locale={lang === 'vi' ? viVN : enUS} theme={{ token: { colorPrimary: '#0b5cab', colorLink: '#0b5cab', colorInfo: '#0b5cab', colorTextDescription: 'rgba(0,0,0,0.68)', colorTextTertiary: 'rgba(0,0,0,0.68)', colorTextSecondary: 'rgba(0,0,0,0.72)', colorTextPlaceholder: 'rgba(0,0,0,0.6)' } }}>
        <AntApp>
          <AuthProvider>
            <BrowserRouter>
              <Suspense fallback={<Loading />}>
                <Routes>
                  <Route path="/login" element={<Login />} />
                  <Route element={<Protected />}>
                    <Route index element={<Home />} />
                    <Route path="my-work" element={<MyWork />} />
                    <Route path="assignments" element={<MyWork all />} />
                    <Route path="assignments/:id" element={<AssignmentDetail />} />
                    <Route path="review" element={<Review />} />
                    <Route path="dashboard" element={<Dashboard />} />
                    <Route path="plans" element={<Plans />} />
                    <Route path="plans/:id" element={<Plans />} />
                    <Route path="frameworks" element={<Frameworks />} />
                    <Route path="frameworks/:id" element={<Frameworks />} />
                    <Route path="admin/:tab?" element={<Admin />} />
                    <Route path="account" element={<Account />} />
                    <Route path="reports" element={<Reports />} />
                    <Route path="imports" element={<Imports />} />
                    <Route path="*" element={<NotYet />} />
                  </Route>
                </Routes>
              </Suspense>
            </BrowserRouter>
          </AuthProvider>
        </AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}
