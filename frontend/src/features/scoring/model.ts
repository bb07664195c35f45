// Index scoring (chấm điểm chỉ số): API calls of the workflow, exact points on screen, status labels.
import { ApiError } from '../../api/http';
import {
  assessmentSheetsAcceptMany,
  assessmentSheetsAppraiseNode,
  assessmentSheetsApprove,
  assessmentSheetsFinishAppraisal,
  assessmentSheetsReopen,
  assessmentSheetsReturn,
  assessmentSheetsScore,
  assessmentSheetsSubmit,
} from '../../client/sdk.gen';
import type { AppraisalWrite, ReopenSheet, ReturnSheet, ScoreWrite, SheetDetail } from '../../client/types.gen';
import { etagged, type Tagged } from '../etag';
import type { Key, Lang } from '../../i18n';

export type Sheet = SheetDetail;
export type SheetNodeT = SheetDetail['nodes'][number];

/** Exact decimal string from the API ("0.75") → "0,75" in Vietnamese; never parsed into a float. */
export function pts(v: string | null | undefined, lang: Lang): string {
  if (v == null || v === '') return '–';
  return lang === 'vi' ? v.replace('.', ',') : v;
}

/** What the user typed ("0,5", "97,9") → the API's decimal text ("0.5"); null when empty. */
export function decimalText(v: string): string | null {
  const s = v.trim().replace(/\s/g, '').replace(',', '.');
  return s === '' ? null : s;
}

export const STATUS_KEYS: Record<string, Key> = {
  not_started: 'scStNotStarted',
  in_progress: 'scStInProgress',
  returned: 'scStReturned',
  submitted: 'scStSubmitted',
  under_appraisal: 'scStUnderAppraisal',
  appraised: 'scStAppraised',
  approved: 'scStApproved',
  published: 'scStPublished',
  open: 'scRoundOpen',
};

export const STATUS_COLORS: Record<string, string> = {
  // dark fills with white text (contrast)
  not_started: '#555555',
  in_progress: '#0b5cab',
  returned: '#9c3a12',
  submitted: '#5b2d90',
  under_appraisal: '#7a5a00',
  appraised: '#1d5f73',
  approved: '#1d6b2f',
  published: '#1d6b2f',
  open: '#0b5cab',
};

export const APPRAISAL_KEYS: Record<string, Key> = {
  pending: 'scApPending',
  accepted: 'scApAccepted',
  adjusted: 'scApAdjusted',
  returned: 'scApReturned',
};

/** One step of a sheet's work: a transition, a score or an appraisal of one criterion. */
export type SheetStep =
  | { kind: 'submit' | 'acceptAll' | 'finishAppraisal' | 'approve' }
  | { kind: 'return'; body: ReturnSheet }
  | { kind: 'reopen'; body: ReopenSheet }
  | { kind: 'score'; nodeId: number; body: ScoreWrite }
  | { kind: 'appraise'; nodeId: number; body: AppraisalWrite };

/** A step with If-Match on the sheet's ETag (every score, appraisal and transition names it); the sheet and its new
 * ETag come back. */
export function sheetStep(id: number, step: SheetStep, etag: string | null): Promise<Tagged<Sheet>> {
  const o = { path: { sheet_id: id }, headers: etag ? { 'If-Match': etag } : {}, throwOnError: true as const };
  const node = (nodeId: number) => ({ ...o, path: { sheet_id: id, node_id: nodeId } });
  switch (step.kind) {
    case 'submit':
      return etagged(assessmentSheetsSubmit(o));
    case 'acceptAll':
      return etagged(assessmentSheetsAcceptMany({ ...o, body: {} }));
    case 'finishAppraisal':
      return etagged(assessmentSheetsFinishAppraisal(o));
    case 'approve':
      return etagged(assessmentSheetsApprove(o));
    case 'return':
      return etagged(assessmentSheetsReturn({ ...o, body: step.body }));
    case 'reopen':
      return etagged(assessmentSheetsReopen({ ...o, body: step.body }));
    case 'score':
      return etagged(assessmentSheetsScore({ ...node(step.nodeId), body: step.body }));
    case 'appraise':
      return etagged(assessmentSheetsAppraiseNode({ ...node(step.nodeId), body: step.body }));
  }
}

/** Field errors of a 422 keyed by field ("measured_value", "comment", …). */
export function fieldErrors(e: unknown, lang: Lang): Record<string, string> {
  const out: Record<string, string> = {};
  if (e instanceof ApiError && e.status === 422) {
    for (const f of e.problem.errors ?? []) {
      if (f.field) out[f.field.split('.')[0]] = (lang === 'en' && f.message_en) || f.message;
    }
  }
  return out;
}
