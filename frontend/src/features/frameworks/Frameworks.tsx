import { useQuery } from '@tanstack/react-query';
import { Descriptions, Empty, Select, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { FrameworkNodeRead } from '../../api/types';
import { frameworksListOptions, frameworksNodeOptions, frameworksTreeOptions } from '../../client/@tanstack/react-query.gen';
import { Guard, NotAvailable } from '../../components/common';
import { isObjectId } from '../../components/ValidId';
import { useI18n } from '../../i18n';

export default function Frameworks() {
  const { id } = useParams();
  const nav = useNavigate();
  const { t, label } = useI18n();
  const fw = useQuery(frameworksListOptions({ query: { limit: 200 } }));
  const list = fw.data?.items ?? [];
  const fid = id ?? (list[0] ? String(list[0].id) : undefined);
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('frameworks')}
      </Typography.Title>
      {!isObjectId(id) ? <NotAvailable item /> : <Guard loading={fw.isPending} error={fw.error}>
        {() => (
          <>
            <Select
              aria-label={t('frameworks')}
              style={{ width: '100%', maxWidth: 520, marginBottom: 12 }}
              value={fid ? Number(fid) : undefined}
              onChange={(v) => nav(`/frameworks/${v}`)}
              options={list.map((f) => ({ value: f.id, label: `${f.name} (${f.valid_from_year}) · ${label(f.status)}${f.unverified_node_count ? ` · ${f.unverified_node_count} ${t('unverified')}` : ''}` }))}
            />
            {fid ? <Nodes fid={fid} /> : <Empty description={t('empty')} />}
          </>
        )}
      </Guard>}
    </>
  );
}

function Nodes({ fid }: { fid: string }) {
  const { t, num } = useI18n();
  const nodes = useQuery(frameworksTreeOptions({ path: { framework_id: Number(fid) } }));
  const [selId, setSelId] = useState<number | null>(null);
  const detail = useQuery({
    ...frameworksNodeOptions({ path: { framework_id: Number(fid), node_id: selId ?? 0 } }),
    enabled: selId != null,
  });
  return (
    <Guard loading={nodes.isPending} error={nodes.error}>
      {() => {
        const all = nodes.data?.nodes ?? [];
        const byParent = new Map<number | null, FrameworkNodeRead[]>();
        for (const n of all) {
          const p = n.parent_id ?? null;
          byParent.set(p, [...(byParent.get(p) ?? []), n]);
        }
        const title = (n: FrameworkNodeRead) => (
          <span>
            <strong>{n.code} </strong>
            {n.title}
            {n.max_points != null && <Tag style={{ marginLeft: 6 }}>{num(n.max_points, 2)} {t('points').toLowerCase()}</Tag>}
            {!n.verified && <Tag color="#8a4b00">{t('unverified')}</Tag>}
          </span>
        );
        const walk = (p: number | null): DataNode[] =>
          (byParent.get(p) ?? []).map((n) => ({ key: n.id, title: title(n), children: walk(n.id) }));
        const treeData = walk(null);
        const sel = selId != null ? detail.data : undefined;
        return (
          <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
            <div style={{ flex: '1 1 420px', background: '#fff', padding: 8 }}>
              {treeData.length ? (
                <Tree treeData={treeData} defaultExpandedKeys={treeData.map((n) => n.key)} onSelect={(k) => setSelId(k.length ? Number(k[0]) : null)} />
              ) : (
                <Empty description={t('empty')} />
              )}
            </div>
            {sel && (
              <Descriptions bordered column={1} size="small" style={{ flex: '1 1 320px', background: '#fff' }} title={`${sel.code} ${sel.title}`}>
                <Descriptions.Item label={t('points')}>{sel.max_points != null ? num(sel.max_points, 2) : ''}</Descriptions.Item>
                <Descriptions.Item label={t('status')}>{sel.verified ? '✓' : <Tag color="#8a4b00">{t('unverified')}</Tag>}</Descriptions.Item>
                <Descriptions.Item label={t('scoringRule')}>{sel.scoring_rule}</Descriptions.Item>
                <Descriptions.Item label={t('expectedEvidence')}>{sel.expected_evidence}</Descriptions.Item>
                <Descriptions.Item label={t('plans')}>
                  {sel.tasks.map((x) => (
                    <div key={x.id}>
                      <Link to={`/plans/${x.plan_id}`}>
                        {x.label} {x.title}
                      </Link>
                    </div>
                  ))}
                </Descriptions.Item>
              </Descriptions>
            )}
          </div>
        );
      }}
    </Guard>
  );
}
