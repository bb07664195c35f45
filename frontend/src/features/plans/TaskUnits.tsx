// A task's units beyond what the appendix lists: the appendix carries, per task, the count of its units and of its
// assignments by status and only its first `units_limit` units (the API's bounded document); "… và N đơn vị khác"
// opens the full list, paged by GET /tasks/{task_id}/units through the generated SDK.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { tasksUnitsOptions } from '../../client/@tanstack/react-query.gen';
import type { AssignmentStatus, TaskUnitStatus } from '../../client/types.gen';
import { useI18n } from '../../i18n';
import { instanceName } from './model';
import { STATUSES, UNITS_PAGE, useUnitWords, type AppendixTask } from './unitsModel';

/** The full, paged list of one task's units with their statuses (filter by status, search by name or code). */
export function TaskUnitsModal({ task, onClose }: { task: Pick<AppendixTask, 'id' | 'label' | 'title'>; onClose: () => void }) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const w = useUnitWords();
  const [pageNo, setPageNo] = useState(1);
  const [status, setStatus] = useState<AssignmentStatus | undefined>();
  const [q, setQ] = useState('');
  const query = {
    limit: UNITS_PAGE,
    offset: (pageNo - 1) * UNITS_PAGE,
    ...(status ? { status } : {}),
    ...(q ? { q } : {}),
  };
  const units = useQuery({ ...tasksUnitsOptions({ path: { task_id: task.id }, query }), placeholderData: keepPreviousData });
  const data = units.data;
  return (
    <Modal open title={w('title', { label: task.label })} onCancel={onClose} footer={<Button onClick={onClose}>{w('close')}</Button>} width={900} destroyOnHidden>
      <p>{task.title}</p>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={w('searchUnit')}
          placeholder={w('searchUnit')}
          allowClear
          onSearch={(v) => {
            setQ(v.trim());
            setPageNo(1);
          }}
          style={{ width: 240 }}
        />
        <Select
          aria-label={t('status')}
          allowClear
          placeholder={t('status')}
          style={{ width: 180 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPageNo(1);
          }}
          options={STATUSES.map((s) => ({ value: s, label: label(s) }))}
        />
        {data && <span>{w('total', { n: i18n.num(data.total) })}</span>}
      </Space>
      {units.isError && <Alert type="error" showIcon message={w('failed')} style={{ marginBottom: 12 }} />}
      <Table<TaskUnitStatus>
        size="small"
        rowKey="assignment_id"
        loading={units.isFetching}
        dataSource={data?.items ?? []}
        data-testid="task-units"
        pagination={{
          current: pageNo,
          pageSize: UNITS_PAGE,
          total: data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPageNo,
        }}
        columns={[
          { title: w('unit'), key: 'unit', render: (_, u) => <Link to={`/assignments/${u.assignment_id}`}>{u.unit_name}</Link> },
          { title: w('instance'), key: 'instance', render: (_, u) => (u.instance_key ? instanceName(u.instance_key, t) : '') },
          { title: w('due'), key: 'due', render: (_, u) => i18n.date(u.due_date) },
          { title: t('status'), key: 'status', render: (_, u) => <Tag>{label(u.status)}</Tag> },
          { title: w('progress'), key: 'progress', render: (_, u) => `${i18n.num(u.progress, 0)} %` },
        ]}
      />
    </Modal>
  );
}
