import { Timeline } from 'antd';
import { apiGet } from '../../api/http';
import type { HistoryEvent } from '../../api/types';
import type { OrgUnitRead } from '../../client/types.gen';
import { useLoad } from '../../components/common';
import { useI18n, type I18n, type Key } from '../../i18n';
import { changeRows, formatValue } from '../../pages/admin/lib';

const FIELD_KEYS: Record<string, Key> = {
  task: 'stt',
  label: 'stt',
  title: 'plTitle',
  product: 'product',
  due_date: 'due',
  deadline_kind: 'plDeadlineKind',
  period_code: 'plPeriod',
  period_year: 'plYear',
  recurrence: 'plRecurrence',
  deadline_text: 'due',
  lead_unit_id: 'lead',
  coordinating_unit_ids: 'coord',
  node_ids: 'plCriteria',
  target: 'plTarget',
  section_id: 'plSection',
  number: 'plNumber',
  symbol: 'plSymbol',
  issue_date: 'plIssueDate',
  signer: 'plSigner',
  signer_title: 'plSignerTitle',
  status: 'status',
  note: 'plNote',
  document_id: 'plSignedDoc',
  framework_ids: 'plFrameworks',
  year: 'plYear',
  issuing_unit_id: 'plIssuingUnit',
  assigned: 'plAssigned',
  role: 'plRole',
};
const ENUM_FIELDS = new Set(['status', 'deadline_kind', 'assigned', 'role', 'recurrence']);

function show(field: string, v: unknown, i18n: I18n, units: OrgUnitRead[]): string {
  if (v == null || v === '') return '—';
  const unit = (id: unknown) => units.find((u) => u.id === id)?.name ?? `#${String(id)}`;
  if (field === 'lead_unit_id' || field === 'issuing_unit_id') return unit(v);
  if (field === 'document_id') return i18n.t('plAttached');
  if (field === 'coordinating_unit_ids' && Array.isArray(v)) return v.map(unit).join(', ') || '—';
  if (ENUM_FIELDS.has(field) && typeof v === 'string') return i18n.label(v);
  return formatValue(v, i18n, units);
}

/** "Hạn: 30/11/2024 → 15/12/2024" lines of an event's changes, field names and values in words. */
export function ChangeList({ changes, units = [] }: { changes: Record<string, unknown>; units?: OrgUnitRead[] }) {
  const i18n = useI18n();
  const rows = changeRows(changes).filter((r) => r.field !== 'version');
  if (!rows.length) return null;
  return (
    <ul className="pl-changes">
      {rows.map((r) => (
        <li key={r.field}>
          {FIELD_KEYS[r.field] ? i18n.t(FIELD_KEYS[r.field]) : r.field}:{' '}
          {r.before != null ? `${show(r.field, r.before, i18n, units)} → ` : ''}
          {show(r.field, r.after, i18n, units)}
        </li>
      ))}
    </ul>
  );
}

/** Lịch sử of a plan for the issuing side: lập, ban hành, each sửa đổi, bổ sung with its reason, kết thúc. */
export function PlanHistory({ planId, tick, units }: { planId: number; tick: number; units: OrgUnitRead[] }) {
  const { t, label, dateTime } = useI18n();
  const list = useLoad(() => apiGet<HistoryEvent[]>(`/plans/${planId}/history`), [planId, tick]);
  if (list.loading || list.error || !list.data) return null; // units (404) read changes in their assignments
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
              {h.action !== 'create' && <ChangeList changes={h.changes} units={units} />}
            </div>
          ),
        }))}
      />
    </section>
  );
}
