import { Empty, Result, Tag } from 'antd';
import { ProblemAlert } from './ProblemAlert';
import { Loading } from './Loading';

export { Loading, ProblemAlert };
import { ApiError } from '../api/http';
import { useI18n } from '../i18n';

/** 404 on a list route = the API is not deployed yet; on an item = not found / out of scope. */
export function NotAvailable({ item }: { item?: boolean }) {
  const { t } = useI18n();
  return item ? <Result status="404" title={t('notFound')} /> : <Empty description={t('notBuilt')} />;
}

export const is404 = (e: unknown) => e instanceof ApiError && e.status === 404;

/** Load state → spinner, "not deployed" empty state, problem alert or the content. */
export function Guard({ loading, error, item, children }: { loading: boolean; error: unknown; item?: boolean; children: () => React.ReactNode }) {
  if (loading) return <Loading />;
  if (is404(error)) return <NotAvailable item={item} />;
  if (error) return <ProblemAlert error={error} />;
  return <>{children()}</>;
}

const BUCKET_COLORS: Record<string, string> = {
  // dark fills with white text: WCAG AA contrast (axe "color-contrast") on every tag
  done_on_time: '#1d6b2f',
  done_late: '#7a5a00',
  in_progress_on_time: '#0b5cab',
  overdue: '#b3261e',
  awaiting_review: '#5b2d90',
  due_soon: '#8a4b00',
  approved: '#1d6b2f',
  submitted: '#5b2d90',
  returned: '#9c3a12',
  in_progress: '#0b5cab',
  not_started: '#555555',
};

export function BucketTag({ value, days }: { value?: string | null; days?: number | null }) {
  const { label, lang } = useI18n();
  if (!value) return null;
  const suffix = value === 'overdue' && days ? (lang === 'vi' ? ` (${days} ngày)` : ` (${days} days)`) : '';
  return <Tag color={BUCKET_COLORS[value] ?? '#555555'}>{label(value) + suffix}</Tag>;
}
