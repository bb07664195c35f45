import { Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Navigate, useParams } from 'react-router';
import { useAuth } from '../../auth';
import { Loading } from '../../components/common';
import { SubNav } from '../../components/SubNav';
import { useWords } from './words';

const Results = lazy(() => import('./Results'));
const Points = lazy(() => import('./Points'));
const Surveys = lazy(() => import('./Surveys'));
const PaperEntry = lazy(() => import('./PaperEntry'));

/** Khảo sát sự hài lòng: results, collection points (QR posters), survey forms, paper entry — each tab only for who
 *  holds its permission (the API stays the judge: actions inside follow each object's allowed_actions). */
export default function SurveyPage() {
  const { tab } = useParams();
  const { w } = useWords();
  const { can } = useAuth();
  const tabs = [
    { key: 'results', label: w('tabResults'), Page: Results, ok: can('surveys:read') },
    { key: 'points', label: w('tabPoints'), Page: Points, ok: can('surveys:read') || can('surveys:enter') },
    { key: 'forms', label: w('tabSurveys'), Page: Surveys, ok: can('surveys:read') },
    { key: 'paper', label: w('tabPaper'), Page: PaperEntry, ok: can('surveys:enter') },
  ].filter((x) => x.ok);
  if (!tabs.length) return <Navigate to="/" replace />;
  const active = tabs.find((x) => x.key === tab) ?? tabs[0];
  if (tab !== active.key) return <Navigate to={`/surveys/${active.key}`} replace />;
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {w('title')}
      </Typography.Title>
      <SubNav label={w('title')} current={active.key} items={tabs.map(({ key, label }) => ({ key, label, to: `/surveys/${key}` }))} />
      <Suspense fallback={<Loading />}>
        <active.Page />
      </Suspense>
    </>
  );
}
