import { Link } from 'react-router';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { homePath } from '../nav';

/** A page this role may not use, opened by its address: a plain explanation and the way home, never a live form. */
export default function NotForRole() {
  const { t } = useI18n();
  const { can } = useAuth();
  return (
    <section className="not-for-role" data-testid="not-for-role">
      <h1 className="page-title">{t('notForRole')}</h1>
      <p>{t('notForRoleHelp')}</p>
      <p>
        <Link to={homePath(can)} replace>
          {t('backHome')}
        </Link>
      </p>
    </section>
  );
}
