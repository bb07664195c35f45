// Kept here, not in i18n.tsx: the words of the import history only (Vietnamese first, English second).
import { useI18n } from '../../i18n';

const vi = {
  history: 'Lịch sử nhập',
  historyHelp: 'Các lần nhập (cả chạy thử và lần bị từ chối) của các đơn vị bạn quản lý, mới nhất trước.',
  when: 'Thời gian',
  who: 'Người nhập',
  unit: 'Đơn vị',
  what: 'Dữ liệu nhập',
  file: 'Tệp',
  noFile: 'Gửi qua API (không có tệp)',
  mode: 'Cách chạy',
  dryRun: 'Chạy thử',
  realRun: 'Nhập thật',
  outcome: 'Kết quả',
  succeeded: 'Thành công',
  wouldSucceed: 'Kiểm tra đạt',
  rejected: 'Bị từ chối: {n} lỗi, không ghi gì',
  counts: '{rows} dòng · tạo mới {created} · cập nhật {updated} · không đổi {unchanged}',
  deleted: ' · xóa {n}',
  firstErrors: 'Các lỗi đầu tiên ({shown}/{n})',
  allErrors: 'Các lỗi',
  empty: 'Chưa có lần nhập nào.',
};
type Key = keyof typeof vi;
const en: Record<Key, string> = {
  history: 'Import history',
  historyHelp: 'Imports (dry runs and refused ones too) of the units you manage, newest first.',
  when: 'When',
  who: 'By',
  unit: 'Unit',
  what: 'What',
  file: 'File',
  noFile: 'Sent through the API (no file)',
  mode: 'Run',
  dryRun: 'Dry run',
  realRun: 'Import',
  outcome: 'Outcome',
  succeeded: 'Done',
  wouldSucceed: 'Check passed',
  rejected: 'Refused: {n} errors, nothing written',
  counts: '{rows} rows · {created} created · {updated} updated · {unchanged} unchanged',
  deleted: ' · {n} removed',
  firstErrors: 'First errors ({shown}/{n})',
  allErrors: 'Errors',
  empty: 'No imports yet.',
};

export function useImportWords() {
  const i18n = useI18n();
  const dict = i18n.lang === 'en' ? en : vi;
  return {
    ...i18n,
    w: (k: Key, vars: Record<string, string | number> = {}) =>
      dict[k].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? '')),
  };
}
