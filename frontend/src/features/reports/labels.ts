// Translation keys of the reports' enums (status, delivery, narrative sections) and the status label hook.
import type { DeliveryStatus, ReportStatus } from '../../client/types.gen';
import { useI18n, type Key } from '../../i18n';
import type { NarrativeSection } from './model';

export const STATUS_KEYS: Record<ReportStatus, Key> = {
  draft: 'rpStDraft',
  submitted: 'rpStSubmitted',
  returned: 'rpStReturned',
  accepted: 'rpStAccepted',
  approved: 'rpStApproved',
};

export const DELIVERY_KEYS: Record<DeliveryStatus, Key> = {
  pending: 'rpDlPending',
  sending: 'rpDlSending',
  delivered: 'rpDlDelivered',
  failed: 'rpDlFailed',
};

export const SECTION_KEYS: Record<NarrativeSection, Key> = {
  ket_qua: 'rpSecKetQua',
  ton_tai_han_che: 'rpSecTonTai',
  nguyen_nhan: 'rpSecNguyenNhan',
  phuong_huong: 'rpSecPhuongHuong',
  de_xuat_kien_nghi: 'rpSecDeXuat',
};

/** Label of a report status ("Chưa có báo cáo" when there is no report). */
export function useReportStatusLabel(): (status: ReportStatus | null | undefined) => string {
  const { t } = useI18n();
  return (status) => (status ? t(STATUS_KEYS[status] ?? 'rpStDraft') : t('rpNoReport'));
}
