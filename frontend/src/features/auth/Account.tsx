import { Descriptions, Tag, Typography } from 'antd';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import NotificationPreferences from '../notifications/Preferences';
import { PasswordChangeSection } from './ChangePassword';

export default function Account() {
  const { me } = useAuth();
  const { t, label, lang } = useI18n();
  if (!me) return null;
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('account')}
      </Typography.Title>
      <Descriptions bordered column={1} size="small">
        <Descriptions.Item label={t('fullName')}>{me.full_name}</Descriptions.Item>
        <Descriptions.Item label={t('username')}>{me.username}</Descriptions.Item>
        <Descriptions.Item label={t('role')}>
          {me.memberships.map((m) => (
            <div key={m.unit_id + m.role}>
              {/* role_label is the role's Vietnamese name at the unit's level; English reads the role's own label */}
              {lang === 'en' ? label(m.role) : m.role_label || label(m.role)} — {m.unit_name} ({m.unit_code})
            </div>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('permissions')}>
          {me.permissions.map((p) => (
            <Tag key={p} style={{ marginBottom: 2 }}>
              {label(p)}
            </Tag>
          ))}
        </Descriptions.Item>
      </Descriptions>
      <PasswordChangeSection />
      <NotificationPreferences />
    </>
  );
}
