// Kept here, not in i18n.tsx: the words of the notification screens only (Vietnamese first, English second).
import { useI18n } from '../../i18n';

const vi = {
  bell: 'Thông báo',
  bellUnread: 'Thông báo, {n} chưa đọc',
  title: 'Thông báo',
  unreadOnly: 'Chỉ thông báo chưa đọc',
  all: 'Tất cả',
  markRead: 'Đánh dấu đã đọc',
  markAll: 'Đánh dấu tất cả đã đọc',
  open: 'Xem',
  read: 'Đã đọc',
  unread: 'Chưa đọc',
  empty: 'Không có thông báo nào.',
  prefsTitle: 'Cách nhận thông báo',
  prefsHelp: 'Chọn kênh cho từng loại thông báo. Thư tổng hợp gửi mỗi ngày một lần vào giờ đã chọn (giờ Việt Nam).',
  kind: 'Loại thông báo',
  inbox: 'Trong ứng dụng',
  email: 'Thư điện tử',
  webhook: 'Webhook của tỉnh',
  digest: 'Gộp vào thư tổng hợp',
  digestHour: 'Giờ gửi thư tổng hợp',
  save: 'Lưu',
  saved: 'Đã lưu cách nhận thông báo.',
  emailOff: 'Máy chủ chưa cấu hình thư điện tử: chỉ nhận thông báo trong ứng dụng.',
  noAddress: 'Tài khoản chưa có địa chỉ thư điện tử.',
  webhookOff: 'Chưa cấu hình webhook.',
  channels: 'Kênh gửi của máy chủ (quản trị)',
  parked: '{n} thông báo gửi lỗi nhiều lần, đang tạm dừng.',
};
type Key = keyof typeof vi;
const en: Record<Key, string> = {
  bell: 'Notifications',
  bellUnread: 'Notifications, {n} unread',
  title: 'Notifications',
  unreadOnly: 'Unread only',
  all: 'All',
  markRead: 'Mark as read',
  markAll: 'Mark all as read',
  open: 'Open',
  read: 'Read',
  unread: 'Unread',
  empty: 'No notifications.',
  prefsTitle: 'How I am notified',
  prefsHelp: 'Choose the channels per kind of notification. The digest is sent once a day at the chosen hour (Viet Nam time).',
  kind: 'Kind',
  inbox: 'In the app',
  email: 'E-mail',
  webhook: "Province's webhook",
  digest: 'In the daily digest',
  digestHour: 'Digest hour',
  save: 'Save',
  saved: 'Preferences saved.',
  emailOff: 'E-mail is not configured on the server: notifications arrive in the app only.',
  noAddress: 'Your account has no e-mail address.',
  webhookOff: 'No webhook is configured.',
  channels: "Server's channels (administration)",
  parked: '{n} notifications failed repeatedly and are parked.',
};

const KINDS = {
  vi: {
    returned: 'Nhiệm vụ bị trả lại',
    approved: 'Nhiệm vụ được duyệt',
    commented: 'Ý kiến mới',
    mentioned: 'Được nhắc tên',
    due_soon: 'Sắp đến hạn',
    overdue: 'Quá hạn (nhắc lại hằng tuần)',
    escalated_head: 'Báo thủ trưởng khi quá hạn',
    escalated_district: 'Báo cơ quan nội vụ cấp trên khi quá hạn',
    digest: 'Thư tổng hợp',
  },
  en: {
    returned: 'Assignment returned',
    approved: 'Assignment approved',
    commented: 'New comment',
    mentioned: 'Mentioned',
    due_soon: 'Due soon',
    overdue: 'Overdue (weekly reminder)',
    escalated_head: 'Overdue, to the unit head',
    escalated_district: 'Overdue, to the home-affairs office above',
    digest: 'Daily digest',
  },
} as const;

export function useWords() {
  const i18n = useI18n();
  const dict = i18n.lang === 'en' ? en : vi;
  return {
    ...i18n,
    w: (k: Key, n?: number | string) => dict[k].replace('{n}', String(n ?? '')),
    kindLabel: (k: string) => (KINDS[i18n.lang === 'en' ? 'en' : 'vi'] as Record<string, string>)[k] ?? k,
  };
}

/** Fired after reading, so the bell in the header counts again at once. */
export const CHANGED = 'parsipas:notifications-changed';
export const announceChange = () => window.dispatchEvent(new Event(CHANGED));
