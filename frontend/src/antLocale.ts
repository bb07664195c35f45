// antd's Vietnamese words with the project's own: date pickers say "Chọn ngày" (antd ships "Chọn thời điểm"), ranges
// "Từ ngày" / "Đến ngày", and cancel is spelt "Hủy" like everywhere else in the app (antLocale.test.ts).
import enUS from 'antd/locale/en_US';
import vi from 'antd/locale/vi_VN';

const picker = vi.DatePicker!;
export const viVN: typeof vi = {
  ...vi,
  DatePicker: { ...picker, lang: { ...picker.lang, placeholder: 'Chọn ngày', rangePlaceholder: ['Từ ngày', 'Đến ngày'] } },
};
export { enUS };
