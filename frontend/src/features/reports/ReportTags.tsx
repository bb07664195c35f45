import { Tag } from 'antd';
import type { DeliveryStatus, ReportLevel, ReportStatus } from '../../client/types.gen';
import { useI18n } from '../../i18n';
import { DELIVERY_KEYS, useReportStatusLabel } from './labels';

// Dark fills with white text: WCAG AA contrast on every tag (same palette as BucketTag).
const STATUS_COLORS: Record<ReportStatus, string> = {
  draft: '#555555',
  submitted: '#5b2d90',
  returned: '#9c3a12',
  accepted: '#1d6b2f',
  approved: '#1d6b2f',
};
const DELIVERY_COLORS: Record<DeliveryStatus, string> = {
  pending: '#0b5cab',
  sending: '#5b2d90',
  delivered: '#1d6b2f',
  failed: '#b3261e',
};
/** Status of a report, with "nộp muộn" when it was first submitted after its due date. */
export function ReportStatusTag({ status, late, testId }: { status: ReportStatus; late?: boolean | null; testId?: string }) {
  const { t } = useI18n();
  const statusLabel = useReportStatusLabel();
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
      <Tag color={STATUS_COLORS[status] ?? '#555555'} data-testid={testId}>
        {statusLabel(status)}
      </Tag>
      {late && <Tag color="#b3261e">{t('rpLate')}</Tag>}
    </span>
  );
}

export function LevelTag({ level }: { level: ReportLevel }) {
  const { t } = useI18n();
  return <Tag>{level === 'district' ? t('rpLevelDistrict') : t('rpLevelUnit')}</Tag>;
}

export function DeliveryStatusTag({ status }: { status: DeliveryStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={DELIVERY_COLORS[status] ?? '#555555'} data-testid="delivery-status">
      {t(DELIVERY_KEYS[status] ?? 'rpDlPending')}
    </Tag>
  );
}
