import { Alert, Button, Card, Col, Modal, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import {
  frameworksListOptions,
  plansListOptions,
  scoringResultsPointsAtRiskAssignmentsOptions,
  scoringResultsPointsAtRiskOptions,
} from '../../client/@tanstack/react-query.gen';
import type { PointsAtRisk, RiskAssignment, RiskFigures, RiskNode, ScoringResultsPointsAtRiskAssignmentsData } from '../../client/types.gen';
import { BucketTag, Guard } from '../../components/common';
import { useI18n, type Key } from '../../i18n';
import { pts } from './model';

const CLASSES: { key: 'secured' | 'at_risk' | 'in_progress' | 'not_covered'; label: Key; color: string }[] = [
  { key: 'secured', label: 'riskSecured', color: '#1d6b2f' },
  { key: 'at_risk', label: 'riskAtRisk', color: '#b3261e' },
  { key: 'in_progress', label: 'riskInProgress', color: '#0b5cab' },
  { key: 'not_covered', label: 'riskNotCovered', color: '#555555' },
];

/** One horizontal stacked bar of the four classes (labels are in the table cells next to it). */
function ClassBar({ f }: { f: RiskFigures }) {
  const max = Number(f.max) || 1;
  return (
    <div style={{ display: 'flex', height: 12, minWidth: 120, borderRadius: 3, overflow: 'hidden', background: '#eee' }} aria-hidden>
      {CLASSES.map((c) => (
        <div key={c.key} style={{ width: `${(Number(f[c.key]) / max) * 100}%`, background: c.color }} />
      ))}
    </div>
  );
}

type DrillQuery = Omit<ScoringResultsPointsAtRiskAssignmentsData['query'], 'node_id' | 'limit'>;

function Drill({ q, node, onClose }: { q: DrillQuery; node: RiskNode; onClose: () => void }) {
  const { t, date } = useI18n();
  const res = useQuery(scoringResultsPointsAtRiskAssignmentsOptions({ query: { ...q, node_id: node.node_id, limit: 200 } }));
  const cls = (v: string) => t(CLASSES.find((c) => c.key === v)?.label ?? 'riskInProgress');
  const columns: ColumnsType<RiskAssignment> = [
    { title: t('riskTask'), dataIndex: 'task_title', render: (v: string, a) => <Link to={`/assignments/${a.assignment_id}`}>{`${a.task_label}. ${v}`}</Link> },
    { title: t('resUnit'), dataIndex: 'unit_name' },
    { title: t('riskDue'), dataIndex: 'due_date', render: (v: string | null) => date(v) },
    { title: t('resStatus'), dataIndex: 'bucket', render: (v: string) => <BucketTag value={v} /> },
    { title: t('riskEvidence'), dataIndex: 'evidence', render: (v: boolean) => t(v ? 'riskYes' : 'riskNo') },
    { title: t('riskArea'), dataIndex: 'risk', render: cls },
  ];
  return (
    <Modal open title={`${t('riskDrill')}: ${node.title}`} onCancel={onClose} footer={<Button onClick={onClose}>{t('riskClose')}</Button>} width={960}>
      <Guard loading={res.isPending} error={res.error}>
        {() => (
          <Table<RiskAssignment> rowKey="assignment_id" size="small" columns={columns} dataSource={res.data?.items ?? []} pagination={false} scroll={{ x: 'max-content' }} />
        )}
      </Guard>
    </Modal>
  );
}

/** Đầu trang tổng quan của lãnh đạo: chỉ số dự kiến, điểm chắc chắn / có nguy cơ / chưa có nhiệm vụ theo lĩnh vực. */
export default function RiskIndex({ unitId, planId }: { unitId?: string; planId?: string }) {
  const { t, lang, date } = useI18n();
  const [drill, setDrill] = useState<RiskNode | null>(null);
  // undefined: the API's default (the most linked framework whose criteria have known max points)
  const [frameworkId, setFrameworkId] = useState<number | undefined>(undefined);
  const unit = unitId ? { unit_id: Number(unitId) } : {};
  const res = useQuery(scoringResultsPointsAtRiskOptions({ query: { ...unit, ...(frameworkId ? { framework_id: frameworkId } : {}) } }));
  // Frameworks linked to the plans' tasks (a failure here only hides the choice).
  const plans = useQuery(plansListOptions({ query: { limit: 200 } }));
  const frameworks = useQuery(frameworksListOptions({ query: { limit: 200 } }));
  // The last figures loaded keep the choice on screen while another framework loads or fails.
  const [shown, setShown] = useState<PointsAtRisk | null>(null);
  if (res.data && res.data !== shown) setShown(res.data);
  const frameworkOptions = (year: number, current: PointsAtRisk) => {
    const ids = new Set<number>([current.framework_id]);
    for (const p of plans.data?.items ?? []) {
      if (planId ? String(p.id) === planId : p.year === year) p.framework_ids.forEach((f) => ids.add(f));
    }
    const byId = new Map((frameworks.data?.items ?? []).map((f) => [f.id, f]));
    return [...ids]
      .filter((id) => id === current.framework_id || byId.has(id))
      .map((id) => ({ value: id, label: id === current.framework_id ? current.framework_name : (byId.get(id)?.name ?? String(id)) }));
  };
  return (
    <Card size="small" title={t('riskTitle')} style={{ marginBottom: 16 }}>
      {shown && (
        <Space wrap style={{ marginBottom: 8 }}>
          <label htmlFor="risk-framework">{t('riskFramework')}</label>
          <Select
            id="risk-framework"
            data-testid="risk-framework"
            style={{ minWidth: 280, maxWidth: '100%' }}
            value={frameworkId ?? shown.framework_id}
            onChange={(v: number) => setFrameworkId(v)}
            options={frameworkOptions(Number(shown.as_of.slice(0, 4)), shown)}
            popupMatchSelectWidth={false}
          />
        </Space>
      )}
      <Guard loading={res.isPending} error={res.error}>
        {() => {
          if (!res.data) return null;
          const r = res.data;
          const dq: DrillQuery = { framework_id: r.framework_id, as_of: r.as_of, ...unit };
          const v = (x: string) => pts(x, lang);
          const columns: ColumnsType<RiskNode> = [
            { title: t('riskArea'), dataIndex: 'title', render: (s: string) => <span style={{ whiteSpace: 'normal' }}>{s}</span> },
            ...CLASSES.map((c) => ({
              title: t(c.label),
              key: c.key,
              align: 'right' as const,
              render: (_: unknown, n: RiskNode) => v(n.figures[c.key]),
            })),
            { title: t('resMax'), key: 'max', align: 'right' as const, render: (_: unknown, n: RiskNode) => v(n.figures.max) },
            { title: '', key: 'bar', render: (_: unknown, n: RiskNode) => <ClassBar f={n.figures} /> },
            { title: '', key: 'drill', render: (_: unknown, n: RiskNode) => <Button size="small" onClick={() => setDrill(n)}>{t('riskDrill')}</Button> },
          ];
          return (
            <>
              <Typography.Paragraph style={{ marginBottom: 8 }}>
                {t('riskAsOf')} {date(r.as_of)} · {t('riskUnits')}: {r.units_count}
              </Typography.Paragraph>
              {r.measure === 'criteria' && <Alert type="warning" showIcon title={t('riskCriteria')} style={{ marginBottom: 8 }} />}
              <Row gutter={[16, 8]} style={{ marginBottom: 8 }}>
                <Col xs={12} md={6}>
                  <Statistic title={t('riskNow')} value={pts(r.total.projected_now, lang)} suffix="%" />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title={t('riskIfDone')} value={pts(r.total.projected_if_done, lang)} suffix="%" />
                </Col>
                {CLASSES.slice(0, 2).map((c) => (
                  <Col xs={12} md={6} key={c.key}>
                    <Statistic title={t(c.label)} value={v(r.total[c.key])} suffix={`/ ${v(r.total.max)}`} />
                  </Col>
                ))}
              </Row>
              <Table<RiskNode> rowKey="node_id" size="small" columns={columns} dataSource={r.areas} pagination={false} scroll={{ x: 'max-content' }} />
              {drill && <Drill q={dq} node={drill} onClose={() => setDrill(null)} />}
            </>
          );
        }}
      </Guard>
    </Card>
  );
}
