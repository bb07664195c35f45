// dayjs (antd date pickers) in the interface language. Only antApp.tsx imports it, so the login page and the work
// queue, which show no date picker, do not download dayjs and its Vietnamese locale.
import dayjs from 'dayjs';
import 'dayjs/locale/vi';

export function setDayjsLocale(lang: 'vi' | 'en'): void {
  const want = lang === 'vi' ? 'vi' : 'en';
  if (dayjs.locale() !== want) dayjs.locale(want);
}
