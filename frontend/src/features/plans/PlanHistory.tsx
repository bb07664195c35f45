import { useQuery } from '@tanstack/react-query';
import { Timeline } from 'antd';
import { plansHistoryOptions } from '../../client/@tanstack/react-query.gen';
import type { OrgUnitRead, SectionRead } from '../../client/types.gen';
import { useI18n } from '../../i18n';
import { ChangeList } from './ChangeList';

/** Lịch sử of a plan for the issuing side: lập, ban hành, each sửa đổi, bổ sung with its reason, kết thúc. */
export function PlanHistory({ planId, units, sections }: { planId: number; units: OrgUnitRead[]; sections: SectionRead[] }) {
  const { t, label, dateTime } = useI18n();
  const list = useQuery(plansHistoryOptions({ path: { plan_id: planId } }));
  if (list.isPending || list.error || !list.data) return null; // units (404) read changes in their assignments
  return (
    <section aria-labelledby="pl-history" style={{ marginTop: 24 }}>
      <h2 id="pl-history" style={{ fontSize: 18 }}>
        {t('plHistory')}
      </h2>
      <Timeline
        data-testid="plan-history"
        items={list.data.map((h) => ({
          key: h.id,
          content: (
            <div>
              {dateTime(h.at)} — <strong>{h.actor_name ?? ''}</strong> {label(h.action)}
              {h.note ? (
                <div>
                  {t('plReason')}: {h.note}
                </div>
              ) : null}
              {h.action !== 'create' && <ChangeList changes={h.changes} units={units} sections={sections} />}
            </div>
          ),
        }))}
      />
    </section>
  );
}
