import { Result } from 'antd';
import { useI18n } from '../i18n';

/** Unknown client-side route. */
export default function NotYet() {
  const { t } = useI18n();
  return <Result status="404" title={t('notFound')} />;
}
