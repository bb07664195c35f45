// Kept here, not in i18n.tsx: words of the report screens added with printing (Vietnamese first, English second).
import { useI18n } from '../../i18n';
import { fieldName } from '../activities/words';

const vi = {
  printReport: 'In báo cáo',
  printReportHelp: 'In hoặc lưu PDF: nội dung báo cáo như đang hiển thị, không có nút và ô nhập.',
  required: 'Chưa nhập {label} (bắt buộc).',
};
type Key = keyof typeof vi;
const en: Record<Key, string> = {
  printReport: 'Print the report',
  printReportHelp: 'Print or save as PDF: the report as shown, without buttons or input boxes.',
  required: '{label} is required.',
};

export function useReportWords() {
  const i18n = useI18n();
  const dict = i18n.lang === 'en' ? en : vi;
  return {
    ...i18n,
    w: (k: Key) => dict[k],
    /** The rule of a required field, its error naming the field as its label does: "Chưa nhập kỳ báo cáo (bắt buộc)." */
    need: (label: string) => ({ required: true, message: dict.required.replace('{label}', fieldName(label, i18n.lang)) }),
  };
}
