import { DatePicker, Form, Input, Modal, Radio, Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/http';
import { frameworksSearch, tasksCreate, tasksGet, tasksUpdate } from '../../client/sdk.gen';
import type { OrgUnitRead, TaskCreate, TaskUpdate } from '../../client/types.gen';
import { etagged } from '../etag';
import { ProblemAlert } from '../../components/common';
import { useI18n } from '../../i18n';
import { usePlanWords } from './words';
import { nodeName } from '../../nodeName';
import { applyFieldErrors, newIdempotencyKey } from '../admin/lib';
import {
  DEADLINE_KINDS,
  KIND_KEYS,
  PERIOD_CODES,
  periodLabel,
  RECURRENCE_KEYS,
  RECURRENCES,
  TASK_FIELDS,
  taskBody,
  taskValues,
  type Appendix,
  type PlanRead,
  type TaskRead,
  type TaskValues,
} from './model';

type NodeOpt = { value: number; label: string };

/** Criteria of the frameworks, searched as typed (accents ignored by the API), limited to the plan's frameworks. */
function NodeSelect({ value, onChange, frameworkIds, initial, id }: { value?: number[]; onChange?: (v: number[]) => void; frameworkIds: number[]; initial: NodeOpt[]; id?: string }) {
  const { t } = useI18n();
  const [opts, setOpts] = useState<NodeOpt[]>(initial);
  const seq = useRef(0);
  const search = async (q: string) => {
    if (q.trim().length < 2) return;
    const n = ++seq.current;
    const { data: page } = await frameworksSearch({ query: { limit: 30, q: q.trim() }, throwOnError: true });
    if (n !== seq.current) return;
    const hits = page.items.filter((h) => !frameworkIds.length || frameworkIds.includes(h.framework_id));
    const chosen = opts.filter((o) => value?.includes(o.value));
    const found = hits.map((h) => ({ value: h.id, label: nodeName(h, t('criterionNo'), true) }));
    setOpts([...chosen, ...found.filter((f) => !chosen.some((c) => c.value === f.value))]);
  };
  return (
    <Select
      id={id}
      mode="multiple"
      allowClear
      value={value}
      onChange={onChange}
      showSearch={{ filterOption: false, onSearch: (q) => void search(q) }}
      options={opts}
      placeholder={t('plCriteriaSearch')}
      notFoundContent={t('plCriteriaSearch')}
    />
  );
}

/** Thêm / sửa a row of the appendix: số thứ tự, mục, nội dung, sản phẩm, thời hạn, chủ trì, phối hợp, tiêu chí.
 * On an issued plan the change is an amendment and asks its reason. */
export function TaskModal({
  plan,
  appendix,
  task,
  units,
  onClose,
  onSaved,
}: {
  plan: PlanRead;
  appendix: Appendix;
  task?: TaskRead;
  units: OrgUnitRead[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, lang } = useI18n();
  const { required } = usePlanWords();
  const [form] = Form.useForm<TaskValues>();
  const [key] = useState(() => newIdempotencyKey('task'));
  const [etag, setEtag] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const kind = Form.useWatch('deadline_kind', form) ?? 'date';
  const issued = plan.status === 'issued';

  useEffect(() => {
    if (!task) return;
    // the fresh ETag of the row (another manager may have changed it since the appendix was loaded)
    void etagged(tasksGet({ path: { task_id: task.id }, throwOnError: true })).then((r) => {
      setEtag(r.etag);
      form.setFieldsValue(taskValues(r.data));
    }, setError);
  }, [task, form]);

  const save = async (v: TaskValues) => {
    setBusy(true);
    setError(null);
    try {
      const body = taskBody(v, plan.year, issued);
      if (task)
        await tasksUpdate({ path: { task_id: task.id }, headers: etag ? { 'If-Match': etag } : {}, body: body as TaskUpdate, throwOnError: true });
      else await tasksCreate({ path: { plan_id: plan.id }, headers: { 'Idempotency-Key': key }, body: body as TaskCreate, throwOnError: true });
      onSaved();
    } catch (e) {
      const shown = applyFieldErrors(form, e, lang, TASK_FIELDS);
      setError(e instanceof ApiError && e.status === 412 ? new ApiError(412, { detail: t('plStale') }) : shown);
    } finally {
      setBusy(false);
    }
  };

  const unitOpts = units.filter((u) => u.is_active).map((u) => ({ value: u.id, label: u.name }));
  const next = String(appendix.tasks.length + 1);
  return (
    <Modal
      open
      title={task ? `${t('plEditTask')} ${task.label}` : t('plAddTask')}
      okText={t('plSave')}
      cancelText={t('admCancel')}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={() => form.submit()}
      width={760}
      destroyOnHidden
    >
      {issued && <p>{t('plAmendHelp')}</p>}
      <ProblemAlert error={error} />
      <Form<TaskValues>
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={task ? taskValues(task) : { label: next, deadline_kind: 'date', coordinating_unit_ids: [], node_ids: [] }}
      >
        <div className="pl-row">
          <Form.Item name="label" label={t('stt')} rules={[{ required: true, whitespace: true, message: required(t('stt')) }]}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="section_id" label={t('plSection')}>
            <Select allowClear options={appendix.sections.map((s) => ({ value: s.id, label: `${s.label}. ${s.title}` }))} notFoundContent={t('plNoSections')} />
          </Form.Item>
        </div>
        <Form.Item name="title" label={t('plTaskTitle')} rules={[{ required: true, whitespace: true, message: required(t('plTaskTitle')) }]}>
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
        <Form.Item name="product" label={t('product')}>
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
        <Form.Item name="deadline_kind" label={t('plDeadlineKind')}>
          <Radio.Group options={DEADLINE_KINDS.map((k) => ({ value: k, label: t(KIND_KEYS[k]) }))} />
        </Form.Item>
        {kind === 'date' && (
          <Form.Item name="due_date" label={t('due')} rules={[{ required: true, message: required(t('due')) }]}>
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
        )}
        {kind === 'period' && (
          <Form.Item name="period_code" label={t('plPeriod')} rules={[{ required: true, message: required(t('plPeriod')) }]}>
            <Select options={PERIOD_CODES.map((c) => ({ value: c, label: `${periodLabel(c, t)}/${plan.year}` }))} />
          </Form.Item>
        )}
        {kind === 'recurring' && (
          <Form.Item name="recurrence" label={t('plRecurrence')} rules={[{ required: true, message: required(t('plRecurrence')) }]}>
            <Select options={RECURRENCES.map((r) => ({ value: r, label: t(RECURRENCE_KEYS[r]) }))} />
          </Form.Item>
        )}
        <Form.Item name="lead_unit_id" label={t('lead')} rules={[{ required: true, message: required(t('lead')) }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={unitOpts} />
        </Form.Item>
        <Form.Item name="coordinating_unit_ids" label={t('coord')}>
          <Select mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} options={unitOpts} />
        </Form.Item>
        <Form.Item name="node_ids" label={t('plCriteria')}>
          <NodeSelect
            frameworkIds={plan.framework_ids ?? []}
            initial={(task?.nodes ?? []).map((n) => ({ value: n.id, label: nodeName(n, t('criterionNo'), true) }))}
          />
        </Form.Item>
        <Form.Item name="target" label={t('plTarget')}>
          <Input maxLength={4000} />
        </Form.Item>
        {issued && (
          <Form.Item name="reason" label={t('plReason')} rules={[{ required: true, whitespace: true, message: t('plReasonRequired') }]}>
            <Input.TextArea rows={2} maxLength={5000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
