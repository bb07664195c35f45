// Domain types come from the generated client (src/client, from the live OpenAPI document).
import type { AssignmentRead } from '../client/types.gen';

export type {
  Appendix,
  AssignmentRead,
  CommentRead,
  EvidenceRead,
  FrameworkNodeDetail,
  FrameworkNodeRead,
  FrameworkRead,
  FrameworkTree,
  HistoryEvent,
  PlanRead,
  Summary,
  TaskRead,
} from '../client/types.gen';

export const taskTitle = (a: Pick<AssignmentRead, 'task_title' | 'task_id'>): string => a.task_title || `#${a.task_id}`;
export const taskLabel = (a: Pick<AssignmentRead, 'task_label'>): string => a.task_label ?? '';

/** Items of a list response whether it is a page `{items,…}` or a bare array. */
export function itemsOf<T>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (v && typeof v === 'object' && Array.isArray((v as { items?: unknown }).items)) return (v as { items: T[] }).items;
  return [];
}
