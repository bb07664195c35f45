import { Table, Tabs, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useNavigate, useParams } from 'react-router';
import { ApiError, type Problem } from '../api/http';
import { apiTokensList, auditList, orgUnitsList, usersList } from '../client/sdk.gen';
import type { ApiTokenRead, AuditEventRead, OrgUnitRead, UserRead } from '../client/types.gen';
import { useAuth } from '../auth';
import { Guard, useLoad } from '../components/common';
import { useI18n } from '../i18n';

/** Unwrap a generated-client result or throw the problem+json as ApiError. */
async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response?: Response }>): Promise<T> {
  const r = await p;
  if (r.error !== undefined || r.data === undefined) throw new ApiError(r.response?.status ?? 0, (r.error ?? {}) as Problem);
  return r.data;
}

export function buildTree(units: OrgUnitRead[], label: (u: OrgUnitRead) => string): DataNode[] {
  const byParent = new Map<number | null, OrgUnitRead[]>();
  const ids = new Set(units.map((u) => u.id));
  for (const u of units) {
    const p = u.parent_id != null && ids.has(u.parent_id) ? u.parent_id : null;
    byParent.set(p, [...(byParent.get(p) ?? []), u]);
  }
  const walk = (p: number | null): DataNode[] =>
    (byParent.get(p) ?? []).map((u) => ({ key: u.id, title: label(u), children: walk(u.id) }));
  return walk(null);
}

function Units() {
  const { label } = useI18n();
  const { data, error, loading } = useLoad(() => unwrap(orgUnitsList({ query: { limit: 500 } })), []);
  return (
    <Guard loading={loading} error={error}>
      {() => (
        <Tree
          defaultExpandAll
          treeData={buildTree(data?.items ?? [], (u) => `${u.name} (${u.code}) · ${label(u.level)}${u.is_active ? '' : ' ✕'}`)}
        />
      )}
    </Guard>
  );
}

function Users() {
  const { t, dateTime } = useI18n();
  const { data, error, loading } = useLoad(() => unwrap(usersList({ query: { limit: 500 } })), []);
  return (
    <Guard loading={loading} error={error}>
      {() => (
        <Table<UserRead>
          rowKey="id"
          size="small"
          scroll={{ x: true }}
          dataSource={data?.items ?? []}
          columns={[
            { title: t('username'), dataIndex: 'username' },
            { title: t('fullName'), dataIndex: 'full_name' },
            { title: t('active'), dataIndex: 'is_active', render: (v: boolean) => (v ? '✓' : '✕') },
            { title: t('lastUsed'), dataIndex: 'last_login_at', render: (v) => dateTime(v) },
          ]}
        />
      )}
    </Guard>
  );
}

function Tokens() {
  const { t, date } = useI18n();
  const { data, error, loading } = useLoad(() => unwrap(apiTokensList({ query: { limit: 500 } })), []);
  return (
    <Guard loading={loading} error={error}>
      {() => (
        <Table<ApiTokenRead>
          rowKey="id"
          size="small"
          scroll={{ x: true }}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('empty') }}
          columns={[
            { title: t('name'), dataIndex: 'name' },
            { title: t('prefix'), dataIndex: 'prefix' },
            { title: t('permissions'), dataIndex: 'permissions', render: (v: string[]) => v.map((p) => <Tag key={p}>{p}</Tag>) },
            { title: t('expires'), dataIndex: 'expires_at', render: (v) => date(v) },
            { title: t('revoked'), dataIndex: 'revoked_at', render: (v) => date(v) },
          ]}
        />
      )}
    </Guard>
  );
}

function Audit() {
  const { t, dateTime } = useI18n();
  const { data, error, loading } = useLoad(() => unwrap(auditList({ query: { limit: 200 } })), []);
  return (
    <Guard loading={loading} error={error}>
      {() => (
        <Table<AuditEventRead>
          rowKey="id"
          size="small"
          scroll={{ x: true }}
          dataSource={data?.items ?? []}
          columns={[
            { title: t('when'), dataIndex: 'at', render: (v) => dateTime(v) },
            { title: t('who'), dataIndex: 'actor_name' },
            { title: t('action'), dataIndex: 'action' },
            { title: t('entity'), key: 'e', render: (_, r) => `${r.entity_type} #${r.entity_id}` },
            { title: t('changes'), dataIndex: 'changes', render: (v) => <code style={{ fontSize: 12 }}>{JSON.stringify(v).slice(0, 160)}</code> },
          ]}
        />
      )}
    </Guard>
  );
}

export default function Admin() {
  const { tab = 'units' } = useParams();
  const nav = useNavigate();
  const { t } = useI18n();
  const { can } = useAuth();
  const tabs = [
    { key: 'units', label: t('units'), children: <Units />, perm: 'units:read' },
    { key: 'users', label: t('users'), children: <Users />, perm: 'users:read' },
    { key: 'tokens', label: t('tokens'), children: <Tokens />, perm: 'tokens:manage' },
    { key: 'audit', label: t('audit'), children: <Audit />, perm: 'audit:read' },
  ].filter((x) => can(x.perm));
  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('admin')}
      </Typography.Title>
      <Tabs activeKey={tab} onChange={(k) => nav(`/admin/${k}`)} items={tabs.map(({ perm: _p, ...x }) => x)} destroyOnHidden />
    </>
  );
}
