import { useI18n } from '../i18n';

/** A CSS-only spinner: the first screen does not pull antd's Spin. */
export function Loading() {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{t('loading')}</span>
    </div>
  );
}
