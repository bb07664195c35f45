// Mã truy cập API: list, create (unit + permissions, capped by the API; the secret is shown once), revoke.
import { Alert, App, Button, Checkbox, Col, DatePicker, Form, Input, Modal, Popconfirm, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiTokensListOptions, apiTokensListQueryKey } from '../../client/@tanstack/react-query.gen';
import { apiTokensCreate, apiTokensRevoke } from '../../client/sdk.gen';
import type { ApiTokenCreated, ApiTokenRead, OrgUnitRead, Permission } from '../../client/types.gen';
import { useAuth } from '../../auth';
import { Guard, ProblemAlert } from '../../components/common';
import { useI18n } from '../../i18n';
import { useIdempotencyKey, useUnits } from './hooks';
import { applyFieldErrors, grantablePermissions, tokenState, unitName } from './lib';

const PAGE = 20;

export default function Tokens() {
  const { t, dateTime, date, label } = useI18n();
  const { message } = App.useApp();
  const units = useUnits();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<ApiTokenCreated | null>(null);
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();
  const list = useQuery({
    ...apiTokensListOptions({ query: { limit: PAGE, offset: (page - 1) * PAGE, sort: '-id' } }),
    placeholderData: keepPreviousData,
  });
  const tokensChanged = () => void qc.invalidateQueries({ queryKey: apiTokensListQueryKey() });

  const revoke = async (tk: ApiTokenRead) => {
    setError(null);
    try {
      await apiTokensRevoke({ path: { token_id: tk.id }, throwOnError: true });
      message.success(t('admTokenRevoked'));
      tokensChanged();
    } catch (e) {
      setError(e);
    }
  };

  const stateTag = (tk: ApiTokenRead) => {
    const s = tokenState(tk);
    return s === 'revoked' ? <Tag color="#b3261e">{t('revoked')}</Tag> : s === 'expired' ? <Tag color="#555555">{t('admExpired')}</Tag> : <Tag color="#1d6b2f">{t('active')}</Tag>;
  };

  return (
    <>
      <p style={{ color: '#444' }}>{t('admTokensHelp')}</p>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" onClick={() => setCreating(true)} data-testid="new-token">
          {t('admNewToken')}
        </Button>
      </Space>
      <ProblemAlert error={error} />
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <Table<ApiTokenRead>
            rowKey="id"
            size="small"
            scroll={{ x: true }}
            loading={list.isFetching}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: t('admNoTokens') }}
            pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
            columns={[
              { title: t('name'), dataIndex: 'name' },
              { title: t('prefix'), dataIndex: 'prefix', render: (v: string) => <code>{v}…</code> },
              { title: t('unit'), dataIndex: 'unit_id', render: (v: number) => unitName(units.data, v) },
              {
                title: t('permissions'),
                dataIndex: 'permissions',
                render: (v: string[]) => (
                  <details>
                    <summary>
                      {v.length} {t('admPermissionsCount')}
                    </summary>
                    {v.map((p) => (
                      <Tag key={p} style={{ marginBottom: 2 }}>
                        {label(p)}
                      </Tag>
                    ))}
                  </details>
                ),
              },
              { title: t('admCreatedAt'), dataIndex: 'created_at', render: (v) => dateTime(v) },
              { title: t('expires'), dataIndex: 'expires_at', render: (v) => date(v) || '—' },
              { title: t('lastUsed'), dataIndex: 'last_used_at', render: (v) => dateTime(v) || '—' },
              { title: t('status'), key: 's', render: (_, r) => stateTag(r) },
              {
                title: t('admActions'),
                key: 'a',
                render: (_, r) =>
                  !r.revoked_at && (
                    <Popconfirm title={t('admRevokeTokenConfirm')} okText={t('admRevoke')} cancelText={t('admCancel')} okButtonProps={{ danger: true }} onConfirm={() => revoke(r)}>
                      <Button size="small" aria-label={`${t('admRevoke')}: ${r.name}`}>
                        {t('admRevoke')}
                      </Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        )}
      </Guard>
      {creating && (
        <TokenCreateModal
          units={units.data ?? []}
          onClose={() => setCreating(false)}
          onCreated={(tk) => {
            setCreating(false);
            setSecret(tk);
            setPage(1);
            tokensChanged();
          }}
        />
      )}
      {secret && <SecretModal token={secret} onClose={() => setSecret(null)} />}
    </>
  );
}

function TokenCreateModal({ units, onClose, onCreated }: { units: OrgUnitRead[]; onClose: () => void; onCreated: (t: ApiTokenCreated) => void }) {
  const { t, label, lang } = useI18n();
  const { me } = useAuth();
  const [form] = Form.useForm();
  const [key, renewKey] = useIdempotencyKey('token');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const unitId = Form.useWatch('unit_id', form) as string | undefined;
  const unit = units.find((u) => String(u.id) === unitId);
  const grantable = unit ? grantablePermissions(unit.level, me) : [];

  const create = async (v: { name: string; unit_id: string; permissions: Permission[]; expires_at?: Dayjs | null }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await apiTokensCreate({
        throwOnError: true,
        headers: { 'Idempotency-Key': key },
        body: {
          name: v.name.trim(),
          unit_id: Number(v.unit_id),
          permissions: v.permissions,
          // end of the chosen day in Việt Nam
          expires_at: v.expires_at ? `${v.expires_at.format('YYYY-MM-DD')}T23:59:59+07:00` : null,
        },
      });
      renewKey();
      onCreated(r.data);
    } catch (e) {
      setError(applyFieldErrors(form, e, lang, ['name', 'unit_id', 'permissions', 'expires_at']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title={t('admNewToken')} okText={t('admCreate')} cancelText={t('admCancel')} confirmLoading={busy} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden width={640}>
      <ProblemAlert error={error} />
      <Form form={form} name="token-create" layout="vertical" onFinish={create} initialValues={{ permissions: [] }}>
        <Form.Item label={t('name')} name="name" extra={t('admTokenNameHelp')} rules={[{ required: true, whitespace: true, message: t('admRequired') }]}>
          <Input maxLength={120} autoComplete="off" />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={14}>
            <Form.Item label={t('unit')} name="unit_id" extra={t('admTokenUnitHelp')} rules={[{ required: true, message: t('admRequired') }]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                options={units.filter((u) => u.is_active).map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))}
                onChange={() => form.setFieldValue('permissions', [])}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={10}>
            <Form.Item label={t('expires')} name="expires_at">
              <DatePicker format="DD/MM/YYYY" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          label={t('permissions')}
          name="permissions"
          extra={unit ? `${t('admTokenCeiling')} ${label(unit.level)}.` : t('admPickUnitFirst')}
          rules={[{ validator: (_, v?: Permission[]) => (v?.length ? Promise.resolve() : Promise.reject(new Error(t('admPickPermissions')))) }]}
        >
          <Checkbox.Group role="group" aria-label={t('permissions')} style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))', gap: 4 }} options={grantable.map((p) => ({ value: p, label: label(p) }))} />
        </Form.Item>
        {unit && (
          <Space wrap>
            <Button size="small" onClick={() => form.setFieldValue('permissions', grantable.filter((p) => p.endsWith(':read')))}>
              {t('admReadOnlySet')}
            </Button>
            <Button size="small" onClick={() => form.setFieldValue('permissions', grantable)}>
              {t('admSelectAll')}
            </Button>
            <Button size="small" onClick={() => form.setFieldValue('permissions', [])}>
              {t('admClear')}
            </Button>
          </Space>
        )}
      </Form>
    </Modal>
  );
}

/** The plain token, once: it is stored hashed and no page or reload can show it again. */
function SecretModal({ token, onClose }: { token: ApiTokenCreated; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied(true);
      message.success(t('admCopied'));
    } catch {
      message.error(t('admCopyFailed'));
    }
  };
  return (
    <Modal
      open
      title={`${t('admTokenCreated')}: ${token.name}`}
      closable={false}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="secret-done">
          {t('admSecretSaved')}
        </Button>
      }
    >
      {token.token ? (
        <>
          <Alert type="warning" showIcon title={t('admSecretOnce')} description={t('admSecretOnceHelp')} style={{ marginBottom: 12 }} />
          <label htmlFor="token-secret">{t('admSecret')}</label>
          <Space.Compact style={{ width: '100%', marginTop: 4 }}>
            <Input id="token-secret" data-testid="token-secret" readOnly value={token.token} onFocus={(e) => e.target.select()} style={{ fontFamily: 'monospace' }} />
            <Button onClick={copy} data-testid="copy-secret">
              {copied ? t('admCopied') : t('admCopy')}
            </Button>
          </Space.Compact>
          <Typography.Paragraph style={{ marginTop: 12, color: '#444' }}>{t('admSecretUsage')}</Typography.Paragraph>
        </>
      ) : (
        <Alert type="info" showIcon title={t('admSecretReplayed')} />
      )}
    </Modal>
  );
}
