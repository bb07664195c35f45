// What an event changed, in words: field names from the dictionary, dates dd/mm/yyyy, units by name, no ids.
import type { OrgUnitRead, SectionRead } from '../../client/types.gen';
import { useI18n, type I18n, type Key } from '../../i18n';
import { changeRows, formatValue } from '../admin/lib';
import { KIND_KEYS, periodLabel, RECURRENCE_KEYS } from './model';

const FIELD_KEYS: Record<string, Key> = {
  task: 'stt',
  label: 'stt',
  title: 'plContent',
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
const ENUM_FIELDS = new Set(['status', 'assigned', 'role']);

function show(field: string, v: unknown, i18n: I18n, units: OrgUnitRead[], sections: SectionRead[]): string {
  if (v == null || v === '') return '—';
  const unit = (id: unknown) => units.find((u) => u.id === id)?.name ?? i18n.t('plOtherUnit');
  if (field === 'section_id') {
    const sec = sections.find((x) => x.id === v);
    return sec ? `${sec.label}. ${sec.title}` : i18n.t('plOtherSection');
  }
  if (field === 'deadline_kind' && typeof v === 'string' && KIND_KEYS[v]) return i18n.t(KIND_KEYS[v]);
  if (field === 'recurrence' && typeof v === 'string' && RECURRENCE_KEYS[v]) return i18n.t(RECURRENCE_KEYS[v]);
  if (field === 'period_code' && typeof v === 'string') return periodLabel(v, i18n.t);
  if (field === 'node_ids' && Array.isArray(v)) return `${v.length} ${i18n.t('plCriteriaCount')}`;
  if (field === 'lead_unit_id' || field === 'issuing_unit_id') return unit(v);
  if (field === 'document_id') return i18n.t('plAttached');
  if (field === 'coordinating_unit_ids' && Array.isArray(v)) return v.map(unit).join(', ') || '—';
  if (ENUM_FIELDS.has(field) && typeof v === 'string') return i18n.label(v);
  return formatValue(v, i18n, units);
}

/** "Hạn: 30/11/2024 → 15/12/2024" lines of an event's changes, field names and values in words. */
export function ChangeList({ changes, units = [], sections = [] }: { changes: Record<string, unknown>; units?: OrgUnitRead[]; sections?: SectionRead[] }) {
  const i18n = useI18n();
  const rows = changeRows(changes).filter((r) => r.field !== 'version');
  if (!rows.length) return null;
  return (
    <ul className="pl-changes">
      {rows.map((r) => (
        <li key={r.field}>
          {FIELD_KEYS[r.field] ? i18n.t(FIELD_KEYS[r.field]) : r.field}:{' '}
          {r.before != null ? `${show(r.field, r.before, i18n, units, sections)} → ` : ''}
          {show(r.field, r.after, i18n, units, sections)}
        </li>
      ))}
    </ul>
  );
}
