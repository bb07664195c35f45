import { useQuery } from '@tanstack/react-query';
import { Timeline } from 'antd';
import { assignmentsHistoryOptions } from '../../client/@tanstack/react-query.gen';
import { useI18n } from '../../i18n';
import { Guard } from '../../components/common';
import { ChangeList } from '../plans/ChangeList';

/** Lịch sử of one assignment (who did what, when, with the note); an action invalidates assignmentsHistory. */
export default function AssignmentHistory({ id, headingId }: { id: number | string; headingId: string }) {
  const { t, label, dateTime } = useI18n();
  const list = useQuery(assignmentsHistoryOptions({ path: { assignment_id: Number(id) } }));
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t('history')}</h3>
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <Timeline
            items={(list.data ?? []).map((h) => ({
              key: h.id,
              content: (
                <>
                  <span>
                    {dateTime(h.at)} — <strong>{h.actor_name ?? ''}</strong> {label(h.action)}
                    {h.note ? `: ${h.note}` : ''}
                  </span>
                  {h.action === 'plan_amended' && <ChangeList changes={h.changes} />}
                </>
              ),
            }))}
          />
        )}
      </Guard>
    </section>
  );
}
