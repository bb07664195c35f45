import { App as AntApp } from 'antd';
import { Outlet } from 'react-router';
import { setDayjsLocale } from './dayjsLocale';
import { useI18n } from './i18n';

/** antd's App (the message, notification and modal behind `App.useApp()`) and dayjs in the interface language (date
 *  pickers), around every page except the work queue and the login page: a chunk of their own, so those two first
 *  screens, which show neither, do not download them (~30 KB gzipped). */
export default function WithAntApp() {
  const { lang } = useI18n();
  setDayjsLocale(lang); // global and idempotent; set before any date picker below renders
  return (
    <AntApp>
      <Outlet />
    </AntApp>
  );
}
