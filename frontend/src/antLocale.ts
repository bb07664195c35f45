// antd's Vietnamese words with the project's own: date pickers say "Chọn ngày" (antd ships "Chọn thời điểm"), ranges
// "Từ ngày" / "Đến ngày", and cancel is spelt "Hủy" like everywhere else in the app (antLocale.test.ts).
import type { Locale } from 'antd/es/locale';
import en from 'antd/locale/en_US';
import viModule from 'antd/locale/vi_VN';

// antd/locale/* are CommonJS: the production bundle hands over the module (its locale under `default`), the dev
// server and vitest the locale itself. Take the locale in both cases.
const unwrap = (m: Locale): Locale => (m as Locale & { default?: Locale }).default ?? m;
const vi = unwrap(viModule);
export const enUS = unwrap(en);

const picker = vi.DatePicker!;
export const viVN: Locale = {
  ...vi,
  DatePicker: { ...picker, lang: { ...picker.lang, placeholder: 'Chọn ngày', rangePlaceholder: ['Từ ngày', 'Đến ngày'] } },
};
