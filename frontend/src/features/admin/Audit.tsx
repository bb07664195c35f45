// Nhật ký: filters (who, what, when, unit) in the address bar, before / after of each change shown as a table.
import { Button, DatePicker, Input, Select, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { auditListOptions, usersListOptions } from '../../client/@tanstack/react-query.gen';
import type { AuditEventRead, AuditListData, OrgUnitRead } from '../../client/types.gen';
import { useAuth } from '../../auth';
import { Guard } from '../../components/common';
import { useI18n } from '../../i18n';
import { mayOpen } from '../../nav';
import { useUnits } from './hooks';
import { changeRows, fieldLabel, formatValue, unitName } from './lib';

const PAGE = 50;
const ENTITY_TYPES = ['org_unit', 'unit_succession', 'user', 'api_token', 'framework', 'plan', 'task', 'assignment', 'evidence', 'report', 'reporting_period', 'portal_delivery', 'report_template', 'import', 'auth_session'];
const ACTIONS = ['create', 'update', 'delete', 'deactivate', 'activate', 'grant_role', 'revoke_role', 'revoke', 'login', 'logout', 'change_password', 'submit', 'approve', 'return', 'reopen', 'issue', 'close', 'clone', 'import', 'upload', 'restore', 'comment'];

function entityLink(e: AuditEventRead): string | null {
  switch (e.entity_type) {
    case 'org_unit':
      return `/admin/units?unit=${e.entity_id}`;
    case 'user':
      return `/admin/users?user=${e.entity_id}`;
    case 'assignment':
      return `/assignments/${e.entity_id}`;
    case 'plan':
      return `/plans/${e.entity_id}`;
    case 'framework':
      return `/frameworks/${e.entity_id}`;
    default:
      return null;
  }
}

/** Start of a day in Việt Nam as an ISO timestamp (the API compares instants). */
const vnDay = (d: Dayjs) => `${d.format('YYYY-MM-DD')}T00:00:00+07:00`;

export default function Audit() {
  const i18n = useI18n();
  const { t, label, dateTime } = i18n;
  const { can } = useAuth();
  const units = useUnits();
  const [params, setParams] = useSearchParams();
  const [userQ, setUserQ] = useState('');
  const get = (k: string) => params.get(k) ?? '';
  // a filter's choices by name only (the code is for the API and the address); one from the address that is not
  // listed is kept, with its name
  const named = (codes: string[], current: string) =>
    [...new Set([...codes, ...(current ? [current] : [])])].map((x) => ({ value: x, label: label(x) }));
  const page = Number(get('page') || '1') || 1;
  const query: NonNullable<AuditListData['query']> = { limit: PAGE, offset: (page - 1) * PAGE };
  for (const k of ['entity_type', 'entity_id', 'action'] as const) if (get(k)) query[k] = get(k);
  for (const k of ['actor_user_id', 'unit_id'] as const) if (get(k)) query[k] = Number(get(k));
  if (get('from')) query.since = vnDay(dayjs(get('from')));
  if (get('to')) query.until = vnDay(dayjs(get('to')).add(1, 'day'));
  const list = useQuery({ ...auditListOptions({ query }), placeholderData: keepPreviousData });
  const actors = useQuery({ ...usersListOptions({ query: { limit: 20, ...(userQ ? { q: userQ } : {}) } }), placeholderData: keepPreviousData });
  const actorId = get('actor_user_id');
  const actorOptions = (actors.data?.items ?? []).map((u) => ({ value: String(u.id), label: `${u.full_name} (${u.username})` }));
  if (actorId && !actorOptions.some((o) => o.value === actorId)) actorOptions.unshift({ value: actorId, label: `#${actorId}` });

  const set = (changes: Record<string, string | null | undefined>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    if (!('page' in changes)) p.delete('page');
    setParams(p, { replace: true });
  };
  const range: [Dayjs | null, Dayjs | null] = [get('from') ? dayjs(get('from')) : null, get('to') ? dayjs(get('to')) : null];

  return (
    <>
      <div className="filters" role="search" aria-label={t('audit')}>
        <label>
          <span>{t('who')}</span>
          <Select
            aria-label={t('who')}
            allowClear
            showSearch={{ filterOption: false, onSearch: setUserQ }}
            value={actorId || undefined}
            placeholder={t('filterAll')}
            style={{ width: 220 }}
            options={actorOptions}
            onChange={(v) => set({ actor_user_id: v ?? null })}
          />
        </label>
        <label>
          <span>{t('entity')}</span>
          <Select
            aria-label={t('entity')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={get('entity_type') || undefined}
            placeholder={t('filterAll')}
            style={{ width: 190 }}
            options={named(ENTITY_TYPES, get('entity_type'))}
            onChange={(v?: string) => set({ entity_type: v ?? null })}
          />
        </label>
        <label>
          <span>{t('admEntityId')}</span>
          <Input aria-label={t('admEntityId')} key={get('entity_id')} defaultValue={get('entity_id')} style={{ width: 100 }} onBlur={(e) => set({ entity_id: e.target.value.trim() || null })} onPressEnter={(e) => set({ entity_id: e.currentTarget.value.trim() || null })} />
        </label>
        <label>
          <span>{t('action')}</span>
          <Select
            aria-label={t('action')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={get('action') || undefined}
            placeholder={t('filterAll')}
            style={{ width: 190 }}
            options={named(ACTIONS, get('action'))}
            onChange={(v?: string) => set({ action: v ?? null })}
          />
        </label>
        <label>
          <span>{t('unit')}</span>
          <Select
            aria-label={t('unit')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={get('unit_id') || undefined}
            placeholder={t('filterAll')}
            style={{ width: 220 }}
            options={(units.data ?? []).map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))}
            onChange={(v) => set({ unit_id: v ?? null })}
          />
        </label>
        <label>
          <span>{t('when')}</span>
          <DatePicker.RangePicker
            aria-label={t('when')}
            format="DD/MM/YYYY"
            value={range}
            allowEmpty={[true, true]}
            onChange={(v) => set({ from: v?.[0]?.format('YYYY-MM-DD') ?? null, to: v?.[1]?.format('YYYY-MM-DD') ?? null })}
          />
        </label>
        <Button onClick={() => setParams(new URLSearchParams(), { replace: true })}>{t('admClearFilters')}</Button>
      </div>
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <Table<AuditEventRead>
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
            expandable={{
              rowExpandable: (r) => Object.keys(r.changes ?? {}).length > 0 || !!r.note,
              expandedRowRender: (r) => <Changes event={r} units={units.data} />,
            }}
            columns={[
              { title: t('when'), dataIndex: 'at', render: (v) => dateTime(v) },
              {
                title: t('who'),
                key: 'who',
                render: (_, r) => (
                  <>
                    {r.actor_user_id ? (
                      <Link to={`/admin/audit?actor_user_id=${r.actor_user_id}`}>{r.actor_name}</Link>
                    ) : r.actor_token_id ? (
                      r.actor_name
                    ) : (
                      t('auditSystem') // a change the service made itself (the daily pass, a migration)
                    )}
                    {r.actor_token_id && <Tag style={{ marginLeft: 4 }}>API</Tag>}
                  </>
                ),
              },
              { title: t('action'), dataIndex: 'action', render: (v: string) => label(v) },
              {
                title: t('entity'),
                key: 'e',
                render: (_, r) => {
                  const to = entityLink(r);
                  const text = `${label(r.entity_type)} #${r.entity_id}`;
                  // a link only where this role may open the page (the system administrator has no work pages)
                  return to && mayOpen(to, can) ? <Link to={to}>{text}</Link> : text;
                },
              },
              { title: t('unit'), dataIndex: 'unit_id', render: (v: number | null) => unitName(units.data, v) },
              {
                title: t('changes'),
                key: 'c',
                render: (_, r) => {
                  const n = Object.keys(r.changes ?? {}).length;
                  return n ? `${n} ${t('admFieldsChanged')}` : (r.note ?? '—');
                },
              },
            ]}
          />
        )}
      </Guard>
    </>
  );
}

function Changes({ event, units }: { event: AuditEventRead; units?: OrgUnitRead[] | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const rows = changeRows(event.changes as Record<string, unknown>);
  const cell = (v: unknown) => <span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{formatValue(v, i18n, units)}</span>;
  return (
    <div data-testid={`changes-${event.id}`}>
      {event.note && (
        <p style={{ margin: '0 0 8px' }}>
          <strong>{t('admNote')}:</strong> {event.note}
        </p>
      )}
      {rows.length > 0 && (
        <table className="audit-changes" style={{ borderCollapse: 'collapse', width: '100%', background: '#fff' }}>
          <caption style={{ textAlign: 'left', fontWeight: 600, padding: '4px 0' }}>{t('changes')}</caption>
          <thead>
            <tr>
              {[t('admField'), t('admBefore'), t('admAfter')].map((h) => (
                <th key={h} scope="col" style={{ textAlign: 'left', borderBottom: '1px solid #d9d9d9', padding: '4px 8px' }}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field}>
                <th scope="row" style={{ textAlign: 'left', fontWeight: 500, padding: '4px 8px', borderBottom: '1px solid #f0f0f0', verticalAlign: 'top' }}>
                  {fieldLabel(r.field, t) ?? <code>{r.field}</code>}
                </th>
                <td style={{ padding: '4px 8px', borderBottom: '1px solid #f0f0f0', verticalAlign: 'top', color: '#8a1c14' }}>{cell(r.before)}</td>
                <td style={{ padding: '4px 8px', borderBottom: '1px solid #f0f0f0', verticalAlign: 'top', color: '#1d5b2a' }}>{cell(r.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
