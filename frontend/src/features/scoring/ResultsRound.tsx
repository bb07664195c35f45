import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ColumnsType } from 'antd/es/table';
import { Link, useParams, useSearchParams } from 'react-router';
import {
  assessmentRoundsGetQueryKey,
  assessmentRoundsListQueryKey,
  assessmentSheetsListQueryKey,
  scoringResultsRoundOptions,
  scoringResultsRoundQueryKey,
} from '../../client/@tanstack/react-query.gen';
import { assessmentRoundsGet, assessmentRoundsPublish } from '../../client/sdk.gen';
import type { BandRead, UnitResult } from '../../client/types.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { etagged } from '../etag';
import { useI18n } from '../../i18n';
import { Downloads } from './Downloads';
import { pts } from './model';
import { SheetStatusTag } from './StatusTag';

/** Nhóm xếp loại, with a "chưa xác minh" badge when the framework's band is not verified. */
export function BandTag({ band }: { band?: BandRead | null }) {
  const { t } = useI18n();
  if (!band) return null;
  return (
    <Space size={4} wrap>
      <span>{band.name}</span>
      {!band.verified && <Tag color="#7a5a00">{t('resUnverified')}</Tag>}
    </Space>
  );
}

const PAGE_SIZES = [50, 100, 200, 500];

/** Công bố kết quả: shown only when the API lists "publish" among the round's allowed actions; asks for the
 * decision number and says what publishing does (every sheet locked, the ranking visible to every unit). */
function PublishRound({ id }: { id: number }) {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const qc = useQueryClient();
  const path = { round_id: id };
  // the round with its ETag: publishing is an edit of the round (If-Match)
  const detail = useQuery({
    queryKey: [...assessmentRoundsGetQueryKey({ path }), 'etag'] as const,
    queryFn: ({ signal }) => etagged(assessmentRoundsGet({ path, signal, throwOnError: true })),
  });
  const [error, setError] = useState<unknown>(null);
  if (!detail.data?.data.allowed_actions.includes('publish')) return null;
  const etag = detail.data.etag ?? '';
  const open = () => {
    let ref = '';
    modal.confirm({
      title: t('scPublishTitle'),
      content: (
        <>
          <p>{t('scPublishHelp')}</p>
          <label htmlFor="sc-decision-ref">{t('scDecisionRef')}</label>
          <Input id="sc-decision-ref" maxLength={200} onChange={(e) => (ref = e.target.value)} />
        </>
      ),
      okText: t('scPublish'),
      cancelText: t('admCancel'),
      onOk: async () => {
        setError(null);
        try {
          await assessmentRoundsPublish({ path, headers: { 'If-Match': etag }, body: { decision_ref: ref.trim() || null }, throwOnError: true });
          // the round, its ranking, its sheets (all locked now) and the rounds list change
          for (const queryKey of [
            assessmentRoundsGetQueryKey({ path }),
            scoringResultsRoundQueryKey({ path }),
            assessmentSheetsListQueryKey(),
            assessmentRoundsListQueryKey(),
          ])
            void qc.invalidateQueries({ queryKey });
        } catch (e) {
          setError(e);
        }
      },
    });
  };
  return (
    <>
      <Button type="primary" onClick={open}>
        {t('scPublish')}
      </Button>
      <ProblemAlert error={error} />
    </>
  );
}

/** Kết quả và xếp hạng của một đợt: rank, unit, points, %, band, lĩnh vực columns, units not submitted last. */
export default function ResultsRound() {
  const { id } = useParams();
  const { t, lang } = useI18n();
  // the ranking is paged by the server in ranking order (a province ranks thousands of units); the page is in the URL
  const [params, setParams] = useSearchParams();
  const pageSize = PAGE_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 50;
  const current = Math.max(1, Number(params.get('page')) || 1);
  const res = useQuery(scoringResultsRoundOptions({ path: { round_id: Number(id) }, query: { limit: pageSize, offset: (current - 1) * pageSize } }));
  return (
    <Guard loading={res.isPending} error={res.error} item>
      {() => {
        if (!res.data) return null;
        const r = res.data;
        const columns: ColumnsType<UnitResult> = [
          { title: t('resRank'), dataIndex: 'rank', width: 64, render: (v: number | null) => v ?? '–' },
          {
            title: t('resUnit'),
            dataIndex: 'unit_name',
            render: (v: string, u) => <Link to={`/scoring/sheets/${u.sheet_id}/results`}>{v}</Link>,
          },
          { title: t('resSelf'), dataIndex: 'self_points', align: 'right', render: (v: string) => pts(v, lang) },
          { title: t('resAppraised'), dataIndex: 'appraised_points', align: 'right', render: (v: string) => pts(v, lang) },
          { title: t('resPercent'), dataIndex: 'percent', align: 'right', render: (v: string | null) => pts(v, lang) },
          { title: t('resBand'), dataIndex: 'band', render: (b: BandRead | null) => <BandTag band={b} /> },
          ...r.areas.map((a, i) => ({
            title: a.title,
            key: `area-${a.node_id}`,
            align: 'right' as const,
            render: (_: unknown, u: UnitResult) => pts(u.area_points[i], lang),
          })),
          {
            title: t('resStatus'),
            dataIndex: 'status',
            render: (v: string, u) => (
              <Space size={4} wrap>
                <SheetStatusTag status={v} />
                {!u.ranked && <span className="muted">{t('resNotRanked')}</span>}
              </Space>
            ),
          },
        ];
        return (
          <>
            <Typography.Title level={1} style={{ fontSize: 24 }}>
              {t('resTitle')}: {r.round_name}
            </Typography.Title>
            <Card size="small" style={{ marginBottom: 12 }}>
              <Space wrap>
                <span>{r.framework_name}</span>
                <span>· {r.year}</span>
                <span>
                  · {t('resMax')}: {pts(r.max_points, lang)}
                </span>
                {r.published && <Tag color="#1d6b2f">{t('resPublished')}</Tag>}
                {!r.published && <PublishRound id={Number(id)} />}
              </Space>
              <div style={{ marginTop: 8 }}>
                <Downloads
                  path={`/assessment-rounds/${r.round_id}/results/export`}
                  fallback={`ket-qua-xep-hang-${r.round_id}`}
                  items={[
                    { format: 'docx', label: 'resExportDocx' },
                    { format: 'xlsx', label: 'resExportXlsx' },
                  ]}
                />
              </div>
            </Card>
            {!r.complete && <Alert type="info" showIcon title={t('resPartial')} style={{ marginBottom: 12 }} />}
            <Table<UnitResult>
              rowKey="sheet_id"
              size="small"
              columns={columns}
              dataSource={r.units}
              pagination={{
                current,
                pageSize,
                total: r.total,
                pageSizeOptions: PAGE_SIZES,
                showSizeChanger: r.total > PAGE_SIZES[0],
                hideOnSinglePage: r.total <= PAGE_SIZES[0],
                showTotal: (total) => t('resUnitsTotal').replace('{n}', total.toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN')),
                onChange: (page, size) =>
                  setParams((p) => {
                    p.set('page', String(size !== pageSize ? 1 : page));
                    p.set('size', String(size));
                    return p;
                  }),
              }}
              scroll={{ x: 'max-content' }}
            />
          </>
        );
      }}
    </Guard>
  );
}
