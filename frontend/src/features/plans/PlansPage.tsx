import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useAuth } from '../../auth';
import { frameworksListOptions, plansListOptions, plansListQueryKey } from '../../client/@tanstack/react-query.gen';
import { Guard, NotAvailable } from '../../components/common';
import { isObjectId } from '../../components/ValidId';
import { useI18n } from '../../i18n';
import { useAllOrgUnits } from '../orgUnits';
import { PlanFormModal } from './PlanFormModal';
import { PlanView } from './PlanView';

/** Kế hoạch: pick a plan (or lập kế hoạch mới), then its header, life-cycle buttons, appendix and history. */
export default function PlansPage() {
  const { id } = useParams();
  const nav = useNavigate();
  const { can } = useAuth();
  const { t, label, date } = useI18n();
  const [creating, setCreating] = useState(false);
  const qc = useQueryClient();
  const plans = useQuery(plansListOptions({ query: { limit: 200 } }));
  const units = useAllOrgUnits(can('units:read'));
  const frameworks = useQuery({ ...frameworksListOptions({ query: { limit: 200 } }), enabled: can('frameworks:read') && can('plans:manage') });
  const reloadPlans = () => void qc.invalidateQueries({ queryKey: plansListQueryKey() });
  const list = plans.data?.items ?? [];
  const planId = id ?? (list[0] ? String(list[0].id) : undefined);
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('plans')}
      </Typography.Title>
      {!isObjectId(id) ? <NotAvailable item /> : <Guard loading={plans.isPending || units.isLoading} error={plans.error}>
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
              <PlanView key={planId} planId={Number(planId)} units={units.data ?? []} frameworks={frameworks.data?.items ?? []} onChanged={reloadPlans} />
            ) : (
              <div>{t('empty')}</div>
            )}
            {creating && (
              <PlanFormModal
                mode="create"
                defaultYear={list[0]?.year}
                frameworks={frameworks.data?.items ?? []}
                onClose={() => setCreating(false)}
                onSaved={(p) => {
                  setCreating(false);
                  reloadPlans();
                  nav(`/plans/${p.id}`);
                }}
              />
            )}
          </>
        )}
      </Guard>}
    </>
  );
}
