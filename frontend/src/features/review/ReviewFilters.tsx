import { Button, DatePicker, Input, Select } from 'antd';
import dayjs from 'dayjs';
import { useQuery } from '@tanstack/react-query';
import {
  frameworksListOptions,
  frameworksTreeOptions,
  orgUnitsListOptions,
  plansListOptions,
  reportPeriodsListOptions,
} from '../../client/@tanstack/react-query.gen';
import { useI18n } from '../../i18n';
import { REVIEW_SORTS, REVIEW_VIEW_KEYS } from './reviewQuery';

const FORM = { display: 'flex', flexWrap: 'wrap', gap: '8px 12px', alignItems: 'flex-end', marginBottom: 12 } as const;
const FIELD = { display: 'flex', flexDirection: 'column', fontSize: 13, color: '#333', gap: 2 } as const;

const SORT_LABELS = {
  submitted_at: 'reviewSortWaitLongest',
  '-submitted_at': 'reviewSortNewest',
  due_date: 'reviewSortDue',
  unit: 'reviewSortUnit',
} as const;

/** The queue's filters, all read from and written to the URL (``set``): unit, plan, lĩnh vực / tiêu chí (a node of
 *  the chosen framework, with its descendants), reporting period, deadline bucket, submitted since, sort, search. */
export default function ReviewFilters({ params, set }: { params: URLSearchParams; set: (k: string, v: string | undefined) => void }) {
  const { t, lang } = useI18n();
  const units = useQuery(orgUnitsListOptions({ query: { limit: 500, active: true } }));
  const plans = useQuery(plansListOptions({ query: { limit: 100, status: 'issued' } }));
  const frameworks = useQuery(frameworksListOptions({ query: { limit: 100 } }));
  const periods = useQuery(reportPeriodsListOptions({ query: { limit: 100 } }));
  const fw = params.get('fw') ?? '';
  const nodes = useQuery({ ...frameworksTreeOptions({ path: { framework_id: Number(fw) } }), enabled: !!fw });
  const search = params.get('q') ?? '';
  const since = params.get('submitted_since');
  const val = (k: string) => params.get(k) ?? undefined;
  const pick = (k: string) => (v: string | number | undefined | null) => set(k, v == null || v === '' ? undefined : String(v));
  const filtered = [...params.keys()].some((k) => !REVIEW_VIEW_KEYS.includes(k));
  const common = { allowClear: true, showSearch: { optionFilterProp: 'label' }, style: { minWidth: 200 }, placeholder: t('filterAll') };

  return (
    <form
      style={FORM}
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const v = new FormData(e.currentTarget).get('q');
        set('q', typeof v === 'string' && v.trim() ? v.trim() : undefined);
      }}
    >
      <label style={FIELD}>
        <span>{t('unit')}</span>
        <Select
          {...common}
          aria-label={t('unit')}
          data-testid="rv-unit"
          value={val('unit_id')}
          onChange={pick('unit_id')}
          options={(units.data?.items ?? []).map((u) => ({ value: String(u.id), label: u.name ?? u.code ?? '' }))}
        />
      </label>
      <label style={FIELD}>
        <span>{t('plans')}</span>
        <Select
          {...common}
          aria-label={t('plans')}
          value={val('plan_id')}
          onChange={pick('plan_id')}
          options={(plans.data?.items ?? []).map((p) => ({ value: String(p.id), label: p.display_number ?? p.title ?? '' }))}
        />
      </label>
      <label style={FIELD}>
        <span>{t('reviewFramework')}</span>
        <Select
          {...common}
          aria-label={t('reviewFramework')}
          value={fw || undefined}
          onChange={pick('fw')}
          options={(frameworks.data?.items ?? []).map((f) => ({ value: String(f.id), label: f.name }))}
        />
      </label>
      <label style={FIELD}>
        <span>{t('reviewNode')}</span>
        <Select
          {...common}
          style={{ minWidth: 260 }}
          aria-label={t('reviewNode')}
          disabled={!fw}
          value={val('node_id')}
          onChange={pick('node_id')}
          options={(nodes.data?.nodes ?? []).map((n) => ({
            value: String(n.id),
            label: `${'\u00a0\u00a0'.repeat(n.depth)}${n.code} — ${lang === 'en' && n.title_en ? n.title_en : n.title}`,
          }))}
        />
      </label>
      <label style={FIELD}>
        <span>{t('reviewPeriod')}</span>
        <Select
          {...common}
          aria-label={t('reviewPeriod')}
          value={val('period_id')}
          onChange={pick('period_id')}
          options={(periods.data?.items ?? []).map((p) => ({ value: String(p.id), label: p.name }))}
        />
      </label>
      <label style={FIELD}>
        <span>{t('reviewFilterBucket')}</span>
        <Select
          {...common}
          aria-label={t('reviewFilterBucket')}
          value={val('bucket')}
          onChange={pick('bucket')}
          options={[
            { value: 'overdue', label: t('reviewBucketOverdue') },
            { value: 'awaiting_review', label: t('reviewBucketWaiting') },
          ]}
        />
      </label>
      <label style={FIELD}>
        <span>{t('reviewSubmittedSince')}</span>
        <DatePicker
          aria-label={t('reviewSubmittedSince')}
          format="DD/MM/YYYY"
          value={since ? dayjs(since) : null}
          onChange={(d) => set('submitted_since', d ? d.format('YYYY-MM-DD') : undefined)}
        />
      </label>
      <label style={FIELD}>
        <span>{t('reviewSort')}</span>
        <Select
          aria-label={t('reviewSort')}
          style={{ minWidth: 200 }}
          value={val('sort') ?? ''}
          onChange={(v: string) => set('sort', v || undefined)}
          options={[{ value: '', label: t('reviewSortDue') }, ...REVIEW_SORTS.filter((s) => s !== 'due_date').map((s) => ({ value: s, label: t(SORT_LABELS[s]) }))]}
        />
      </label>
      <label style={FIELD}>
        <span>{t('search')}</span>
        <Input type="search" name="q" defaultValue={search} key={search} maxLength={100} aria-label={t('search')} style={{ minWidth: 200 }} />
      </label>
      <Button htmlType="submit">{t('search')}</Button>
      {filtered && (
        <Button htmlType="button" onClick={() => set('*', undefined)}>
          {t('reviewClear')}
        </Button>
      )}
    </form>
  );
}
