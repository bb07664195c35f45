import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { assessmentRoundsListOptions, assessmentRoundsListQueryKey, assessmentSheetsListOptions, assessmentSheetsListQueryKey } from '../../client/@tanstack/react-query.gen';
import type { RoundRead, SheetRead } from '../../client/types.gen';
import { Guard, NotAvailable } from '../../components/common';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { pts } from './model';
import CreateRoundModal from './CreateRoundModal';
import { SheetStatusTag } from './StatusTag';

/** Đợt đánh giá and the sheets the caller reads (its own unit's, or every unit it appraises or leads). */
export default function Rounds() {
  const { t, date, lang } = useI18n();
  const { can } = useAuth();
  const [roundId, setRoundId] = useState<number | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const qc = useQueryClient();
  const rounds = useQuery(assessmentRoundsListOptions({ query: { limit: 200 } }));
  const sheets = useQuery(assessmentSheetsListOptions({ query: { limit: 500, ...(roundId ? { round_id: roundId } : {}) } }));
  if (!can('assessments:read')) return <NotAvailable />;
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t('scTitle')}
      </Typography.Title>
      {creating && (
        <CreateRoundModal
          onClose={() => setCreating(false)}
          onCreated={(r) => {
            setCreating(false);
            // a new round opens its sheets: both lists change
            void qc.invalidateQueries({ queryKey: assessmentRoundsListQueryKey() });
            void qc.invalidateQueries({ queryKey: assessmentSheetsListQueryKey() });
            setRoundId(r.id);
          }}
        />
      )}
      <Card
        title={t('scRounds')}
        size="small"
        style={{ marginBottom: 16 }}
        extra={
          can('assessments:manage') ? (
            <Button type="primary" onClick={() => setCreating(true)}>
              {t('scCreateRound')}
            </Button>
          ) : null
        }
      >
        <Guard loading={rounds.isPending} error={rounds.error}>
          {() => (
            <Table<RoundRead>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={rounds.data?.items ?? []}
              locale={{ emptyText: t('scNoRounds') }}
              columns={[
                { title: t('scRound'), dataIndex: 'name', render: (v: string, r) => <a onClick={() => setRoundId(r.id)}>{v}</a> },
                { title: t('scYear'), dataIndex: 'year' },
                { title: t('frameworks'), dataIndex: 'framework_name' },
                { title: t('scOwner'), dataIndex: 'owner_unit_name' },
                { title: t('scSelfWindow'), render: (_: unknown, r) => `${date(r.self_start_date)} – ${date(r.self_end_date)}` },
                { title: t('scAppraisalWindow'), render: (_: unknown, r) => `${date(r.appraisal_start_date)} – ${date(r.appraisal_end_date)}` },
                { title: t('scStatus'), dataIndex: 'status', render: (v: string) => <SheetStatusTag status={v} /> },
                { title: t('resTitle'), key: 'results', render: (_: unknown, r) => <Link to={`/scoring/rounds/${r.id}/results`}>{t('resOpen')}</Link> },
              ]}
            />
          )}
        </Guard>
      </Card>
      <Card
        title={t('scSheets')}
        size="small"
        extra={
          <Space>
            <label htmlFor="sc-round-filter">{t('scRound')}</label>
            <Select
              id="sc-round-filter"
              allowClear
              style={{ minWidth: 240 }}
              placeholder={t('scAllRounds')}
              value={roundId}
              onChange={(v) => setRoundId(v)}
              options={(rounds.data?.items ?? []).map((r) => ({ value: r.id, label: `${r.name} (${r.year})` }))}
            />
          </Space>
        }
      >
        <Guard loading={sheets.isPending} error={sheets.error}>
          {() => (
            <Table<SheetRead>
              rowKey="id"
              size="small"
              dataSource={sheets.data?.items ?? []}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              locale={{ emptyText: t('scNoSheets') }}
              columns={[
                { title: t('units'), dataIndex: 'unit_name', render: (v: string, s) => <Link to={`/scoring/sheets/${s.id}`}>{v}</Link> },
                { title: t('scRound'), render: (_: unknown, s) => `${s.round_name ?? ''} (${s.year ?? ''})` },
                { title: t('scStatus'), dataIndex: 'status', render: (v: string) => <SheetStatusTag status={v} /> },
                {
                  title: t('scScoredCount'),
                  dataIndex: 'scored',
                  align: 'right',
                  render: (v: number | null, s) => (s.scorable ? `${v ?? 0}/${s.scorable}` : (v ?? 0)),
                },
                { title: t('scSelfPoints'), dataIndex: 'self_total', align: 'right', render: (v: string | null) => pts(v, lang) },
                { title: t('scAppraisedPoints'), dataIndex: 'appraised_total', align: 'right', render: (v: string | null) => pts(v, lang) },
                { title: t('scSubmittedAt'), dataIndex: 'submitted_at', render: (v: string | null) => date(v) },
                {
                  title: t('resSheetTitle'),
                  key: 'results',
                  render: (_: unknown, s) => (s.status === 'not_started' ? null : <Link to={`/scoring/sheets/${s.id}/results`}>{t('resOpen')}</Link>),
                },
              ]}
            />
          )}
        </Guard>
      </Card>
    </>
  );
}
