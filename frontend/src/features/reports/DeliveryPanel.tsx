import { Alert, App, Button, Empty, Table, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { portalGetOptions, portalGetQueryKey, portalListOptions, portalListQueryKey } from '../../client/@tanstack/react-query.gen';
import { portalRetry } from '../../client/sdk.gen';
import type { DeliveryAttemptRead, PortalDeliveryRead, ReportStatus } from '../../client/types.gen';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Guard, ProblemAlert } from '../../components/common';
import { DeliveryStatusTag } from './ReportTags';
import ScrollRegion from './ScrollRegion';

function AttemptLog({ deliveryId }: { deliveryId: number }) {
  const { t, dateTime, num } = useI18n();
  const load = useQuery(portalGetOptions({ path: { delivery_id: deliveryId } }));
  return (
    <Guard loading={load.isPending} error={load.error}>
      {() => (
        <ScrollRegion label={t('rpAttemptLog')}>
          <Table<DeliveryAttemptRead>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={load.data?.attempt_log ?? []}
            locale={{ emptyText: t('rpNoAttempts') }}
            title={() => t('rpAttemptLog')}
            columns={[
              { title: t('when'), dataIndex: 'at', render: (v: string) => dateTime(v) },
              { title: t('rpHttpStatus'), dataIndex: 'status_code', render: (v: number | null) => v ?? '—' },
              { title: t('rpError'), dataIndex: 'error', render: (v: string | null) => <div className="user-text" style={{ maxWidth: 360 }}>{v ?? ''}</div> },
              { title: t('rpDuration'), dataIndex: 'duration_ms', render: (v: number | null) => (v == null ? '' : `${num(v, 0)} ms`) },
            ]}
          />
        </ScrollRegion>
      )}
    </Guard>
  );
}

/**
 * Gửi cổng tỉnh: the outbox rows of an approved district report (api/portal), their attempts, and "send now / send
 * again" for whoever holds portal:manage (pending → due now; failed → pending with a fresh attempt budget).
 */
export default function DeliveryPanel({ reportId, reportStatus }: { reportId: number; reportStatus: ReportStatus }) {
  const { t, dateTime, num } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const list = useQuery(portalListOptions({ query: { report_id: reportId, limit: 50 } }));
  const qc = useQueryClient();
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** The outbox rows and their attempt logs, as the server now holds them. */
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: portalListQueryKey() });
    for (const d of list.data?.items ?? []) void qc.invalidateQueries({ queryKey: portalGetQueryKey({ path: { delivery_id: d.id } }) });
  };

  const retry = async (d: PortalDeliveryRead) => {
    setBusy(d.id);
    setError(null);
    try {
      await portalRetry({ path: { delivery_id: d.id }, throwOnError: true });
      message.success(t('rpRetryQueued'));
      refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="delivery-title" style={{ marginBottom: 16 }}>
      <Typography.Title level={3} id="delivery-title" style={{ fontSize: 18 }}>
        {t('rpDelivery')}
      </Typography.Title>
      <p style={{ color: 'rgba(0,0,0,0.72)', marginTop: 0 }}>{t('rpDeliveryHelp')}</p>
      <ProblemAlert error={error} />
      <div style={{ marginBottom: 8 }}>
        <Button size="small" onClick={refresh}>
          {t('rpRefresh')}
        </Button>
      </div>
      <Guard loading={list.isPending} error={list.error}>
        {() => {
          const items = list.data?.items ?? [];
          if (!items.length)
            return <Empty description={reportStatus === 'approved' ? t('rpNoDelivery') : t('rpDeliveryAfterApproval')} />;
          // Without a configured provincial portal nothing is sent: say so, not "Chờ gửi" with a next attempt in the past.
          const waiting = (d: PortalDeliveryRead) => d.status === 'pending' || d.status === 'sending';
          const stuck = (d: PortalDeliveryRead) => !d.portal_configured && waiting(d);
          return (
            <>
            {items.some(stuck) && (
              <Alert type="warning" showIcon data-testid="portal-not-configured" title={t('rpPortalNotConfigured')} description={t('rpPortalNotConfiguredHelp')} style={{ marginBottom: 8 }} />
            )}
            <ScrollRegion label={t('rpDelivery')}>
              <Table<PortalDeliveryRead>
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={items}
                expandable={{
                  expandedRowRender: (d) => <AttemptLog deliveryId={d.id} />,
                  rowExpandable: () => true,
                }}
                columns={[
                  { title: '#', dataIndex: 'id' },
                  {
                    title: t('status'),
                    dataIndex: 'status',
                    render: (_, d) =>
                      stuck(d) ? (
                        <Tag color="#8a4b00" data-testid="delivery-status">
                          {t('rpDlNotSent')}
                        </Tag>
                      ) : (
                        <DeliveryStatusTag status={d.status} />
                      ),
                  },
                  { title: t('rpAttempts'), dataIndex: 'attempts', align: 'right', render: (v: number) => <span data-testid="delivery-attempts">{num(v, 0)}</span> },
                  {
                    title: t('rpNextAttempt'),
                    dataIndex: 'next_attempt_at',
                    render: (v: string, d) => (waiting(d) && !stuck(d) ? dateTime(v) : '—'),
                  },
                  { title: t('rpLastError'), dataIndex: 'last_error', render: (v: string | null) => <div className="user-text" style={{ maxWidth: 320 }}>{v ?? ''}</div> },
                  { title: t('rpDeliveredAt'), dataIndex: 'delivered_at', render: (v: string | null) => dateTime(v) },
                  { title: t('rpRemoteRef'), dataIndex: 'remote_reference', render: (v: string | null) => v ?? '' },
                  { title: t('rpAdapter'), dataIndex: 'adapter' },
                  {
                    title: t('action'),
                    key: 'act',
                    render: (_, d) =>
                      can('portal:manage') && d.portal_configured && (d.status === 'pending' || d.status === 'failed') ? (
                        <Button size="small" type={d.status === 'failed' ? 'primary' : 'default'} loading={busy === d.id} onClick={() => retry(d)}>
                          {d.status === 'failed' ? t('rpRetry') : t('rpSendNow')}
                        </Button>
                      ) : null,
                  },
                ]}
              />
            </ScrollRegion>
            </>
          );
        }}
      </Guard>
    </section>
  );
}
