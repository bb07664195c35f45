import { App, Button, Card, DatePicker, Descriptions, Form, Input, Modal, Select, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useAuth } from '../../auth';
import { activitiesPlansGetQueryKey, activitiesPlansListOptions, activitiesPlansListQueryKey } from '../../client/@tanstack/react-query.gen';
import { activitiesPlansCreate, activitiesPlansGet, activitiesPlansUpdate } from '../../client/sdk.gen';
import type { OrgUnitRead } from '../../client/types.gen';
import { Guard } from '../../components/common';
import { etagged } from '../etag';
import Failure from './Failure';
import { areaCodes, mayDo, planBody, THIS_YEAR, type Filters, type InspectionPlan, type PlanItem, type PlanValues } from './model';
import { AREAS, useWords } from './words';
import ScrollRegion from '../reports/ScrollRegion';
import { useDialogSubmit } from '../../components/useDialogSubmit';

/** Kế hoạch kiểm tra CCHC of the year: which unit is inspected in which month, on which areas. */
export default function PlanTab({ filters }: { filters: Filters }) {
  const { w, word, date } = useWords();
  const { can } = useAuth();
  const { message } = App.useApp();
  const year = filters.year ?? THIS_YEAR;
  const [editing, setEditing] = useState<InspectionPlan | 'new' | null>(null);
  const qc = useQueryClient();
  const plans = useQuery(activitiesPlansListOptions({ query: { year, limit: 50 } }));
  const unitName = (id: number, given?: string | null) => given ?? filters.units.find((u) => u.id === id)?.name ?? '—';
  return (
    <Guard loading={plans.isPending} error={plans.error}>
      {() => {
        const list = plans.data?.items ?? [];
        return (
          <>
            {list.length === 0 && <p data-testid="no-plan">{w('noPlan')}</p>}
            {list.length === 0 && can('activities:manage') && (
              <Button type="primary" onClick={() => setEditing('new')}>
                {w('createPlan')}
              </Button>
            )}
            {list.map((p) => (
              <Card
                key={p.id}
                size="small"
                style={{ marginBottom: 16 }}
                title={<h2 style={{ fontSize: 16, margin: 0 }}>{p.title || w('planTitle', p.year)}</h2>}
                extra={mayDo(p, 'update') ? <Button onClick={() => setEditing(p)}>{w('editPlan')}</Button> : null}
              >
                <Descriptions
                  size="small"
                  column={{ xs: 1, sm: 2 }}
                  items={[
                    { key: 'n', label: w('decisionNumber'), children: p.decision_number || '—' },
                    { key: 'd', label: w('decisionDate'), children: date(p.decision_date) || '—' },
                    ...(p.note ? [{ key: 'note', label: w('note'), span: 2, children: p.note }] : []),
                  ]}
                />
                <ScrollRegion label={w('planItems')}>
                  <Table<PlanItem>
                    rowKey={(r) => `${r.unit_id}-${r.planned_month}`}
                    size="small"
                    pagination={false}
                    dataSource={[...p.items].sort((a, b) => a.planned_month - b.planned_month)}
                    columns={[
                      { title: w('month'), dataIndex: 'planned_month', render: (m: number) => w('monthN', m), width: 110 },
                      { title: w('inspectedUnit'), dataIndex: 'unit_id', render: (id: number, r) => unitName(id, r.unit_name) },
                      { title: w('areas'), dataIndex: 'areas', render: (v: string[]) => v.map((a) => word(a)).join('; ') || '—' },
                    ]}
                  />
                </ScrollRegion>
              </Card>
            ))}
            {editing && (
              <PlanModal
                plan={editing === 'new' ? null : editing}
                year={year}
                units={filters.units}
                onClose={() => setEditing(null)}
                onSaved={() => {
                  setEditing(null);
                  message.success(w('saved'));
                  void qc.invalidateQueries({ queryKey: activitiesPlansListQueryKey() });
                  if (editing !== 'new') void qc.invalidateQueries({ queryKey: activitiesPlansGetQueryKey({ path: { plan_id: editing.id } }) });
                }}
              />
            )}
          </>
        );
      }}
    </Guard>
  );
}

function PlanModal({ plan, year, units, onClose, onSaved }: { plan: InspectionPlan | null; year: number; units: OrgUnitRead[]; onClose: () => void; onSaved: () => void }) {
  const { w, need, word } = useWords();
  const { me } = useAuth();
  const [form] = Form.useForm<PlanValues>();
  const { key, busy, error, run } = useDialogSubmit('inspection-plan');
  const submit = async (v: PlanValues) => {
    const body = planBody(v);
    await run(async () => {
      if (plan) {
        const path = { plan_id: plan.id };
        const fresh = await etagged(activitiesPlansGet({ path, throwOnError: true }));
        await activitiesPlansUpdate({ path, headers: fresh.etag ? { 'If-Match': fresh.etag } : {}, body, throwOnError: true });
      } else {
        const owner = (me?.memberships ?? []).find((m) => m.role === 'district_admin')?.unit_id ?? me?.memberships[0]?.unit_id;
        await activitiesPlansCreate({ headers: { 'Idempotency-Key': key }, body: { ...body, year, owner_unit_id: owner }, throwOnError: true });
      }
      onSaved();
    });
  };
  const initial: PlanValues = plan
    ? { title: plan.title, decision_number: plan.decision_number ?? undefined, decision_date: plan.decision_date ? dayjs(plan.decision_date) : null, note: plan.note ?? undefined, items: plan.items.map((i) => ({ unit_id: i.unit_id, planned_month: i.planned_month, areas: areaCodes(i.areas) })) }
    : { title: w('planTitle', year), items: [{}] };
  return (
    <Modal open title={plan ? w('editPlan') : w('createPlan')} okText={w('save')} cancelText={w('cancel')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy }} width={820}>
      <Failure error={error} />
      <Form<PlanValues> form={form} layout="vertical" onFinish={submit} initialValues={initial}>
        <Form.Item label={w('planName')} name="title" rules={[need(w('planName')), { max: 500 }]}>
          <Input />
        </Form.Item>
        <Space wrap size="large">
          <Form.Item label={w('decisionNumber')} name="decision_number" rules={[{ max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item label={w('decisionDate')} name="decision_date">
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
        </Space>
        <Form.Item label={w('note')} name="note" rules={[{ max: 2000 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <h3 style={{ fontSize: 15 }}>{w('planItems')}</h3>
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} wrap align="start">
                  <Form.Item name={[f.name, 'unit_id']} label={w('inspectedUnit')} rules={[need(w('inspectedUnit'))]}>
                    <Select style={{ width: 240 }} showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.id, label: u.name }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'planned_month']} label={w('month')} rules={[need(w('month'))]}>
                    <Select style={{ width: 120 }} options={Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: w('monthN', i + 1) }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'areas']} label={w('areas')}>
                    <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} style={{ width: 260 }} options={AREAS.map((a) => ({ value: a, label: word(a) }))} />
                  </Form.Item>
                  <Button onClick={() => remove(f.name)} style={{ marginTop: 30 }}>
                    {w('removeRow')}
                  </Button>
                </Space>
              ))}
              <Button onClick={() => add({})}>{w('addRow')}</Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
