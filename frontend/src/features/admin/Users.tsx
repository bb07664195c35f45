// Người dùng và vai trò: search / filter by unit and role, create, edit, memberships, (de)activate, reset password.
import { App, Button, Card, Col, Descriptions, Drawer, Form, Input, List, Modal, Popconfirm, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { usersGetQueryKey, usersListOptions, usersListQueryKey } from '../../client/@tanstack/react-query.gen';
import { usersActivate, usersAddMembership, usersCreate, usersDeactivate, usersGet, usersRemoveMembership, usersUpdate } from '../../client/sdk.gen';
import type { MembershipOut, OrgUnitRead, Role, UserCreate, UserRead, UserUpdate } from '../../client/types.gen';
import { useAuth } from '../../auth';
import { Guard, ProblemAlert } from '../../components/common';
import { etagQuery, ifMatch as ifMatchOf, tagged, type Tagged } from '../../components/queries';
import { useI18n } from '../../i18n';
import { ErrorOrConflict } from './common';
import { useIdempotencyKey, useUnits } from './hooks';
import { applyFieldErrors, assignableRoles, isConflict, randomPassword, unitName } from './lib';
import { roleNameAt } from '../../levels';

const ROLES: Role[] = ['admin', 'district_admin', 'leader', 'unit_head', 'unit_officer', 'observer', 'integration'];
const PROFILE_FIELDS = ['full_name', 'email', 'phone', 'position', 'language'];
const CREATE_FIELDS = ['username', 'password', ...PROFILE_FIELDS, 'memberships'];
const PAGE = 20;

type Units = OrgUnitRead[];

export default function Users() {
  const { t, label, dateTime, lang } = useI18n();
  const { can } = useAuth();
  const units = useUnits();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const manage = can('users:manage');
  const q = params.get('q') ?? '';
  const unitId = params.get('unit_id') ?? '';
  const role = params.get('role') ?? '';
  const active = params.get('active') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const open = Number(params.get('user')) || null;
  const qc = useQueryClient();
  const list = useQuery({
    ...usersListOptions({
      query: {
        limit: PAGE,
        offset: (page - 1) * PAGE,
        ...(q ? { q } : {}),
        ...(unitId ? { unit_id: Number(unitId) } : {}),
        ...(role ? { role: role as Role } : {}),
        ...(active ? { active: active === 'true' } : {}),
      },
    }),
    placeholderData: keepPreviousData,
  });
  const usersChanged = () => void qc.invalidateQueries({ queryKey: usersListQueryKey() });

  const set = (changes: Record<string, string | null>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    if (!('page' in changes)) p.delete('page');
    setParams(p, { replace: true });
  };

  const unitOptions = (units.data ?? []).map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }));
  const membershipTags = (ms: MembershipOut[]) =>
    ms.map((m) => (
      <Tag key={m.id} style={{ marginBottom: 2 }}>
        {roleNameAt(m.role, units.data?.find((u) => u.id === m.unit_id), lang) ?? label(m.role)} · {unitName(units.data, m.unit_id)}
      </Tag>
    ));

  return (
    <>
      <form
        className="filters"
        role="search"
        aria-label={t('users')}
        onSubmit={(e) => {
          e.preventDefault();
          const v = new FormData(e.currentTarget).get('q');
          set({ q: typeof v === 'string' ? v.trim() : null });
        }}
      >
        <label>
          <span>{t('search')}</span>
          <Input name="q" defaultValue={q} key={q} placeholder={`${t('username')}, ${t('fullName')}`} style={{ width: 200 }} />
        </label>
        <label>
          <span>{t('unit')}</span>
          <Select
            aria-label={t('unit')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={unitId || undefined}
            placeholder={t('filterAll')}
            style={{ width: 240 }}
            options={unitOptions}
            onChange={(v) => set({ unit_id: v ?? null })}
          />
        </label>
        <label>
          <span>{t('role')}</span>
          <Select aria-label={t('role')} allowClear value={role || undefined} placeholder={t('filterAll')} style={{ width: 180 }} options={ROLES.map((r) => ({ value: r, label: label(r) }))} onChange={(v) => set({ role: v ?? null })} />
        </label>
        <label>
          <span>{t('status')}</span>
          <Select
            aria-label={t('status')}
            value={active}
            style={{ width: 160 }}
            options={[
              { value: '', label: t('filterAll') },
              { value: 'true', label: t('active') },
              { value: 'false', label: t('admInactive') },
            ]}
            onChange={(v) => set({ active: v || null })}
          />
        </label>
        <Button htmlType="submit">{t('search')}</Button>
        {manage && (
          <Button type="primary" onClick={() => setCreating(true)} data-testid="new-user">
            {t('admNewUser')}
          </Button>
        )}
      </form>
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <Table<UserRead>
            rowKey="id"
            size="small"
            scroll={{ x: true }}
            loading={list.isFetching}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: t('empty') }}
            pagination={{
              current: page,
              pageSize: PAGE,
              total: list.data?.total ?? 0,
              showSizeChanger: false,
              showTotal: (n) => `${t('total')}: ${n}`,
              onChange: (p) => set({ page: p > 1 ? String(p) : null }),
            }}
            columns={[
              {
                title: t('username'),
                dataIndex: 'username',
                render: (v: string, r) => (
                  <Button type="link" style={{ padding: 0 }} onClick={() => set({ user: String(r.id), page: page > 1 ? String(page) : null })}>
                    {v}
                  </Button>
                ),
              },
              { title: t('fullName'), dataIndex: 'full_name' },
              { title: t('admRoles'), key: 'm', render: (_, r) => membershipTags(r.memberships ?? []) },
              {
                title: t('status'),
                dataIndex: 'is_active',
                render: (v: boolean) => (v ? <Tag color="#1d6b2f">{t('active')}</Tag> : <Tag color="#555555">{t('admInactive')}</Tag>),
              },
              { title: t('admLastLogin'), dataIndex: 'last_login_at', render: (v) => dateTime(v) },
            ]}
          />
        )}
      </Guard>
      {creating && (
        <UserCreateModal
          units={units.data ?? []}
          defaultUnit={unitId ? Number(unitId) : undefined}
          onClose={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            usersChanged();
            set({ user: String(u.id), page: page > 1 ? String(page) : null });
          }}
        />
      )}
      {open && <UserDrawer key={open} id={open} units={units.data ?? []} manage={manage} onClose={() => set({ user: null, page: page > 1 ? String(page) : null })} onChanged={usersChanged} />}
    </>
  );
}

/** A password field with a "generate" button; used as a Form.Item child (value / onChange from the form). */
function PasswordInput({ id, value, onChange }: { id?: string; value?: string; onChange?: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Input id={id} autoComplete="new-password" value={value ?? ''} onChange={(e) => onChange?.(e.target.value)} />
      <Button onClick={() => onChange?.(randomPassword())}>{t('admGenerate')}</Button>
    </Space.Compact>
  );
}

function UserCreateModal({ units, defaultUnit, onClose, onCreated }: { units: Units; defaultUnit?: number; onClose: () => void; onCreated: (u: UserRead) => void }) {
  const { t, label, lang } = useI18n();
  const { me } = useAuth();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm();
  const [key, renewKey] = useIdempotencyKey('user');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const roles = assignableRoles(me);

  const create = async (v: Record<string, string | undefined>) => {
    setBusy(true);
    setError(null);
    try {
      const r = await usersCreate({
        throwOnError: true,
        headers: { 'Idempotency-Key': key },
        body: {
          username: (v.username ?? '').trim(),
          full_name: v.full_name,
          password: v.password,
          email: v.email || null,
          phone: v.phone || null,
          position: v.position || null,
          language: v.language || 'vi',
          memberships: v.unit_id && v.role ? [{ unit_id: Number(v.unit_id), role: v.role }] : [],
        } as UserCreate,
      });
      renewKey();
      message.success(t('admCreated'));
      modal.info({
        title: t('admInitialPassword'),
        content: (
          <>
            <p>{t('admInitialPasswordHelp')}</p>
            <Typography.Paragraph copyable={{ text: v.password }} code data-testid="initial-password">
              {v.password}
            </Typography.Paragraph>
          </>
        ),
      });
      onCreated(r.data);
    } catch (e) {
      setError(applyFieldErrors(form, e, lang, CREATE_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title={t('admNewUser')} okText={t('admCreate')} cancelText={t('admCancel')} confirmLoading={busy} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden width={640}>
      <ProblemAlert error={error} />
      <Form form={form} name="user-create" layout="vertical" onFinish={create} initialValues={{ language: 'vi', password: randomPassword(), unit_id: defaultUnit ? String(defaultUnit) : undefined }}>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item label={t('username')} name="username" extra={t('admUsernameHelp')} rules={[{ required: true, min: 3, pattern: /^[A-Za-z0-9_.\-@]+$/, message: t('admUsernameHelp') }]}>
              <Input autoComplete="off" maxLength={80} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item label={t('fullName')} name="full_name" rules={[{ required: true, whitespace: true, message: t('admRequired') }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('admInitialPassword')} name="password" extra={t('admPasswordRule')} rules={[{ required: true, min: 10, message: t('admPasswordRule') }]}>
          <PasswordInput />
        </Form.Item>
        <ProfileFields t={t} />
        <Typography.Title level={4} style={{ fontSize: 15 }}>
          {t('admFirstRole')}
        </Typography.Title>
        <Row gutter={12}>
          <Col xs={24} sm={14}>
            <Form.Item label={t('unit')} name="unit_id" rules={[{ required: true, message: t('admRequired') }]}>
              <Select showSearch={{ optionFilterProp: 'label' }} options={units.filter((u) => u.is_active).map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={10}>
            <Form.Item label={t('role')} name="role" rules={[{ required: true, message: t('admRequired') }]}>
              <Select options={roles.map((r) => ({ value: r, label: label(r) }))} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

function ProfileFields({ t }: { t: ReturnType<typeof useI18n>['t'] }) {
  return (
    <Row gutter={12}>
      <Col xs={24} sm={12}>
        <Form.Item label={t('admEmail')} name="email" rules={[{ type: 'email', message: t('admEmailInvalid') }]}>
          <Input type="email" maxLength={200} autoComplete="off" />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item label={t('admPhone')} name="phone">
          <Input type="tel" maxLength={40} autoComplete="off" />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item label={t('admPosition')} name="position">
          <Input maxLength={200} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item label={t('language')} name="language">
          <Select
            options={[
              { value: 'vi', label: 'Tiếng Việt' },
              { value: 'en', label: 'English' },
            ]}
          />
        </Form.Item>
      </Col>
    </Row>
  );
}

function UserDrawer({ id, units, manage, onClose, onChanged }: { id: number; units: Units; manage: boolean; onClose: () => void; onChanged: () => void }) {
  const { t, dateTime, lang } = useI18n();
  const { me } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const detail = etagQuery(usersGetQueryKey({ path: { user_id: id } }), (signal) =>
    usersGet({ path: { user_id: id }, signal, throwOnError: true }),
  );
  const load = useQuery(detail);
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<'activate' | 'deactivate' | null>(null);
  const [resetting, setResetting] = useState(false);
  const u = load.data?.data;
  const etag = load.data?.etag ?? null;
  const ifMatch = ifMatchOf(etag);

  const reload = () => {
    setError(null);
    void load.refetch();
  };
  // A new version from the server (reload after a conflict, or a save) replaces what the form holds.
  useEffect(() => {
    if (u) form.resetFields();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [u?.version]);
  const done = (r: Tagged<UserRead>, msg: string) => {
    qc.setQueryData(detail.queryKey, r);
    message.success(msg);
    onChanged();
  };

  const saveProfile = async (v: Record<string, string | undefined>) => {
    setBusy(true);
    setError(null);
    try {
      done(
        tagged(
          await usersUpdate({
            path: { user_id: id },
            headers: ifMatch,
            body: { full_name: v.full_name, email: v.email || null, phone: v.phone || null, position: v.position || null, language: v.language } as UserUpdate,
            throwOnError: true,
          }),
        ),
        t('saved'),
      );
    } catch (e) {
      setError(applyFieldErrors(form, e, lang, PROFILE_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer open onClose={onClose} size={560} title={u ? `${u.full_name} (${u.username})` : t('users')} destroyOnHidden>
      <Guard loading={load.isPending} error={load.error} item>
        {() =>
          u && (
            <>
              <ErrorOrConflict error={error} onReload={reload} />
              <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }}>
                <Descriptions.Item label={t('username')}>
                  <span data-testid="user-username">{u.username}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('status')}>
                  {u.is_active ? <Tag color="#1d6b2f">{t('active')}</Tag> : <Tag color="#555555">{t('admInactive')}</Tag>}
                </Descriptions.Item>
                <Descriptions.Item label={t('admLastLogin')}>{dateTime(u.last_login_at) || '—'}</Descriptions.Item>
                <Descriptions.Item label={t('admCreatedAt')}>{dateTime(u.created_at)}</Descriptions.Item>
              </Descriptions>
              <Card size="small" title={t('admProfile')} style={{ marginBottom: 12 }}>
                <Form
                  form={form}
                  name="user-edit"
                  layout="vertical"
                  disabled={!manage}
                  onFinish={saveProfile}
                  key={`${u.id}-${u.version}`}
                  initialValues={{ full_name: u.full_name, email: u.email ?? '', phone: u.phone ?? '', position: u.position ?? '', language: u.language }}
                >
                  <Form.Item label={t('fullName')} name="full_name" rules={[{ required: true, whitespace: true, message: t('admRequired') }]}>
                    <Input maxLength={200} />
                  </Form.Item>
                  <ProfileFields t={t} />
                  {manage && (
                    <Button type="primary" htmlType="submit" loading={busy}>
                      {t('save')}
                    </Button>
                  )}
                </Form>
              </Card>
              <Memberships user={u} units={units} manage={manage} onChanged={() => { void load.refetch(); onChanged(); }} />
              {manage && (
                <Card size="small" title={t('admAccountActions')} style={{ marginBottom: 12 }}>
                  <Space wrap>
                    {u.is_active ? (
                      me?.id !== u.id && (
                        <Button danger onClick={() => setStatus('deactivate')}>
                          {t('admDeactivate')}
                        </Button>
                      )
                    ) : (
                      <Button onClick={() => setStatus('activate')}>{t('admReactivate')}</Button>
                    )}
                    <Button onClick={() => setResetting(true)}>{t('admResetPassword')}</Button>
                  </Space>
                </Card>
              )}
              <Link to={`/admin/audit?entity_type=user&entity_id=${u.id}`}>{t('admAuditOfThis')}</Link>
              {status && (
                <ReasonModal
                  title={`${status === 'activate' ? t('admReactivate') : t('admDeactivate')} — ${u.username}`}
                  help={status === 'activate' ? t('admReactivateHelp') : t('admDeactivateUserHelp')}
                  danger={status === 'deactivate'}
                  optional
                  onClose={() => setStatus(null)}
                  run={async (reason) => {
                    const change = status === 'activate' ? usersActivate : usersDeactivate;
                    done(tagged(await change({ path: { user_id: id }, headers: ifMatch, body: { reason: reason || null }, throwOnError: true })), t('saved'));
                    setStatus(null);
                  }}
                  onConflict={(e) => {
                    setStatus(null);
                    setError(e);
                  }}
                />
              )}
              {resetting && (
                <ResetPasswordModal
                  username={u.username}
                  onClose={() => setResetting(false)}
                  run={async (password) => {
                    done(tagged(await usersUpdate({ path: { user_id: id }, headers: ifMatch, body: { password }, throwOnError: true })), t('admPasswordReset'));
                  }}
                  onConflict={(e) => {
                    setResetting(false);
                    setError(e);
                  }}
                />
              )}
            </>
          )
        }
      </Guard>
    </Drawer>
  );
}

function Memberships({ user, units, manage, onChanged }: { user: UserRead; units: Units; manage: boolean; onChanged: () => void }) {
  const { t, label } = useI18n();
  const { me } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [key, renewKey] = useIdempotencyKey('membership');
  const [error, setError] = useState<unknown>(null);
  const roles = assignableRoles(me);

  const add = async (v: { unit_id: string; role: Role }) => {
    setError(null);
    try {
      await usersAddMembership({ path: { user_id: user.id }, headers: { 'Idempotency-Key': key }, body: { unit_id: Number(v.unit_id), role: v.role }, throwOnError: true });
      renewKey();
      form.resetFields();
      message.success(t('admRoleGranted'));
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (m: MembershipOut) => {
    setError(null);
    try {
      await usersRemoveMembership({ path: { user_id: user.id, membership_id: m.id }, throwOnError: true });
      message.success(t('admRoleRevoked'));
      onChanged();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Card size="small" title={t('admRoles')} style={{ marginBottom: 12 }}>
      <ProblemAlert error={error} />
      <List
        size="small"
        dataSource={user.memberships ?? []}
        locale={{ emptyText: t('admNoRoles') }}
        renderItem={(m) => (
          <List.Item
            actions={
              manage && roles.includes(m.role)
                ? [
                    <Popconfirm key="rm" title={t('admRevokeRoleConfirm')} okText={t('admRevoke')} cancelText={t('admCancel')} okButtonProps={{ danger: true }} onConfirm={() => remove(m)}>
                      <Button size="small" danger type="text" aria-label={`${t('admRevoke')}: ${label(m.role)} · ${unitName(units, m.unit_id)}`}>
                        {t('admRevoke')}
                      </Button>
                    </Popconfirm>,
                  ]
                : []
            }
          >
            <span>
              <Tag>{label(m.role)}</Tag> {unitName(units, m.unit_id)}
            </span>
          </List.Item>
        )}
      />
      {manage && roles.length > 0 && (
        <Form form={form} name="membership-add" layout="vertical" onFinish={add} style={{ marginTop: 8 }}>
          <Row gutter={8} align="bottom">
            <Col xs={24} sm={12}>
              <Form.Item label={t('unit')} name="unit_id" rules={[{ required: true, message: t('admRequired') }]}>
                <Select showSearch={{ optionFilterProp: 'label' }} options={units.filter((u) => u.is_active).map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))} />
              </Form.Item>
            </Col>
            <Col xs={16} sm={8}>
              <Form.Item label={t('role')} name="role" rules={[{ required: true, message: t('admRequired') }]}>
                <Select options={roles.map((r) => ({ value: r, label: label(r) }))} />
              </Form.Item>
            </Col>
            <Col xs={8} sm={4}>
              <Form.Item>
                <Button htmlType="submit">{t('admAdd')}</Button>
              </Form.Item>
            </Col>
          </Row>
        </Form>
      )}
    </Card>
  );
}

export function ReasonModal({
  title,
  help,
  danger,
  optional,
  onClose,
  run,
  onConflict,
}: {
  title: string;
  help: string;
  danger?: boolean;
  optional?: boolean;
  onClose: () => void;
  run: (reason: string) => Promise<void>;
  onConflict: (e: unknown) => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      title={title}
      okText={t('admConfirm')}
      cancelText={t('admCancel')}
      okButtonProps={{ danger, disabled: !optional && reason.trim().length < 3 }}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={async () => {
        setBusy(true);
        setError(null);
        try {
          await run(reason.trim());
        } catch (e) {
          if (isConflict(e)) onConflict(e);
          else setError(e);
        } finally {
          setBusy(false);
        }
      }}
    >
      <p>{help}</p>
      <ProblemAlert error={error} />
      <label htmlFor="reason-input">{optional ? t('admReasonOptional') : t('admReason')}</label>
      <Input.TextArea id="reason-input" rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
    </Modal>
  );
}

function ResetPasswordModal({ username, onClose, run, onConflict }: { username: string; onClose: () => void; run: (password: string) => Promise<void>; onConflict: (e: unknown) => void }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  return (
    <Modal
      open
      title={`${t('admResetPassword')} — ${username}`}
      okText={done ? t('admClose') : t('admResetPassword')}
      cancelText={t('admCancel')}
      confirmLoading={busy}
      cancelButtonProps={{ style: done ? { display: 'none' } : undefined }}
      onCancel={onClose}
      onOk={() => (done ? onClose() : form.submit())}
    >
      {done ? (
        <>
          <p>{t('admResetPasswordDone')}</p>
          <Typography.Paragraph copyable={{ text: done }} code>
            {done}
          </Typography.Paragraph>
        </>
      ) : (
        <>
          <p>{t('admResetPasswordHelp')}</p>
          <ProblemAlert error={error} />
          <Form
            form={form}
            name="user-reset-password"
            layout="vertical"
            initialValues={{ password: randomPassword() }}
            onFinish={async (v: { password: string }) => {
              setBusy(true);
              setError(null);
              try {
                await run(v.password);
                setDone(v.password);
              } catch (e) {
                if (isConflict(e)) onConflict(e);
                else setError(applyFieldErrors(form, e, lang, ['password']));
              } finally {
                setBusy(false);
              }
            }}
          >
            <Form.Item label={t('admNewPassword')} name="password" extra={t('admPasswordRule')} rules={[{ required: true, min: 10, message: t('admPasswordRule') }]}>
              <PasswordInput />
            </Form.Item>
          </Form>
        </>
      )}
    </Modal>
  );
}
