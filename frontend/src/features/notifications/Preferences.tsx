import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { notificationsGetPreferencesQueryKey, notificationsSettingsOptions } from '../../client/@tanstack/react-query.gen';
import { notificationsGetPreferences, notificationsPutPreferences } from '../../client/sdk.gen';
import type { KindPreference, PreferencesRead } from '../../client/types.gen';
import { useAuth } from '../../auth';
import { Guard, ProblemAlert } from '../../components/common';
import { etagged, type Tagged } from '../etag';
import NotificationTemplates from './Templates';
import { useWords } from './words';

type Channel = 'inbox' | 'email' | 'webhook' | 'digest';
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Cách nhận thông báo, on the Account page: channel per kind, daily digest hour (ETag / If-Match on save). */
/** For who manages users: which channels the server has (and why one is off) and how many messages are parked. */
function ChannelStatus() {
  const { w } = useWords();
  const status = useQuery(notificationsSettingsOptions());
  return (
    <Guard loading={status.isPending} error={status.error}>
      {() =>
        status.data && (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="notification-channels">
            <Typography.Text strong>{w('channels')}</Typography.Text>
            <Alert type={status.data.email.enabled ? 'success' : 'warning'} showIcon message={`${w('email')}: ${status.data.email.detail}`} />
            <Alert type={status.data.webhook.enabled ? 'success' : 'info'} showIcon message={`${w('webhook')}: ${status.data.webhook.detail}`} />
            {status.data.parked > 0 && <Alert type="error" showIcon message={w('parked', status.data.parked)} />}
          </Space>
        )
      }
    </Guard>
  );
}

export default function NotificationPreferences() {
  const { w, kindLabel } = useWords();
  const { can, me } = useAuth();
  // Phòng Nội vụ edits its district's own message texts (plans:manage over the district, as the API checks).
  const district = me?.memberships.find((m) => m.role === 'district_admin')?.unit_id;
  const qc = useQueryClient();
  // the stored preferences with their ETag (the save names it in If-Match)
  const key = [...notificationsGetPreferencesQueryKey(), 'etag'] as const;
  const prefs = useQuery({ queryKey: key, queryFn: ({ signal }) => etagged(notificationsGetPreferences({ signal, throwOnError: true })) });
  const [edited, setDraft] = useState<PreferencesRead | null>(null);
  const draft = edited ?? prefs.data?.data ?? null;
  const store = useMutation({
    mutationFn: (d: PreferencesRead) =>
      etagged(
        notificationsPutPreferences({
          body: { digest_hour: d.digest_hour, kinds: d.kinds },
          headers: { 'If-Match': qc.getQueryData<Tagged<PreferencesRead>>(key)?.etag ?? '*' },
          throwOnError: true,
        }),
      ),
    onSuccess: (r: Tagged<PreferencesRead>) => {
      qc.setQueryData(key, r);
      setDraft(null);
    },
  });
  const error = store.error;
  const saved = store.isSuccess;
  const toggle = (kind: string, channel: Channel, value: boolean) =>
    draft && setDraft({ ...draft, kinds: draft.kinds.map((k) => (k.kind === kind ? { ...k, [channel]: value } : k)) });
  const save = () => draft && store.mutate(draft);
  const box = (channel: Channel, disabled: boolean) => (_: unknown, k: KindPreference) => (
    <Checkbox
      aria-label={`${kindLabel(k.kind)}: ${w(channel)}`}
      checked={Boolean(k[channel])}
      disabled={disabled}
      onChange={(e) => toggle(k.kind, channel, e.target.checked)}
    />
  );
  return (
    <Card title={<Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>{w('prefsTitle')}</Typography.Title>} size="small" style={{ marginTop: 16 }}>
      <Guard loading={prefs.isPending} error={prefs.error}>
        {() =>
          draft && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Paragraph style={{ margin: 0 }}>{w('prefsHelp')}</Typography.Paragraph>
              {!draft.email_available && <Alert type="info" showIcon message={w('emailOff')} />}
              {draft.email_available && !draft.has_email && <Alert type="warning" showIcon message={w('noAddress')} />}
              <Table<KindPreference>
                rowKey="kind"
                size="small"
                pagination={false}
                dataSource={draft.kinds}
                columns={[
                  { title: w('kind'), dataIndex: 'kind', render: (v: string) => kindLabel(v) },
                  { title: w('inbox'), render: box('inbox', false) },
                  { title: w('email'), render: box('email', !draft.email_available) },
                  { title: w('digest'), render: box('digest', !draft.email_available) },
                  ...(draft.webhook_available ? [{ title: w('webhook'), render: box('webhook', false) }] : []),
                ]}
              />
              <Space wrap>
                <label htmlFor="digest-hour">{w('digestHour')}</label>
                <Select<number>
                  id="digest-hour"
                  style={{ width: 100 }}
                  value={draft.digest_hour}
                  onChange={(v) => setDraft({ ...draft, digest_hour: v })}
                  options={HOURS.map((h) => ({ value: h, label: `${String(h).padStart(2, '0')}:00` }))}
                />
                <Button type="primary" onClick={save}>
                  {w('save')}
                </Button>
              </Space>
              {saved && <Alert type="success" showIcon message={w('saved')} />}
              {error ? <ProblemAlert error={error} /> : null}
              {can('users:manage') && <ChannelStatus />}
            </Space>
          )
        }
      </Guard>
      {district !== undefined && can('plans:manage') && <NotificationTemplates unitId={district} />}
    </Card>
  );
}
