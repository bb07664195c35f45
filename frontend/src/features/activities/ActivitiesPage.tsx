import { Select, Space, Typography } from 'antd';
import { useParams, useSearchParams } from 'react-router';
import { SubNav } from '../../components/SubNav';
import { useAllOrgUnits } from '../orgUnits';
import { THIS_YEAR, yearOptions, type Filters } from './model';
import InspectionsTab from './InspectionsTab';
import OutreachTab from './OutreachTab';
import PlanTab from './PlanTab';
import SessionsTab from './SessionsTab';
import { useWords } from './words';

const TABS = ['inspections', 'plan', 'outreach', 'sessions'] as const;
export type Tab = (typeof TABS)[number];


/** Hoạt động CCHC: kiểm tra, kế hoạch kiểm tra, tuyên truyền, giải trình — each list in the caller's reach. */
export default function ActivitiesPage() {
  const { w } = useWords();
  const { tab = 'inspections' } = useParams();
  const [params, setParams] = useSearchParams();
  const year = params.get('year') ? Number(params.get('year')) : null;
  const unitId = params.get('unit_id') ? Number(params.get('unit_id')) : null;
  const units = useAllOrgUnits();
  const current: Tab = (TABS as readonly string[]).includes(tab) ? (tab as Tab) : 'inspections';
  const set = (k: string, v: number | null) => {
    const next = new URLSearchParams(params);
    if (v == null) next.delete(k);
    else next.set(k, String(v));
    setParams(next, { replace: true });
  };
  const filters: Filters = { year, unitId, units: units.data ?? [] };
  const labels: Record<Tab, string> = {
    inspections: w('tabInspections'),
    plan: w('tabPlan'),
    outreach: w('tabOutreach'),
    sessions: w('tabSessions'),
  };
  const many = (units.data ?? []).length > 1;
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {w('title')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 8 }}>
        <label htmlFor="act-year">{w('year')}</label>
        <Select
          id="act-year"
          data-testid="act-year"
          style={{ width: 140 }}
          value={year ?? (current === 'plan' ? THIS_YEAR : 0)}
          onChange={(v: number) => set('year', v || null)}
          options={[
            ...(current === 'plan' ? [] : [{ value: 0, label: w('allYears') }]),
            ...yearOptions().map((y) => ({ value: y, label: String(y) })),
          ]}
        />
        {many && current !== 'plan' && (
          <>
            <label htmlFor="act-unit">{w('unit')}</label>
            <Select
              id="act-unit"
              style={{ width: 280 }}
              showSearch={{ optionFilterProp: 'label' }}
              value={unitId ?? 0}
              onChange={(v: number) => set('unit_id', v || null)}
              options={[{ value: 0, label: w('allUnits') }, ...(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))]}
            />
          </>
        )}
      </Space>
      <SubNav
        label={w('title')}
        current={current}
        items={TABS.map((k) => ({ key: k, label: labels[k], to: { pathname: `/activities/${k}`, search: params.toString() } }))}
      />
      {current === 'inspections' && <InspectionsTab filters={filters} />}
      {current === 'plan' && <PlanTab filters={filters} />}
      {current === 'outreach' && <OutreachTab filters={filters} />}
      {current === 'sessions' && <SessionsTab filters={filters} />}
    </>
  );
}
