// Đơn vị: the tree, a unit's details, create a child, edit, deactivate, delete (refused by the API when the unit
// has history — its explanation is shown in place).
import { App, Button, Card, Checkbox, Col, DatePicker, Descriptions, Empty, Form, Input, Modal, Popconfirm, Row, Select, Space, Tag, Tree, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { orgUnitsGetQueryKey, orgUnitsListQueryKey } from '../../client/@tanstack/react-query.gen';
import { orgUnitsCreate, orgUnitsDeactivate, orgUnitsDelete, orgUnitsGet, orgUnitsUpdate } from '../../client/sdk.gen';
import type { OrgUnitCreate, OrgUnitRead, OrgUnitUpdate, UnitKind, UnitLevel } from '../../client/types.gen';
import { useAuth } from '../../auth';
import { Guard, ProblemAlert } from '../../components/common';
import { etagQuery, ifMatch, tagged, type Tagged } from '../../components/queries';
import { SourceBadge } from '../../components/SourceBadge';
import { useI18n } from '../../i18n';
import { ErrorOrConflict } from './common';
import { useIdempotencyKey, useUnits } from './hooks';
import { applyFieldErrors, buildTree, childLevel, filterUnits } from './lib';

const LEVELS: UnitLevel[] = ['province', 'district', 'commune'];
const KINDS: UnitKind[] = ['people_committee', 'department', 'public_service_unit', 'office', 'other'];
const EDIT_FIELDS = ['name', 'short_name', 'kind', 'parent_id', 'valid_from', 'valid_to', 'verified', 'source_note'];
const CREATE_FIELDS = ['code', 'level', ...EDIT_FIELDS];

const iso = (d?: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null);
const day = (s?: string | null) => (s ? dayjs(s) : null);

export default function Units() {
  const { t, label } = useI18n();
  const { can, me } = useAuth();
  const units = useUnits();
  const qc = useQueryClient();
  const unitsChanged = () => void qc.invalidateQueries({ queryKey: orgUnitsListQueryKey() });
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState('');
  const [creatingRoot, setCreatingRoot] = useState(false);
  const selected = Number(params.get('unit')) || null;
  const list = useMemo(() => units.data ?? [], [units.data]);
  const shown = useMemo(() => filterUnits(list, q), [list, q]);
  const manage = can('units:manage');
  const rootAdmin = manage && (me?.memberships ?? []).some((m) => m.role === 'admin' && list.some((u) => u.id === m.unit_id && u.parent_id == null));

  const select = (id: number | null) => {
    const p = new URLSearchParams(params);
    if (id) p.set('unit', String(id));
    else p.delete('unit');
    setParams(p, { replace: true });
  };

  return (
    <Guard loading={units.isPending} error={units.error}>
      {() => (
        <Row gutter={[16, 16]}>
          <Col xs={24} md={10}>
            <Card size="small" title={t('admUnitTree')} extra={rootAdmin && <Button size="small" onClick={() => setCreatingRoot(true)}>{t('admNewRootUnit')}</Button>}>
              <label htmlFor="unit-search" className="sr-only">
                {t('search')}
              </label>
              <Input.Search id="unit-search" allowClear placeholder={`${t('search')} (${t('code')}, ${t('name')})`} onChange={(e) => setQ(e.target.value)} style={{ marginBottom: 8 }} />
              {shown.length ? (
                <div style={{ maxHeight: 560, overflow: 'auto' }}>
                  <Tree
                    aria-label={t('admUnitTree')}
                    defaultExpandAll
                    key={q}
                    selectedKeys={selected ? [selected] : []}
                    onSelect={(keys) => select(keys.length ? Number(keys[0]) : null)}
                    treeData={buildTree(shown, (u) => (
                      <span data-testid={`unit-node-${u.code}`}>
                        {u.name} <span style={{ color: '#555' }}>({u.code})</span>
                        {!u.is_active && (
                          <Tag style={{ marginLeft: 6 }} color="#555555">
                            {t('admInactive')}
                          </Tag>
                        )}
                      </span>
                    ))}
                  />
                </div>
              ) : (
                <Empty description={t('empty')} />
              )}
              <p style={{ color: '#555', fontSize: 13, margin: '8px 0 0' }}>
                {t('total')}: {list.length} · {label('commune')}: {list.filter((u) => u.level === 'commune').length}
              </p>
            </Card>
          </Col>
          <Col xs={24} md={14}>
            {selected ? (
              <UnitPanel key={selected} id={selected} units={list} manage={manage} onChanged={unitsChanged} onSelect={select} />
            ) : (
              <Card size="small">
                <Empty description={t('admPickUnit')} />
              </Card>
            )}
          </Col>
          {creatingRoot && (
            <UnitCreateModal
              parent={null}
              onClose={() => setCreatingRoot(false)}
              onCreated={(u) => {
                setCreatingRoot(false);
                unitsChanged();
                select(u.id);
              }}
            />
          )}
        </Row>
      )}
    </Guard>
  );
}

function UnitPanel({ id, units, manage, onChanged, onSelect }: { id: number; units: OrgUnitRead[]; manage: boolean; onChanged: () => void; onSelect: (id: number | null) => void }) {
  const { t, label, date, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const detail = etagQuery(orgUnitsGetQueryKey({ path: { unit_id: id } }), (signal) =>
    orgUnitsGet({ path: { unit_id: id }, signal, throwOnError: true }),
  );
  const load = useQuery(detail);
  const [mode, setMode] = useState<'view' | 'edit' | 'child' | 'deactivate'>('view');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const u = load.data?.data;
  const etag = load.data?.etag ?? null;
  const byId = new Map(units.map((x) => [x.id, x]));
  const reload = () => {
    setError(null);
    void load.refetch();
  };
  // A new version from the server (reload after a conflict, or a save) replaces what the form holds.
  useEffect(() => {
    if (mode === 'edit') form.resetFields();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [u?.version]);

  const saved = (r: Tagged<OrgUnitRead>, msg: string) => {
    qc.setQueryData(detail.queryKey, r);
    setMode('view');
    message.success(msg);
    onChanged();
  };

  const edit = async (v: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const body = {
        name: v.name,
        short_name: v.short_name || null,
        kind: v.kind,
        parent_id: v.parent_id ?? u?.parent_id ?? null,
        valid_from: iso(v.valid_from as Dayjs | null),
        valid_to: iso(v.valid_to as Dayjs | null),
        verified: !!v.verified,
        source_note: v.source_note || null,
      };
      if (body.parent_id === u?.parent_id) delete (body as Partial<typeof body>).parent_id;
      saved(tagged(await orgUnitsUpdate({ path: { unit_id: id }, body: body as OrgUnitUpdate, headers: ifMatch(etag), throwOnError: true })), t('saved'));
    } catch (e) {
      setError(applyFieldErrors(form, e, lang, EDIT_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setError(null);
    try {
      await orgUnitsDelete({ path: { unit_id: id }, headers: ifMatch(etag), throwOnError: true });
      qc.removeQueries({ queryKey: detail.queryKey });
      message.success(t('admDeleted'));
      onSelect(u?.parent_id ?? null);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };

  // Units of the subtree cannot become the parent (the API refuses the cycle too).
  const parents = u ? units.filter((x) => !x.path.startsWith(u.path)) : [];

  return (
    <Guard loading={load.isPending} error={load.error} item>
      {() =>
        u && (
          <Card
            size="small"
            styles={{ title: { whiteSpace: 'normal' } }}
            title={
              <span>
                <Typography.Title level={3} style={{ fontSize: 18, margin: 0, display: 'inline' }}>
                  {u.name}
                </Typography.Title>{' '}
                {u.is_active ? <Tag color="#1d6b2f">{t('active')}</Tag> : <Tag color="#555555">{t('admInactive')}</Tag>}
              </span>
            }
          >
            <ErrorOrConflict error={error} onReload={reload} />
            {mode === 'edit' ? (
              <Form
                key={u.version}
                form={form}
                name="unit-edit"
                layout="vertical"
                onFinish={edit}
                initialValues={{
                  code: u.code,
                  level: u.level,
                  name: u.name,
                  short_name: u.short_name ?? '',
                  kind: u.kind,
                  parent_id: u.parent_id ?? undefined,
                  valid_from: day(u.valid_from),
                  valid_to: day(u.valid_to),
                  verified: u.verified,
                  source_note: u.source_note ?? '',
                }}
              >
                <Row gutter={12}>
                  <Col xs={24} sm={12}>
                    <Form.Item label={t('code')} name="code" extra={t('admCodeFixed')}>
                      <Input disabled />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item label={t('admLevel')} name="level">
                      <Select disabled options={LEVELS.map((l) => ({ value: l, label: label(l) }))} />
                    </Form.Item>
                  </Col>
                </Row>
                <UnitFields t={t} label={label} />
                {u.parent_id != null && (
                  <Form.Item label={t('admParentUnit')} name="parent_id">
                    <Select
                      showSearch={{ optionFilterProp: 'label' }}
                      options={parents.map((x) => ({ value: x.id, label: `${x.name} (${x.code})` }))}
                    />
                  </Form.Item>
                )}
                <Space>
                  <Button type="primary" htmlType="submit" loading={busy}>
                    {t('save')}
                  </Button>
                  <Button onClick={() => { setMode('view'); setError(null); }}>{t('admCancel')}</Button>
                </Space>
              </Form>
            ) : (
              <>
                <Descriptions size="small" bordered column={1} style={{ marginBottom: 12 }}>
                  <Descriptions.Item label={t('code')}>
                    <span data-testid="unit-code">{u.code}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('name')}>
                    <span data-testid="unit-name">{u.name}</span>
                  </Descriptions.Item>
                  {u.short_name && <Descriptions.Item label={t('admShortName')}>{u.short_name}</Descriptions.Item>}
                  <Descriptions.Item label={t('admLevel')}>{label(u.level)}</Descriptions.Item>
                  <Descriptions.Item label={t('kind')}>{label(u.kind)}</Descriptions.Item>
                  <Descriptions.Item label={t('admParentUnit')}>
                    {u.parent_id != null ? (
                      <Link to={`/admin/units?unit=${u.parent_id}`}>{byId.get(u.parent_id)?.name ?? `#${u.parent_id}`}</Link>
                    ) : (
                      '—'
                    )}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('admValidity')}>
                    {date(u.valid_from) || '…'} – {date(u.valid_to) || '…'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('admVerifiedLabel')}>
                    {u.verified && t('admYes')} <SourceBadge verified={u.verified} note={u.source_note} />
                  </Descriptions.Item>
                </Descriptions>
                <Space wrap>
                  {manage && (
                    <>
                      <Button type="primary" onClick={() => { setError(null); setMode('edit'); }}>
                        {t('admEdit')}
                      </Button>
                      <Button onClick={() => setMode('child')}>{t('admNewChildUnit')}</Button>
                      {u.is_active && (
                        <Button danger onClick={() => setMode('deactivate')}>
                          {t('admDeactivate')}
                        </Button>
                      )}
                      <Popconfirm title={t('admDeleteUnitConfirm')} okText={t('admDelete')} cancelText={t('admCancel')} okButtonProps={{ danger: true }} onConfirm={remove}>
                        <Button danger type="text">
                          {t('admDelete')}
                        </Button>
                      </Popconfirm>
                    </>
                  )}
                  <Link to={`/admin/audit?entity_type=org_unit&entity_id=${u.id}`}>{t('admAuditOfThis')}</Link>
                  <Link to={`/admin/users?unit_id=${u.id}`}>{t('admUsersOfThis')}</Link>
                </Space>
              </>
            )}
            {mode === 'child' && (
              <UnitCreateModal
                parent={u}
                onClose={() => setMode('view')}
                onCreated={(c) => {
                  setMode('view');
                  onChanged();
                  onSelect(c.id);
                }}
              />
            )}
            {mode === 'deactivate' && (
              <DeactivateModal
                unit={u}
                etag={etag}
                onClose={() => setMode('view')}
                onDone={(r) => saved(r, t('admDeactivated'))}
                onConflict={(e) => {
                  setMode('view');
                  setError(e);
                }}
              />
            )}
          </Card>
        )
      }
    </Guard>
  );
}

function UnitFields({ t, label }: { t: ReturnType<typeof useI18n>['t']; label: ReturnType<typeof useI18n>['label'] }) {
  return (
    <>
      <Form.Item label={t('name')} name="name" rules={[{ required: true, whitespace: true, message: t('admRequired') }]}>
        <Input maxLength={255} />
      </Form.Item>
      <Form.Item label={t('admShortName')} name="short_name">
        <Input maxLength={120} />
      </Form.Item>
      <Form.Item label={t('kind')} name="kind" rules={[{ required: true, message: t('admRequired') }]}>
        <Select options={KINDS.map((k) => ({ value: k, label: label(k) }))} />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item label={t('admValidFrom')} name="valid_from">
            <DatePicker format="DD/MM/YYYY" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item label={t('admValidTo')} name="valid_to">
            <DatePicker format="DD/MM/YYYY" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="verified" valuePropName="checked">
        <Checkbox>{t('admVerifiedHelp')}</Checkbox>
      </Form.Item>
      <Form.Item label={t('admSourceNote')} name="source_note">
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
    </>
  );
}

function UnitCreateModal({ parent, onClose, onCreated }: { parent: OrgUnitRead | null; onClose: () => void; onCreated: (u: OrgUnitRead) => void }) {
  const { t, label, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [key, renewKey] = useIdempotencyKey('unit');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const create = async (v: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const r = await orgUnitsCreate({
        throwOnError: true,
        headers: { 'Idempotency-Key': key },
        body: {
          code: String(v.code ?? '').trim(),
          name: v.name,
          short_name: v.short_name || null,
          level: v.level,
          kind: v.kind,
          parent_id: parent?.id ?? null,
          valid_from: iso(v.valid_from as Dayjs | null),
          valid_to: iso(v.valid_to as Dayjs | null),
          verified: !!v.verified,
          source_note: v.source_note || null,
        } as OrgUnitCreate,
      });
      renewKey();
      message.success(t('admCreated'));
      onCreated(r.data);
    } catch (e) {
      setError(applyFieldErrors(form, e, lang, CREATE_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={parent ? `${t('admNewChildUnit')} — ${parent.name}` : t('admNewRootUnit')}
      okText={t('admCreate')}
      cancelText={t('admCancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={error} />
      <Form
        form={form}
        name="unit-create"
        layout="vertical"
        onFinish={create}
        initialValues={{
          code: parent ? `${parent.code}.` : '',
          level: parent ? childLevel(parent) : 'province',
          kind: 'people_committee',
          verified: true,
          valid_from: null,
        }}
      >
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item label={t('code')} name="code" extra={t('admCodeHelp')} rules={[{ required: true, whitespace: true, message: t('admRequired') }]}>
              <Input maxLength={64} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item label={t('admLevel')} name="level" rules={[{ required: true, message: t('admRequired') }]}>
              <Select options={LEVELS.map((l) => ({ value: l, label: label(l) }))} />
            </Form.Item>
          </Col>
        </Row>
        <UnitFields t={t} label={label} />
      </Form>
    </Modal>
  );
}

function DeactivateModal({
  unit,
  etag,
  onClose,
  onDone,
  onConflict,
}: {
  unit: OrgUnitRead;
  etag: string | null;
  onClose: () => void;
  onDone: (r: Tagged<OrgUnitRead>) => void;
  onConflict: (e: unknown) => void;
}) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (v: { reason: string; valid_to?: Dayjs | null }) => {
    setBusy(true);
    setError(null);
    try {
      onDone(
        tagged(
          await orgUnitsDeactivate({
            path: { unit_id: unit.id },
            headers: ifMatch(etag),
            body: { reason: v.reason, valid_to: iso(v.valid_to) },
            throwOnError: true,
          }),
        ),
      );
    } catch (e) {
      if (e instanceof Error && 'status' in e && (e as { status: number }).status === 412) onConflict(e);
      else setError(applyFieldErrors(form, e, lang, ['reason', 'valid_to']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={`${t('admDeactivate')} — ${unit.name}`} okText={t('admDeactivate')} okButtonProps={{ danger: true }} cancelText={t('admCancel')} confirmLoading={busy} onOk={() => form.submit()} onCancel={onClose}>
      <p>{t('admDeactivateUnitHelp')}</p>
      <ProblemAlert error={error} />
      <Form form={form} name="unit-deactivate" layout="vertical" onFinish={run} initialValues={{ valid_to: day(unit.valid_to) }}>
        <Form.Item label={t('admValidTo')} name="valid_to" extra={t('admValidToHelp')}>
          <DatePicker format="DD/MM/YYYY" />
        </Form.Item>
        <Form.Item label={t('admReason')} name="reason" rules={[{ required: true, min: 3, message: t('admReasonMin') }]}>
          <Input.TextArea rows={3} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
