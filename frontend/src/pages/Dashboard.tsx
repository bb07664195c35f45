import { Card, Col, List, Row, Statistic, Table, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { apiGet } from '../api/http';
import { taskTitle, type Summary } from '../api/types';
import type { UnitStat } from '../client/types.gen';
import { BucketTag, Guard, Loading, useLoad } from '../components/common';
import { useI18n } from '../i18n';

const ProgressChart = lazy(() => import('../components/ProgressChart'));

const BUCKETS = ['done_on_time', 'done_late', 'in_progress_on_time', 'overdue'] as const;

export function bucketCounts(s: Pick<Summary, 'buckets'>): Record<string, number> {
  return { ...(s.buckets ?? {}) };
}

export default function Dashboard() {
  const { t, label, num, date } = useI18n();
  const { data, error, loading } = useLoad(() => apiGet<Summary>('/dashboards/summary'), []);
  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('dashboard')}
      </Typography.Title>
      <Guard loading={loading} error={error}>
        {() => {
          if (!data) return null;
          const counts = bucketCounts(data);
          const areas = data.by_area.map((r) => ({ name: `${r.code} ${r.title}`.slice(0, 40), progress: r.avg_progress }));
          const unitLink = (u: UnitStat, bucket?: string) => `/assignments?unit_id=${u.unit_id}${bucket ? `&bucket=${bucket}` : ''}`;
          return (
            <>
              <p style={{ color: '#555' }}>
                {date(data.as_of)} · {t('total')}:{' '}
                <Link to="/assignments" data-testid="total">
                  {num(data.total, 0)}
                </Link>{' '}
                · {t('progress')}: {num(data.avg_progress)}%
              </p>
              <nav aria-label={t('status')} className="bucket-cards">
                {BUCKETS.map((b) => (
                  <Link key={b} className="bucket-card" to={`/assignments?bucket=${b}`} data-testid={`bucket-${b}`}>
                    <BucketTag value={b} />
                    <div className="n">{num(counts[b] ?? 0, 0)}</div>
                  </Link>
                ))}
                <Link className="bucket-card" to="/assignments?due_soon=true" data-testid="bucket-due_soon">
                  <BucketTag value="due_soon" />
                  <div className="n">{num(data.due_soon.length, 0)}</div>
                </Link>
              </nav>
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={12}>
                  <Card title={t('byArea')} size="small">
                    {areas.length ? (
                      <Suspense fallback={<Loading />}>
                        <ProgressChart data={areas} />
                      </Suspense>
                    ) : (
                      t('empty')
                    )}
                    <List
                      size="small"
                      dataSource={data.by_area}
                      renderItem={(r) => (
                        <List.Item>
                          <Link to={`/assignments?node_id=${r.node_id}`}>
                            {r.framework_code} {r.code} {r.title}
                          </Link>
                          <span>
                            {num(r.avg_progress)}% · {num(r.total, 0)}
                          </span>
                        </List.Item>
                      )}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={12}>
                  <Card title={t('byUnit')} size="small">
                    <Table<UnitStat>
                      size="small"
                      rowKey="unit_id"
                      scroll={{ x: true }}
                      pagination={{ pageSize: 10 }}
                      dataSource={data.by_unit}
                      locale={{ emptyText: t('empty') }}
                      columns={[
                        { title: t('unit'), key: 'u', render: (_, r) => <Link to={unitLink(r)}>{r.name}</Link> },
                        { title: t('total'), dataIndex: 'total', render: (v: number) => num(v, 0) },
                        { title: `${t('progress')} (%)`, dataIndex: 'avg_progress', render: (v: number) => num(v) },
                        {
                          title: label('overdue'),
                          key: 'o',
                          render: (_, r) => <Link to={unitLink(r, 'overdue')}>{num(r.buckets.overdue, 0)}</Link>,
                        },
                      ]}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={8}>
                  <Card title={t('laggingUnits')} size="small">
                    <List
                      size="small"
                      dataSource={data.lagging_units}
                      locale={{ emptyText: t('empty') }}
                      renderItem={(r) => (
                        <List.Item>
                          <Link to={unitLink(r, 'overdue')}>{r.name}</Link>
                          <Statistic value={r.buckets.overdue} valueStyle={{ fontSize: 16 }} />
                        </List.Item>
                      )}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={8}>
                  <Card title={`${t('dueSoon')} (${data.due_soon_days})`} size="small">
                    <List
                      size="small"
                      dataSource={data.due_soon.slice(0, 8)}
                      locale={{ emptyText: t('empty') }}
                      footer={
                        data.due_soon.length > 8 ? <Link to="/assignments?due_soon=true">{`${t('total')}: ${data.due_soon.length} →`}</Link> : undefined
                      }
                      renderItem={(a) => (
                        <List.Item>
                          <Link to={`/assignments/${a.id}`}>{taskTitle(a)}</Link>
                          <span>
                            {a.unit_name} · {date(a.due_date)}
                          </span>
                        </List.Item>
                      )}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={8}>
                  <Card title={label('overdue')} size="small">
                    <List
                      size="small"
                      dataSource={data.criteria_most_overdue}
                      locale={{ emptyText: t('empty') }}
                      renderItem={(c) => (
                        <List.Item>
                          <Link to={`/assignments?node_id=${c.node_id}&bucket=overdue`}>
                            {c.framework_code} {c.code} {c.title}
                          </Link>
                          <span>{num(c.overdue, 0)}</span>
                        </List.Item>
                      )}
                    />
                  </Card>
                </Col>
              </Row>
            </>
          );
        }}
      </Guard>
    </>
  );
}
