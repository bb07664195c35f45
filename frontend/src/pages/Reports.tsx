import { Alert, Table, Tag, Typography } from 'antd';
import { apiGet } from '../api/http';
import type { ReportRead } from '../client/types.gen';
import { Guard, useLoad } from '../components/common';
import { useI18n } from '../i18n';

/** Periodic reports: the scoped list with status (read-only here; the editor is not in the web app yet). */
export default function Reports() {
  const { t, label, dateTime } = useI18n();
  const list = useLoad(() => apiGet<{ items: ReportRead[] }>('/reports?limit=200'), []);
  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('reports')}
      </Typography.Title>
      <Alert type="info" showIcon title={t('reportsReadOnly')} style={{ marginBottom: 12 }} />
      <Guard loading={list.loading} error={list.error}>
        {() => (
          <Table<ReportRead>
            rowKey="id"
            size="small"
            scroll={{ x: true }}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: t('empty') }}
            columns={[
              { title: t('period'), dataIndex: 'period_name' },
              { title: t('unit'), dataIndex: 'unit_name' },
              { title: t('title'), dataIndex: 'title' },
              { title: t('status'), dataIndex: 'status', render: (v: string, r) => <>{<Tag>{label(v)}</Tag>}{r.is_late && <Tag color="#b3261e">{label('overdue')}</Tag>}</> },
              { title: t('submittedAt'), dataIndex: 'submitted_at', render: (v) => dateTime(v) },
              { title: t('returnReason'), dataIndex: 'return_reason' },
            ]}
          />
        )}
      </Guard>
    </>
  );
}
