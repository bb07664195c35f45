import { App, Button, DatePicker, Form, Input, Modal, Select, Table, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../auth';
import { activitiesInspectionsListOptions, activitiesInspectionsListQueryKey } from '../../client/@tanstack/react-query.gen';
import { activitiesInspectionsCreate } from '../../client/sdk.gen';
import type { InspectionKind, OrgUnitRead } from '../../client/types.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { inspectionBody, listParams, type Filters, type Inspection, type InspectionValues } from './model';
import { AREAS, INSPECTION_KINDS, useWords } from './words';
import ScrollRegion from '../reports/ScrollRegion';
import { useDialogSubmit } from '../../components/useDialogSubmit';

export function StatusTag({ status }: { status: string }) {
  const { statusWord } = useWords();
  return <Tag color={status === 'closed' ? '#1d6b2f' : '#0b5cab'}>{statusWord(status)}</Tag>;
}

/** Cuộc kiểm tra CCHC in reach (a unit: its own only); Phòng Nội vụ records new ones. */
export default function InspectionsTab({ filters }: { filters: Filters }) {
  const { w, word, date } = useWords();
  const { can } = useAuth();
  const [kind, setKind] = useState<InspectionKind | ''>('');
  const [adding, setAdding] = useState(false);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const list = useQuery(activitiesInspectionsListOptions({ query: listParams(filters, { kind: kind || null }) }));
  return (
    <>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 12, alignItems: 'center' }}>
        <label htmlFor="insp-kind">{w('kind')}</label>
        <Select
          id="insp-kind"
          style={{ width: 180 }}
          value={kind}
          onChange={setKind}
          options={[{ value: '', label: w('allKinds') }, ...INSPECTION_KINDS.map((k) => ({ value: k, label: word(k) }))]}
        />
        <span style={{ flex: 1 }} />
        {can('activities:manage') && (
          <Button type="primary" onClick={() => setAdding(true)}>
            {w('recordInspection')}
          </Button>
        )}
      </div>
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <ScrollRegion label={w('tabInspections')}>
            <Table<Inspection>
              rowKey="id"
              size="small"
              data-testid="inspections"
              pagination={false}
              dataSource={list.data?.items ?? []}
              locale={{ emptyText: w('noInspections') }}
              columns={[
                { title: w('date'), dataIndex: 'date', render: (v: string) => date(v), width: 110 },
                { title: w('inspectedUnit'), dataIndex: 'unit_name', render: (v: string, r) => <Link to={`/activities/inspections/${r.id}`}>{v || w('inspection')}</Link> },
                { title: w('kind'), dataIndex: 'kind', render: (v: string) => word(v) },
                { title: w('areas'), dataIndex: 'areas', render: (v: string[]) => (v ?? []).map((a) => word(a)).join('; ') },
                { title: w('findingsCount'), key: 'f', align: 'right', render: (_: unknown, r) => r.findings.length },
                { title: w('status'), dataIndex: 'status', render: (v: string) => <StatusTag status={v} /> },
              ]}
            />
          </ScrollRegion>
        )}
      </Guard>
      {adding && (
        <InspectionModal
          units={filters.units}
          onClose={() => setAdding(false)}
          onSaved={(i) => {
            void qc.invalidateQueries({ queryKey: activitiesInspectionsListQueryKey() });
            navigate(`/activities/inspections/${i.id}`);
          }}
        />
      )}
    </>
  );
}

/** Ghi nhận cuộc kiểm tra: one Idempotency-Key per opening of the form. */
function InspectionModal({ units, onClose, onSaved }: { units: OrgUnitRead[]; onClose: () => void; onSaved: (i: Inspection) => void }) {
  const { w, need, word } = useWords();
  const { message } = App.useApp();
  const [form] = Form.useForm<InspectionValues>();
  const { key, busy, error, run } = useDialogSubmit('inspection');
  const submit = async (v: InspectionValues) => {
    await run(async () => {
      const { data } = await activitiesInspectionsCreate({ headers: { 'Idempotency-Key': key }, body: inspectionBody(v), throwOnError: true });
      message.success(w('recorded'));
      onSaved(data);
    });
  };
  return (
    <Modal open title={w('recordInspection')} okText={w('save')} cancelText={w('cancel')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy }} width={640}>
      <p style={{ marginTop: 0 }}>{w('recordInspectionHelp')}</p>
      <ProblemAlert error={error} />
      <Form<InspectionValues> form={form} layout="vertical" onFinish={submit} initialValues={{ kind: 'periodic' }}>
        <Form.Item label={w('inspectedUnit')} name="unit_id" rules={[need(w('inspectedUnit'))]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.id, label: u.name }))} />
        </Form.Item>
        <Form.Item label={w('kind')} name="kind" rules={[need(w('kind'))]}>
          <Select options={INSPECTION_KINDS.map((k) => ({ value: k, label: word(k) }))} />
        </Form.Item>
        <Form.Item label={w('date')} name="date" rules={[need(w('date'))]}>
          <DatePicker format="DD/MM/YYYY" />
        </Form.Item>
        <Form.Item label={w('areas')} name="areas">
          <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={AREAS.map((a) => ({ value: a, label: word(a) }))} />
        </Form.Item>
        <Form.Item label={w('team')} name="team" extra={w('teamHelp')}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item label={w('summary')} name="summary" rules={[{ max: 5000 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
