import { Card, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { scoringResultsSheetOptions } from '../../client/@tanstack/react-query.gen';
import type { NodeResult } from '../../client/types.gen';
import { Guard } from '../../components/common';
import { useI18n } from '../../i18n';
import { pts } from './model';
import { BandTag } from './ResultsRound';
import { SheetStatusTag } from './StatusTag';

/** Kết quả của một phiếu: self vs appraised vs official per node, change since last year, weakest criteria. */
export default function ResultsSheet() {
  const { id } = useParams();
  const { t, lang } = useI18n();
  const res = useQuery(scoringResultsSheetOptions({ path: { sheet_id: Number(id) } }));
  const columns: ColumnsType<NodeResult> = [
    {
      title: t('resCriterion'),
      dataIndex: 'title',
      render: (v: string, n) => <span style={{ paddingLeft: Math.max(0, n.depth) * 16, fontWeight: n.leaf ? 400 : 600 }}>{v}</span>,
    },
    { title: t('resMax'), dataIndex: 'max_points', align: 'right', render: (v: string | null) => pts(v, lang) },
    { title: t('resSelf'), dataIndex: 'self_points', align: 'right', render: (v: string | null) => pts(v, lang) },
    { title: t('resAppraised'), dataIndex: 'appraised_points', align: 'right', render: (v: string | null) => pts(v, lang) },
    { title: t('resPercent'), dataIndex: 'percent', align: 'right', render: (v: string | null) => pts(v, lang) },
    { title: t('resOfficial'), key: 'official', align: 'right', render: (_: unknown, n) => pts(n.official?.points, lang) },
    { title: t('resGap'), key: 'gap', align: 'right', render: (_: unknown, n) => pts(n.official?.gap, lang) },
    { title: t('resPrevious'), key: 'previous', align: 'right', render: (_: unknown, n) => pts(n.previous?.points, lang) },
    { title: t('resChange'), key: 'change', align: 'right', render: (_: unknown, n) => pts(n.previous?.change, lang) },
  ];
  return (
    <Guard loading={res.isPending} error={res.error} item>
      {() => {
        if (!res.data) return null;
        const r = res.data;
        return (
          <>
            <Typography.Title level={1} style={{ fontSize: 24 }}>
              {t('resSheetTitle')}: {r.unit_name}
            </Typography.Title>
            <Card size="small" style={{ marginBottom: 12 }}>
              <Space wrap>
                <span>
                  {r.round_name} · {r.framework_name}
                </span>
                <SheetStatusTag status={r.status} />
                <BandTag band={r.band} />
              </Space>
            </Card>
            <Table<NodeResult>
              rowKey={(n) => String(n.node_id ?? 'total')}
              size="small"
              columns={columns}
              dataSource={[r.total, ...r.nodes]}
              pagination={false}
              scroll={{ x: 'max-content' }}
            />
            {r.weakest.length > 0 && (
              <Card size="small" title={t('resWeakest')} style={{ marginTop: 12 }}>
                <ol style={{ margin: 0, paddingLeft: 20 }}>
                  {r.weakest.map((n) => (
                    <li key={n.node_id ?? n.code}>
                      {n.title}: {pts(n.appraised_points, lang)} / {pts(n.max_points, lang)} ({pts(n.percent, lang)} %)
                    </li>
                  ))}
                </ol>
              </Card>
            )}
          </>
        );
      }}
    </Guard>
  );
}
