// Components shared by the administration tabs (hooks in ./hooks, pure helpers in ./lib).
import { Alert, Button } from 'antd';
import { ProblemAlert } from '../../components/common';
import { useI18n } from '../../i18n';
import { isConflict } from './lib';

/** 412: someone saved the record after it was opened. Says so and offers the reload. */
export function ErrorOrConflict({ error, onReload }: { error: unknown; onReload: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  if (isConflict(error))
    return (
      <Alert
        type="warning"
        showIcon
        role="alert"
        data-testid="conflict"
        title={t('admConflictTitle')}
        description={t('admConflictHelp')}
        action={
          <Button size="small" onClick={onReload}>
            {t('admReload')}
          </Button>
        }
        style={{ marginBottom: 12 }}
      />
    );
  return <ProblemAlert error={error} />;
}

