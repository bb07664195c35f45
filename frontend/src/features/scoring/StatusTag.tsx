import { Tag } from 'antd';
import { useI18n } from '../../i18n';
import { APPRAISAL_KEYS, STATUS_COLORS, STATUS_KEYS } from './model';

/** Trạng thái phiếu / đợt in Vietnamese (never the raw enum value). */
export function SheetStatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  const key = STATUS_KEYS[status];
  return (
    <Tag color={STATUS_COLORS[status] ?? '#555555'} data-testid="sheet-status">
      {key ? t(key) : status}
    </Tag>
  );
}

const APPRAISAL_COLORS: Record<string, string> = { pending: '#555555', accepted: '#1d6b2f', adjusted: '#7a5a00', returned: '#9c3a12' };

export function AppraisalTag({ state }: { state: string }) {
  const { t } = useI18n();
  const key = APPRAISAL_KEYS[state];
  return <Tag color={APPRAISAL_COLORS[state] ?? '#555555'}>{key ? t(key) : state}</Tag>;
}
