import { App, Button, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useAuth } from '../../auth';
import { activitiesOutreachGetQueryKey, activitiesOutreachListOptions, activitiesOutreachListQueryKey } from '../../client/@tanstack/react-query.gen';
import { activitiesOutreachCreate, activitiesOutreachDelete, activitiesOutreachGet, activitiesOutreachUpdate } from '../../client/sdk.gen';
import type { OrgUnitRead, OutreachKind } from '../../client/types.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { etagged } from '../etag';
import Failure from './Failure';
import { listParams, mayDo, outreachBody, outreachChanges, type Filters, type OutreachOutput, type OutreachValues } from './model';
import { LANGUAGES, OUTREACH_KINDS, useWords } from './words';
import ScrollRegion from '../reports/ScrollRegion';
import { useDialogSubmit } from '../../components/useDialogSubmit';

/** Sản phẩm tuyên truyền CCHC of the units in reach; the responsible unit (outreach:edit) enters its own. */
export default function OutreachTab({ filters }: { filters: Filters }) {
  const { w, word, langWord, date, num } = useWords();
  const { can, me } = useAuth();
  const { message, modal } = App.useApp();
  const [kind, setKind] = useState<OutreachKind | ''>('');
  const [editing, setEditing] = useState<OutreachOutput | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();
  const list = useQuery(activitiesOutreachListOptions({ query: listParams(filters, { kind: kind || null }) }));
  // units the caller enters for: its own memberships' units among those it sees (the API has the last word)
  const own = new Set((me?.memberships ?? []).map((m) => m.unit_id));
  const writable = can('activities:manage') ? filters.units : filters.units.filter((u) => own.has(u.id));
  const remove = (o: OutreachOutput) =>
    modal.confirm({
      title: w('deleteOutreachConfirm'),
      content: o.title,
      okText: w('delete'),
      okButtonProps: { danger: true },
      cancelText: w('cancel'),
      onOk: async () => {
        setError(null);
        try {
          const path = { output_id: o.id };
          const fresh = await etagged(activitiesOutreachGet({ path, throwOnError: true }));
          await activitiesOutreachDelete({ path, headers: fresh.etag ? { 'If-Match': fresh.etag } : {}, throwOnError: true });
          message.success(w('deleted'));
          refresh(qc, o.id);
        } catch (e) {
          setError(e);
        }
      },
    });
  return (
    <>
      <p style={{ marginTop: 0 }}>{w('outreachHelp')}</p>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 12, alignItems: 'center' }}>
        <label htmlFor="out-kind">{w('kind')}</label>
        <Select
          id="out-kind"
          style={{ width: 280 }}
          value={kind}
          onChange={setKind}
          options={[{ value: '', label: w('allKinds') }, ...OUTREACH_KINDS.map((k) => ({ value: k, label: word(k) }))]}
        />
        <span style={{ flex: 1 }} />
        {can('outreach:edit') && writable.length > 0 && (
          <Button type="primary" onClick={() => setEditing('new')}>
            {w('addOutreach')}
          </Button>
        )}
      </div>
      <ProblemAlert error={error} />
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <ScrollRegion label={w('outreachTitle')}>
            <Table<OutreachOutput>
              rowKey="id"
              size="small"
              data-testid="outreach"
              pagination={false}
              dataSource={list.data?.items ?? []}
              locale={{ emptyText: w('noOutreach') }}
              columns={[
                { title: w('date'), dataIndex: 'date', render: (v: string) => date(v), width: 110 },
                { title: w('unit'), dataIndex: 'unit_name' },
                { title: w('kind'), dataIndex: 'kind', render: (v: string) => word(v) },
                { title: w('outreachName'), dataIndex: 'title' },
                { title: w('language'), dataIndex: 'language', render: (v: string) => langWord(v) },
                { title: w('medium'), dataIndex: 'medium', render: (v: string | null) => v || '—' },
                { title: w('quantity'), dataIndex: 'quantity', align: 'right', render: (v: number) => num(v, 0) },
                { title: w('audience'), dataIndex: 'audience', align: 'right', render: (v: number | null) => (v == null ? '—' : num(v, 0)) },
                {
                  title: '',
                  key: 'act',
                  render: (_: unknown, o) => (
                    <Space size={4}>
                      {mayDo(o, 'update') && (
                        <Button size="small" onClick={() => setEditing(o)} aria-label={`${w('edit')}: ${o.title}`}>
                          {w('edit')}
                        </Button>
                      )}
                      {mayDo(o, 'delete') && (
                        <Button size="small" danger onClick={() => remove(o)} aria-label={`${w('delete')}: ${o.title}`}>
                          {w('delete')}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          </ScrollRegion>
        )}
      </Guard>
      {editing && (
        <OutreachModal
          item={editing === 'new' ? null : editing}
          units={writable}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            message.success(w('saved'));
            refresh(qc, editing === 'new' ? null : editing.id);
          }}
        />
      )}
    </>
  );
}

/** After a change: the outreach lists and the changed output. */
function refresh(qc: QueryClient, id: number | null) {
  void qc.invalidateQueries({ queryKey: activitiesOutreachListQueryKey() });
  if (id != null) void qc.invalidateQueries({ queryKey: activitiesOutreachGetQueryKey({ path: { output_id: id } }) });
}

/** Thêm / sửa sản phẩm tuyên truyền: a create carries an Idempotency-Key, an edit the ETag read just before. */
function OutreachModal({ item, units, onClose, onSaved }: { item: OutreachOutput | null; units: OrgUnitRead[]; onClose: () => void; onSaved: () => void }) {
  const { w, need, word, langWord } = useWords();
  const [form] = Form.useForm<OutreachValues>();
  const { key, busy, error, run } = useDialogSubmit('outreach');
  const submit = async (v: OutreachValues) => {
    await run(async () => {
      if (item) {
        const path = { output_id: item.id };
        const fresh = await etagged(activitiesOutreachGet({ path, throwOnError: true }));
        await activitiesOutreachUpdate({ path, headers: fresh.etag ? { 'If-Match': fresh.etag } : {}, body: outreachChanges(v), throwOnError: true });
      } else await activitiesOutreachCreate({ headers: { 'Idempotency-Key': key }, body: outreachBody(v), throwOnError: true });
      onSaved();
    });
  };
  const initial: Partial<OutreachValues> = item
    ? { ...item, date: dayjs(item.date), medium: item.medium ?? undefined, note: item.note ?? undefined }
    : { kind: 'article', language: 'vi', quantity: 1, unit_id: units.length === 1 ? units[0].id : undefined };
  return (
    <Modal open title={item ? w('editOutreach') : w('addOutreach')} okText={w('save')} cancelText={w('cancel')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy }} width={640}>
      <Failure error={error} />
      <Form<OutreachValues> form={form} layout="vertical" onFinish={submit} initialValues={initial}>
        <Form.Item label={w('unit')} name="unit_id" rules={[need(w('unit'))]}>
          <Select disabled={!!item} showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.id, label: u.name }))} />
        </Form.Item>
        <Space wrap size="large">
          <Form.Item label={w('date')} name="date" rules={[need(w('date'))]}>
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Form.Item label={w('kind')} name="kind" rules={[need(w('kind'))]}>
            <Select style={{ width: 300 }} options={OUTREACH_KINDS.map((k) => ({ value: k, label: word(k) }))} />
          </Form.Item>
          <Form.Item label={w('language')} name="language" rules={[need(w('language'))]}>
            <Select style={{ width: 160 }} options={LANGUAGES.map((l) => ({ value: l, label: langWord(l) }))} />
          </Form.Item>
        </Space>
        <Form.Item label={w('outreachName')} name="title" rules={[need(w('outreachName')), { max: 500 }]}>
          <Input />
        </Form.Item>
        <Form.Item label={w('medium')} name="medium" rules={[{ max: 300 }]}>
          <Input />
        </Form.Item>
        <Space wrap size="large">
          <Form.Item label={w('quantity')} name="quantity" rules={[need(w('quantity'))]}>
            <InputNumber min={1} precision={0} />
          </Form.Item>
          <Form.Item label={w('audience')} name="audience">
            <InputNumber min={0} precision={0} />
          </Form.Item>
        </Space>
        <Form.Item label={w('note')} name="note" rules={[{ max: 2000 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
