import { Alert, Card, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { Link, useParams } from 'react-router';
import { apiGet } from '../../api/http';
import type { BandRead, RoundResults, UnitResult } from '../../client/types.gen';
import { Guard, useLoad } from '../../components/common';
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

/** Kết quả và xếp hạng của một đợt: rank, unit, points, %, band, lĩnh vực columns, units not submitted last. */
export default function ResultsRound() {
  const { id } = useParams();
  const { t, lang } = useI18n();
  const res = useLoad(() => apiGet<RoundResults>(`/assessment-rounds/${id}/results`), [id]);
  return (
    <Guard loading={res.loading} error={res.error} item>
      {() => {
        const r = res.data as RoundResults;
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
              pagination={{ pageSize: 100, hideOnSinglePage: true }}
              scroll={{ x: 'max-content' }}
            />
          </>
        );
      }}
    </Guard>
  );
}
