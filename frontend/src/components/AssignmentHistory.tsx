import { Timeline } from 'antd';
import { apiGet } from '../api/http';
import { itemsOf, type HistoryEvent } from '../api/types';
import { useI18n } from '../i18n';
import { Guard, useLoad } from './common';
import { ChangeList } from '../features/plans/ChangeList';

/** Lịch sử of one assignment (who did what, when, with the note); ``tick`` reloads it after an action. */
export default function AssignmentHistory({ id, tick = 0, headingId }: { id: number | string; tick?: number; headingId: string }) {
  const { t, label, dateTime } = useI18n();
  const list = useLoad(() => apiGet<unknown>(`/assignments/${id}/history`), [id, tick]);
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t('history')}</h3>
      <Guard loading={list.loading} error={list.error}>
        {() => (
          <Timeline
            items={itemsOf<HistoryEvent>(list.data).map((h) => ({
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
