import { Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { apiGet } from '../../api/http';
import { useAuth } from '../../auth';
import { itemsOf, type FrameworkRead, type PlanRead } from '../../api/types';
import type { OrgUnitRead } from '../../client/types.gen';
import { Guard, useLoad } from '../../components/common';
import { useI18n } from '../../i18n';
import { loadAll } from '../../pages/admin/lib';
import { PlanFormModal } from './PlanFormModal';
import { PlanView } from './PlanView';

/** Kế hoạch: pick a plan (or lập kế hoạch mới), then its header, life-cycle buttons, appendix and history. */
export default function PlansPage() {
  const { id } = useParams();
  const nav = useNavigate();
  const { can } = useAuth();
  const { t, label, date } = useI18n();
  const [creating, setCreating] = useState(false);
  const plans = useLoad(() => apiGet<unknown>('/plans?limit=200'), []);
  const units = useLoad(() => (can('units:read') ? loadAll<OrgUnitRead>('/org-units') : Promise.resolve([])), []);
  const frameworks = useLoad(
    () => (can('frameworks:read') && can('plans:manage') ? apiGet<unknown>('/frameworks?limit=200').then((x) => itemsOf<FrameworkRead>(x)) : Promise.resolve([])),
    [],
  );
  const list = itemsOf<PlanRead>(plans.data);
  const planId = id ?? (list[0] ? String(list[0].id) : undefined);
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('plans')}
      </Typography.Title>
      <Guard loading={plans.loading || units.loading} error={plans.error}>
        {() => (
          <>
            <Space wrap style={{ width: '100%', marginBottom: 12 }}>
              <Select
                aria-label={t('plans')}
                style={{ width: 640, maxWidth: '100%' }}
                value={planId ? Number(planId) : undefined}
                onChange={(v) => nav(`/plans/${v}`)}
                options={list.map((p) => ({
                  value: p.id,
                  label: `${p.display_number} (${p.year}) — ${p.title} · ${label(p.status)}${p.issue_date ? ` · ${date(p.issue_date)}` : ''}`,
                }))}
                notFoundContent={t('empty')}
              />
              {can('plans:manage') && (
                <Button type="primary" onClick={() => setCreating(true)}>
                  {t('plNew')}
                </Button>
              )}
            </Space>
            {planId && /^\d+$/.test(planId) ? (
              <PlanView key={planId} planId={Number(planId)} units={units.data ?? []} frameworks={frameworks.data ?? []} onChanged={plans.reload} />
            ) : (
              <div>{t('empty')}</div>
            )}
            {creating && (
              <PlanFormModal
                mode="create"
                defaultYear={list[0]?.year}
                frameworks={frameworks.data ?? []}
                onClose={() => setCreating(false)}
                onSaved={(p) => {
                  setCreating(false);
                  plans.reload();
                  nav(`/plans/${p.id}`);
                }}
              />
            )}
          </>
        )}
      </Guard>
    </>
  );
}
