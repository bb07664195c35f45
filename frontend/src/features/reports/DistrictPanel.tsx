import { Alert, Collapse, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import type { ReportDetail } from '../../client/types.gen';
import { useI18n } from '../../i18n';
import { BucketTable } from './FiguresPanel';
import { figuresOf, type UnitRow } from './model';
import { useReportStatusLabel } from './labels';
import { ReportStatusTag } from './ReportTags';
import ScrollRegion from './ScrollRegion';

/**
 * Báo cáo tổng hợp của huyện: the totals of the accepted unit reports (their frozen figures), every unit with its
 * report's status, and the units that have not reported (no report, or not accepted yet).
 */
export default function DistrictPanel({ report }: { report: ReportDetail }) {
  const { t, num, date } = useI18n();
  const statusLabel = useReportStatusLabel();
  const d = figuresOf(report).district;
  if (!d) return null;
  const reported = d.reported_totals;
  return (
    <section aria-labelledby="district-title" style={{ marginBottom: 16 }}>
      <Typography.Title level={3} id="district-title" style={{ fontSize: 18 }}>
        {t('rpDistrictAggregate')}
      </Typography.Title>
      <p data-testid="accepted-count">
        {t('rpAcceptedOf')}: <strong>{num(d.accepted_reports, 0)}</strong> / {num(d.units_expected, 0)}
      </p>
      <BucketTable figures={reported} caption={t('rpFigFromAccepted')} testPrefix="reported" />

      <Typography.Title level={4} style={{ fontSize: 16, marginTop: 16 }} id="not-reported-title">
        {t('rpNotReported')} ({d.not_reported.length})
      </Typography.Title>
      {d.not_reported.length === 0 ? (
        <Alert type="success" showIcon title={t('rpAllReported')} />
      ) : (
        <ul aria-labelledby="not-reported-title" data-testid="not-reported" className="rp-not-reported" style={{ columnWidth: 300, columnGap: 24, listStyle: 'none', padding: '8px 12px', margin: 0, background: '#fff', border: '1px solid #e5e7eb', borderRadius: 8 }}>
          {d.not_reported.map((u) => (
            <li key={u.unit_id} style={{ breakInside: 'avoid', padding: '3px 0' }}>
              {u.name ?? u.code ?? `#${u.unit_id}`}{' '}
              <span style={{ color: 'rgba(0,0,0,0.72)', fontSize: 13 }}>({statusLabel(u.report_status)})</span>
            </li>
          ))}
        </ul>
      )}

      <Collapse
        style={{ marginTop: 16, background: '#fff' }}
        items={[
          {
            key: 'units',
            label: `${t('rpUnitsTable')} (${d.units.length})`,
            children: (
            <ScrollRegion label={t('rpUnitsTable')}>
              <Table<UnitRow>
                size="small"
                rowKey="unit_id"
                pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
                dataSource={d.units}
                locale={{ emptyText: t('empty') }}
                columns={[
                  {
                    title: t('unit'),
                    key: 'unit',
                    render: (_, u) =>
                      u.report_id ? (
                        <Link to={`/reports/${u.report_id}`}>{u.name ?? u.code}</Link>
                      ) : (
                        <span>{u.name ?? u.code}</span>
                      ),
                  },
                  {
                    title: t('status'),
                    key: 'status',
                    render: (_, u) => (u.report_status ? <ReportStatusTag status={u.report_status} late={u.is_late} /> : <Tag>{t('rpNoReport')}</Tag>),
                  },
                  { title: t('submittedAt'), dataIndex: 'submitted_at', render: (v: string | null) => date(v) },
                  {
                    title: t('rpReportedTotal'),
                    key: 'reported',
                    align: 'right',
                    render: (_, u) => (u.reported ? num(u.reported.total, 0) : '—'),
                  },
                  {
                    title: t('rpReportedDone'),
                    key: 'done',
                    align: 'right',
                    render: (_, u) => (u.reported ? num(u.reported.buckets.done_on_time + u.reported.buckets.done_late, 0) : '—'),
                  },
                  {
                    title: t('rpLiveTotal'),
                    key: 'live',
                    align: 'right',
                    render: (_, u) => num(u.live.total, 0),
                  },
                  {
                    title: t('rpLiveOverdue'),
                    key: 'overdue',
                    align: 'right',
                    render: (_, u) => num(u.live.buckets.overdue, 0),
                  },
                ]}
              />
            </ScrollRegion>
            ),
          },
        ]}
      />
    </section>
  );
}
