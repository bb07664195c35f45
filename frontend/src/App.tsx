import { QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import { enUS, viVN } from './antLocale';
import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { queryClient } from './api/query';
import { AuthProvider, useAuth } from './auth';
import { Loading } from './components/Loading';
import ValidId from './components/ValidId';
import { listenBeforeRouter } from './components/useLeaveGuard';
import { I18nContext, useLanguage } from './i18n';
import { LevelI18n } from './LevelI18n';
import { homePath } from './nav';

// Every page is its own chunk; main.tsx starts fetching the landing page's chunk before this module runs.
const Login = lazy(() => import('./features/auth/Login'));
const Shell = lazy(() => import('./pages/Shell'));
const MyWork = lazy(() => import('./features/assignments/MyWork'));
// antd's App (App.useApp(): message, notification, modal) and dayjs's locale wrap every page except the work queue
// (see antApp.tsx): a page using App.useApp() or a date picker must go inside <WithAntApp />.
const WithAntApp = lazy(() => import('./antApp'));
const AssignmentDetail = lazy(() => import('./features/assignments/AssignmentDetail'));
const Review = lazy(() => import('./features/review/Review'));
const Dashboard = lazy(() => import('./features/dashboard/Dashboard'));
const DashboardPrint = lazy(() => import('./features/dashboard/DashboardPrint'));
const Plans = lazy(() => import('./features/plans/PlansPage'));
const Frameworks = lazy(() => import('./features/frameworks/Frameworks'));
const Admin = lazy(() => import('./features/admin/Admin'));
const Account = lazy(() => import('./features/auth/Account'));
const ForcedPasswordChange = lazy(() => import('./features/auth/ChangePassword'));
const NotYet = lazy(() => import('./pages/NotYet'));
const Reports = lazy(() => import('./features/reports/Reports'));
const ReportEditor = lazy(() => import('./features/reports/ReportEditor'));
const Imports = lazy(() => import('./features/imports/Imports'));
const ResultsRound = lazy(() => import('./features/scoring/ResultsRound'));
const ResultsSheet = lazy(() => import('./features/scoring/ResultsSheet'));
const ScoringRounds = lazy(() => import('./features/scoring/Rounds'));
const ScoringSheet = lazy(() => import('./features/scoring/SheetPage'));
const Notifications = lazy(() => import('./features/notifications/InboxPage'));
const Surveys = lazy(() => import('./features/survey/SurveyPage'));
const Activities = lazy(() => import('./features/activities/ActivitiesPage'));
const InspectionDetail = lazy(() => import('./features/activities/InspectionDetail'));
const SessionDetail = lazy(() => import('./features/activities/SessionDetail'));

// Back/Forward from a form with unsaved changes is asked before the router moves (useLeaveGuard).
listenBeforeRouter();

function Protected() {
  const { me, ready } = useAuth();
  const loc = useLocation();
  if (!ready) return <Loading />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  // An administrator set the password: the API refuses everything else until it is changed (then /me clears it).
  if (me.must_change_password) return <ForcedPasswordChange />;
  return <Shell />;
}

/** Each role's own first screen (nav.ts): administration, the dashboard or the work list. */
function Home() {
  const { can } = useAuth();
  return <Navigate to={homePath(can)} replace />;
}

export default function App() {
  // the saved language's words (i18n.tsx, one bundle per language): nothing is drawn before they arrive
  const { i18n, ready } = useLanguage();
  const lang = i18n.lang;
  if (!ready) return null;
  return (
    <QueryClientProvider client={queryClient}>
    <I18nContext.Provider value={i18n}>
      <ConfigProvider locale={lang === 'vi' ? viVN : enUS} theme={{ token: { colorPrimary: '#0b5cab', colorLink: '#0b5cab', colorInfo: '#0b5cab', colorError: '#b3261e', colorTextDescription: 'rgba(0,0,0,0.68)', colorTextTertiary: 'rgba(0,0,0,0.68)', colorTextSecondary: 'rgba(0,0,0,0.72)', colorTextPlaceholder: 'rgba(0,0,0,0.6)' } }}>
        <AuthProvider>
          <LevelI18n>
          <BrowserRouter>
            <Suspense fallback={<Loading />}>
              <Routes>
                <Route path="/login" element={<Login />} />
                <Route element={<Protected />}>
                  <Route index element={<Home />} />
                  <Route path="my-work" element={<MyWork />} />
                  <Route path="assignments" element={<MyWork all />} />
                  <Route element={<WithAntApp />}>
                    <Route path="review" element={<Review />} />
                    <Route path="dashboard" element={<Dashboard />} />
                    <Route path="dashboard/print" element={<DashboardPrint />} />
                    <Route path="plans" element={<Plans />} />
                    <Route path="plans/:id" element={<Plans />} />
                    <Route path="frameworks" element={<Frameworks />} />
                    <Route path="frameworks/:id" element={<Frameworks />} />
                    <Route path="admin/:tab?" element={<Admin />} />
                    <Route path="account" element={<Account />} />
                    <Route path="notifications" element={<Notifications />} />
                    <Route path="reports" element={<Reports />} />
                    <Route path="imports" element={<Imports />} />
                    <Route path="scoring" element={<ScoringRounds />} />
                    <Route path="surveys/:tab?" element={<Surveys />} />
                    <Route path="activities/:tab?" element={<Activities />} />
                    {/* an id that is not a whole number is "not found" before anything is asked (the plan and framework pages,
                        which keep their list while the id changes, check it themselves) */}
                    <Route element={<ValidId />}>
                      <Route path="assignments/:id" element={<AssignmentDetail />} />
                      <Route path="reports/:id" element={<ReportEditor />} />
                      <Route path="scoring/rounds/:id/results" element={<ResultsRound />} />
                      <Route path="scoring/sheets/:id/results" element={<ResultsSheet />} />
                      <Route path="scoring/sheets/:id" element={<ScoringSheet />} />
                      <Route path="activities/inspections/:id" element={<InspectionDetail />} />
                      <Route path="activities/sessions/:id" element={<SessionDetail />} />
                    </Route>
                    <Route path="*" element={<NotYet />} />
                  </Route>
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
          </LevelI18n>
        </AuthProvider>
      </ConfigProvider>
    </I18nContext.Provider>
    </QueryClientProvider>
  );
}
