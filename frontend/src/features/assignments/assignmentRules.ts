import type { AssignmentRead } from '../../api/types';

/** A whole number 0–100 from what was typed, or null when it is not one ("abc", "150", "-5", "12.5"). */
export function parseProgress(v: unknown): number | null {
  const s = String(v ?? '').trim();
  if (!/^\d{1,3}$/.test(s)) return null;
  const n = Number(s);
  return n >= 0 && n <= 100 ? n : null;
}

/** Submitting below 100 % or without a result needs a giải trình (the API refuses it otherwise). */
export function needsExplanation(a: Pick<AssignmentRead, 'progress' | 'result'>): boolean {
  return a.progress < 100 || !(a.result ?? '').trim();
}

type Editable = Pick<AssignmentRead, 'progress' | 'result' | 'completed_date' | 'explanation'>;
const sameText = (x: string | null | undefined, y: string | null | undefined) => (x ?? '') === (y ?? '');

/** Whether what the form would send differs from the assignment as loaded (nothing to save otherwise). */
export function bodyChanged(a: Editable, b: Editable): boolean {
  return (
    b.progress !== a.progress ||
    !sameText(b.result, a.result) ||
    !sameText(b.completed_date, a.completed_date) ||
    !sameText(b.explanation, a.explanation)
  );
}

/** Cần trình: finished (100 % and a result) but not yet submitted — the API's ``ready`` (api/assignments/work.py). */
export function isReady(a: Pick<AssignmentRead, 'status' | 'progress' | 'result'>): boolean {
  return ['not_started', 'in_progress', 'returned'].includes(a.status) && a.progress === 100 && !!(a.result ?? '').trim();
}
