import { Button, Input, Tag, Typography } from 'antd';
import { useState } from 'react';
import DraftNote from '../../components/DraftNote';
import { NARRATIVE_SECTIONS } from './model';
import { useDraft } from '../../components/useDraft';
import { useLeaveGuard } from '../../components/useLeaveGuard';
import Failure from '../activities/Failure';
import { useWords, type Key } from '../activities/words';
import { depthOf, type OutlineSection } from './outline';

const FILL: Record<string, [Key, string]> = {
  auto: ['fillAuto', '#0b5cab'],
  written: ['fillWritten', '#555555'],
  indicators: ['fillIndicators', '#1d6b2f'],
};
const CLASSIC = new Set<string>(NARRATIVE_SECTIONS);

/**
 * The report's sections in the outline's order: automatic text as the API wrote it from the period's data; written
 * sections of the outline (beyond the five classic ones, which the narrative form below edits) typed here while
 * the report is editable and saved as one PATCH of the report (`save`: If-Match handled by the page).
 */
export default function OutlinePanel({ sections, editable, save, draftId = null }: { sections: OutlineSection[]; editable: boolean; save: (narrative: Record<string, string | null>) => Promise<void>; draftId?: string | null }) {
  const { w, t } = useWords();
  // the typed sections survive a reload until saved (sessionStorage under `draftId`: per user and report)
  const draft = useDraft(editable ? draftId : null, '');
  const drafts = JSON.parse(draft.value || '{}') as Record<string, string>;
  const setDrafts = (f: (d: Record<string, string>) => Record<string, string>) => {
    const next = f(drafts);
    draft.setValue(Object.keys(next).length ? JSON.stringify(next) : '');
  };
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const dirty = Object.keys(drafts).length > 0;
  useLeaveGuard(editable && dirty, t('unsavedLeave'));
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await save(Object.fromEntries(Object.entries(drafts).map(([k, v]) => [k, v.trim() ? v : null])));
      draft.discard();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="outline-title" data-testid="outline">
      <Typography.Title level={3} id="outline-title" style={{ fontSize: 18 }}>
        {w('outline')}
      </Typography.Title>
      <p style={{ marginTop: 0 }}>{w('outlineHelp')}</p>
      <DraftNote show={draft.restored} onDiscard={draft.discard} />
      {sections.map((s) => {
        const depth = depthOf(s);
        const fill = FILL[s.fill];
        const here = s.fill === 'written' && editable && !CLASSIC.has(s.key);
        const body = s.fill === 'auto' ? (s.text || s.auto_text) : s.text;
        const H = depth === 0 ? 'h4' : 'h5';
        return (
          <div key={s.key} data-testid={`outline-${s.key}`} style={{ marginLeft: depth * 16, marginBottom: 10 }}>
            <H style={{ fontSize: depth ? 14 : 15, margin: '0 0 4px' }}>
              {`${s.number}${/^[a-zđ]$/.test(s.number) ? ')' : '.'} ${s.title}`}
              {fill && (
                <Tag color={fill[1]} style={{ marginLeft: 8 }}>
                  {w(fill[0])}
                </Tag>
              )}
            </H>
            {s.fill === 'written' && s.auto_text && <p style={{ whiteSpace: 'pre-wrap', margin: '0 0 4px' }}>{s.auto_text}</p>}
            {here ? (
              <Input.TextArea
                aria-label={s.title}
                rows={3}
                maxLength={50000}
                placeholder={s.hint ?? undefined}
                value={drafts[s.key] ?? s.text ?? ''}
                onChange={(e) => setDrafts((d) => ({ ...d, [s.key]: e.target.value }))}
              />
            ) : null}
            {here && <p className="print-only print-narrative">{drafts[s.key] ?? s.text ?? ''}</p>}
            {here ? null : (
              s.fill !== 'heading' &&
              s.fill !== 'indicators' && (
                <p style={{ whiteSpace: 'pre-wrap', margin: 0, color: body ? undefined : 'rgba(0,0,0,0.68)' }}>{body || w('notYetWritten')}</p>
              )
            )}
          </div>
        );
      })}
      <Failure error={error} />
      {editable && sections.some((s) => s.fill === 'written' && !CLASSIC.has(s.key)) && (
        <Button type="primary" loading={busy} disabled={!dirty} onClick={submit}>
          {w('save')}
        </Button>
      )}
    </section>
  );
}
