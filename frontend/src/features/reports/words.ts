// Kept here, not in i18n.tsx: words of the report screens added with printing (Vietnamese first, English second).
import { useI18n } from '../../i18n';

const vi = {
  printReport: 'In báo cáo',
  printReportHelp: 'In hoặc lưu PDF: nội dung báo cáo như đang hiển thị, không có nút và ô nhập.',
};
type Key = keyof typeof vi;
const en: Record<Key, string> = {
  printReport: 'Print the report',
  printReportHelp: 'Print or save as PDF: the report as shown, without buttons or input boxes.',
};

export function useReportWords() {
  const i18n = useI18n();
  const dict = i18n.lang === 'en' ? en : vi;
  return { ...i18n, w: (k: Key) => dict[k] };
}
