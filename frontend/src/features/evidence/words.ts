// Kept here, not in i18n.tsx: what the evidence drop zones say (Vietnamese first, English second).
import { useI18n } from '../../i18n';

const vi = {
  accepted: 'Nhận tệp {names}; tối đa {mb} MB mỗi tệp.',
  checked: 'Loại tệp được kiểm tra theo nội dung, không theo đuôi tên tệp; tệp có macro hoặc đặt mật khẩu không được nhận.',
  tooBig: 'Tệp “{name}” nặng {size}, vượt mức tối đa {mb} MB.',
  required: 'Chưa nhập {label} (bắt buộc).',
  periodOrder: '{to} không được trước ngày “{from}”.',
};
type Key = keyof typeof vi;
const en: Record<Key, string> = {
  accepted: 'Accepted: {names}; at most {mb} MB per file.',
  checked: 'The type is checked from the content, not the file name; files with macros or a password are refused.',
  tooBig: 'The file "{name}" is {size}, over the {mb} MB limit.',
  required: '{label} is required.',
  periodOrder: '{to} must not be before “{from}”.',
};

export function useEvidenceWords() {
  const i18n = useI18n();
  const dict = i18n.lang === 'en' ? en : vi;
  return {
    ...i18n,
    w: (k: Key, vars: Record<string, string | number> = {}) =>
      dict[k].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)),
  };
}
