import { App, Button, DatePicker, Form, Input, Modal, Select, Space, Table } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../auth';
import { activitiesSessionsListOptions, activitiesSessionsListQueryKey, assignmentsListOptions } from '../../client/@tanstack/react-query.gen';
import { activitiesSessionsCreate } from '../../client/sdk.gen';
import type { OrgUnitRead } from '../../client/types.gen';
import { Guard } from '../../components/common';
import Failure from './Failure';
import { SessionStatusTag } from './SessionDetail';
import { listParams, sessionBody, type AccountabilitySession, type Filters, type SessionValues } from './model';
import { useWords } from './words';
import ScrollRegion from '../reports/ScrollRegion';
import { useDialogSubmit } from '../../components/useDialogSubmit';

/** Phiên giải trình in reach (a unit: its own); Phòng Nội vụ organises them. */
export default function SessionsTab({ filters }: { filters: Filters }) {
  const { w, date } = useWords();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [adding, setAdding] = useState(false);
  const qc = useQueryClient();
  const list = useQuery(activitiesSessionsListOptions({ query: listParams(filters) }));
  return (
    <>
      <div style={{ display: 'flex', marginBottom: 12 }}>
        <span style={{ flex: 1 }} />
        {can('activities:manage') && (
          <Button type="primary" onClick={() => setAdding(true)}>
            {w('addSession')}
          </Button>
        )}
      </div>
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <ScrollRegion label={w('sessionsTitle')}>
            <Table<AccountabilitySession>
              rowKey="id"
              size="small"
              data-testid="sessions"
              pagination={false}
              dataSource={list.data?.items ?? []}
              locale={{ emptyText: w('noSessions') }}
              columns={[
                { title: w('date'), dataIndex: 'date', render: (v: string) => date(v), width: 110 },
                { title: w('answeringUnit'), dataIndex: 'unit_name', render: (v: string, r) => <Link to={`/activities/sessions/${r.id}`}>{v || w('session')}</Link> },
                { title: w('headName'), key: 'head', render: (_: unknown, r) => [r.head_title, r.head_name].filter(Boolean).join(' ') || '—' },
                { title: w('items'), key: 'items', align: 'right', render: (_: unknown, r) => r.items?.length ?? 0 },
                { title: w('followUps'), key: 'fu', align: 'right', render: (_: unknown, r) => r.follow_ups?.length ?? 0 },
                { title: w('status'), dataIndex: 'status', render: (v: string) => <SessionStatusTag status={v} /> },
              ]}
            />
          </ScrollRegion>
        )}
      </Guard>
      {adding && (
        <SessionModal
          units={filters.units}
          onClose={() => setAdding(false)}
          onSaved={(s) => {
            void qc.invalidateQueries({ queryKey: activitiesSessionsListQueryKey() });
            navigate(`/activities/sessions/${s.id}`);
          }}
        />
      )}
    </>
  );
}

/** Tổ chức phiên giải trình: the unit, the date, who chairs and who answers, the late assignments concerned. */
function SessionModal({ units, onClose, onSaved }: { units: OrgUnitRead[]; onClose: () => void; onSaved: (s: AccountabilitySession) => void }) {
  const { w, need, date } = useWords();
  const { message } = App.useApp();
  const [form] = Form.useForm<SessionValues>();
  const unitId = Form.useWatch('unit_id', form);
  const { key, busy, error, run } = useDialogSubmit('accountability');
  // the unit's late assignments, to name the items of the session
  const late = useQuery({ ...assignmentsListOptions({ query: { unit_id: unitId, bucket: 'overdue', limit: 200 } }), enabled: !!unitId });
  const submit = async (v: SessionValues) => {
    await run(async () => {
      const { data } = await activitiesSessionsCreate({
        headers: { 'Idempotency-Key': key },
        throwOnError: true,
        body: sessionBody(v),
      });
      message.success(w('saved'));
      onSaved(data);
    });
  };
  return (
    <Modal open title={w('addSession')} okText={w('save')} cancelText={w('cancel')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy }} width={680}>
      <p style={{ marginTop: 0 }}>{w('addSessionHelp')}</p>
      <Failure error={error} />
      <Form<SessionValues> form={form} layout="vertical" onFinish={submit}>
        <Form.Item label={w('answeringUnit')} name="unit_id" rules={[need(w('answeringUnit'))]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.id, label: u.name }))} />
        </Form.Item>
        <Form.Item label={w('date')} name="date" rules={[need(w('date'))]}>
          <DatePicker format="DD/MM/YYYY" />
        </Form.Item>
        <Form.Item label={w('chairedBy')} name="chaired_by" rules={[{ max: 300 }]}>
          <Input />
        </Form.Item>
        <Space wrap size="large">
          <Form.Item label={w('headName')} name="head_name" rules={[{ max: 200 }]}>
            <Input style={{ width: 260 }} />
          </Form.Item>
          <Form.Item label={w('headTitle')} name="head_title" rules={[{ max: 200 }]}>
            <Input style={{ width: 260 }} />
          </Form.Item>
        </Space>
        <Form.Item label={w('items')} name="assignment_ids">
          <Select
            mode="multiple"
            disabled={!unitId}
            loading={late.isFetching}
            showSearch={{ optionFilterProp: 'label' }}
            options={(late.data?.items ?? []).map((a) => ({
              value: a.id,
              label: `${a.task_label ? `${a.task_label} ` : ''}${a.task_title ?? ''}${a.due_date ? ` (${w('deadline')} ${date(a.due_date)})` : ''}`,
            }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
