import { Alert } from 'antd';
import { ApiError } from '../api/http';
import { useI18n } from '../i18n';

/** The API's problem+json detail, shown in place (Vietnamese, or English when switched). */
export function ProblemAlert({ error }: { error: unknown }) {
  const { lang, t } = useI18n();
  if (!error) return null;
  let text = String(error);
  let extra: string[] = [];
  if (error instanceof ApiError) {
    const p = error.problem;
    text = (lang === 'en' && p.detail_en) || p.detail || p.title || `HTTP ${error.status}`;
    extra = (p.errors ?? []).map(
      (e) => `${e.row != null ? `#${e.row} ` : ''}${e.field ? `${e.field}: ` : ''}${(lang === 'en' && e.message_en) || e.message}`,
    );
    if (error.status === 0) text = t('offlineRetry');
  }
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={text}
      description={extra.length ? <ul style={{ margin: 0 }}>{extra.map((x) => <li key={x}>{x}</li>)}</ul> : undefined}
      style={{ marginBottom: 12 }}
    />
  );
}
