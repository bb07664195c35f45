// Pure helpers of the administration screens: paged loading, per-field API errors, idempotency keys, the unit
// tree, the audit before/after, and the role / permission tables the UI needs to offer only what the API accepts.
import type { FormInstance } from 'antd';
import type { DataNode } from 'antd/es/tree';
import type React from 'react';
import { ApiError } from '../../api/http';
import type { ApiTokenRead, MeRead, OrgUnitRead, Permission, Role, UnitLevel } from '../../client/types.gen';
import { formatDate, formatDateTime, type I18n, type Key } from '../../i18n';

export function unitName(units: OrgUnitRead[] | null | undefined, id: number | null | undefined): string {
  const u = units?.find((x) => x.id === id);
  return u ? u.name : id != null ? `#${id}` : '';
}

/** A new key per create attempt; kept across retries of the same attempt so a lost response is not a double. */
export function newIdempotencyKey(prefix: string): string {
  const rnd = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${rnd}`;
}

export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.status === 412;

/**
 * Put the API's field errors next to their fields (`errors[].field` → the form item of that name) and return the
 * error, whose `detail` is still shown above the form (it says what is wrong as a whole).
 */
export function applyFieldErrors(form: FormInstance, e: unknown, lang: 'vi' | 'en', fields: string[]): unknown {
  if (!(e instanceof ApiError)) return e;
  const byField = new Map<string, string[]>();
  for (const fe of e.problem.errors ?? []) {
    const name = (fe.field ?? '').split('.')[0];
    if (!fields.includes(name)) continue;
    const msg = (lang === 'en' && fe.message_en) || fe.message;
    byField.set(name, [...(byField.get(name) ?? []), msg]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return e;
}

// --- what the caller may hand out (mirrors api/authz/permissions.py; the API has the last word) -----------

const ALL_BUT_INTEGRATION: Role[] = ['admin', 'district_admin', 'leader', 'unit_head', 'unit_officer', 'observer'];
const DISTRICT_ROLES: Role[] = ['district_admin', 'leader', 'unit_head', 'unit_officer', 'observer'];

/** Roles the caller may grant in memberships (ASSIGNABLE_ROLES). */
export function assignableRoles(me: MeRead | null): Role[] {
  const roles = new Set((me?.memberships ?? []).map((m) => m.role));
  if (roles.has('admin')) return ALL_BUT_INTEGRATION;
  if (roles.has('district_admin') || me?.kind === 'token') return DISTRICT_ROLES;
  return [];
}

const READ_BUSINESS: Permission[] = [
  'units:read',
  'frameworks:read',
  'plans:read',
  'assignments:read',
  'evidence:read',
  'reports:read',
  'dashboards:read',
];
const UNIT_HEAD: Permission[] = [
  ...READ_BUSINESS,
  'users:read',
  'assignments:edit',
  'assignments:submit',
  'comments:write',
  'evidence:upload',
  'evidence:delete',
  'reports:edit',
  'reports:submit',
];
export const ALL_PERMISSIONS: Permission[] = [
  'units:read',
  'units:manage',
  'users:read',
  'users:manage',
  'tokens:manage',
  'audit:read',
  'frameworks:read',
  'frameworks:manage',
  'plans:read',
  'plans:manage',
  'assignments:read',
  'assignments:edit',
  'assignments:submit',
  'assignments:review',
  'comments:write',
  'evidence:read',
  'evidence:upload',
  'evidence:delete',
  'evidence:restore',
  'reports:read',
  'reports:edit',
  'reports:submit',
  'reports:review',
  'reports:approve',
  'portal:manage',
  'imports:run',
  'dashboards:read',
];

/** TOKEN_CEILING ∩ what the caller holds: what a token of a unit of that level may be granted by the caller. */
export function grantablePermissions(level: string | undefined, me: MeRead | null): Permission[] {
  const ceiling = level === 'commune' ? UNIT_HEAD : ALL_PERMISSIONS.filter((p) => p !== 'reports:approve');
  const mine = new Set(me?.permissions ?? []);
  return ceiling.filter((p) => mine.has(p));
}

/** A random initial password the user is asked to change (≥ 10 characters, the API's minimum). */
export function randomPassword(length = 14): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789@#%+';
  const bytes = new Uint32Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function buildTree(units: OrgUnitRead[], label: (u: OrgUnitRead) => React.ReactNode): DataNode[] {
  const byParent = new Map<number | null, OrgUnitRead[]>();
  const ids = new Set(units.map((u) => u.id));
  for (const u of units) {
    const p = u.parent_id != null && ids.has(u.parent_id) ? u.parent_id : null;
    byParent.set(p, [...(byParent.get(p) ?? []), u]);
  }
  const walk = (p: number | null): DataNode[] =>
    (byParent.get(p) ?? []).map((u) => ({ key: u.id, title: label(u), children: walk(u.id) }));
  return walk(null);
}

/** Units matching the search, with their ancestors so the tree stays a tree. */
export function filterUnits(units: OrgUnitRead[], q: string): OrgUnitRead[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return units;
  const hit = units.filter((u) => `${u.code} ${u.name} ${u.short_name ?? ''}`.toLowerCase().includes(needle));
  const keep = new Set<number>();
  const byId = new Map(units.map((u) => [u.id, u]));
  for (const u of hit) {
    for (let cur: OrgUnitRead | undefined = u; cur && !keep.has(cur.id); cur = cur.parent_id != null ? byId.get(cur.parent_id) : undefined) keep.add(cur.id);
  }
  return units.filter((u) => keep.has(u.id));
}

/** Level a child of ``parent`` most likely has: a committee's children are one level down, its offices alike. */
export function childLevel(parent: OrgUnitRead): UnitLevel {
  if (parent.kind !== 'people_committee') return parent.level;
  return parent.level === 'province' ? 'district' : 'commune';
}

export interface ChangeRow {
  field: string;
  before: unknown;
  after: unknown;
}

/** ``{field: {from, to}}`` → rows; anything else (an import's counts) is shown as an "after" value. */
export function changeRows(changes: Record<string, unknown> | null | undefined): ChangeRow[] {
  return Object.entries(changes ?? {}).map(([field, v]) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && ('from' in v || 'to' in v)) {
      const ft = v as { from?: unknown; to?: unknown };
      return { field, before: ft.from ?? null, after: ft.to ?? null };
    }
    return { field, before: null, after: v };
  });
}

/** An audit change's field by its name on the forms ("valid_from" → "Hiệu lực từ"); unknown fields stay as stored. */
const FIELD_KEYS: Record<string, Key> = {
  name: 'name',
  full_name: 'fullName',
  username: 'username',
  email: 'admEmail',
  phone: 'admPhone',
  code: 'code',
  short_name: 'admShortName',
  kind: 'kind',
  level: 'admLevel',
  parent_id: 'admParentUnit',
  valid_from: 'admValidFrom',
  valid_to: 'admValidTo',
  verified: 'admVerifiedLabel',
  source_note: 'admSourceNote',
  status: 'status',
  role: 'role',
  unit_id: 'unit',
  permissions: 'permissions',
  is_active: 'active',
  progress: 'progress',
  result: 'result',
  title: 'title',
  note: 'admNote',
};

export function fieldLabel(field: string, t: (k: Key) => string): string | null {
  const k = FIELD_KEYS[field];
  return k ? t(k) : null;
}

// A stored code ("assignments:read", "in_progress", "draft"): shown by its label when the dictionary has one.
const CODE = /^[a-z]+(?:[_:][a-z]+)*$/;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A readable value: dates dd/mm/yyyy, yes/no, lists one per line, objects as "key: value". */
export function formatValue(v: unknown, i18n: Pick<I18n, 't' | 'label'>, units?: OrgUnitRead[] | null): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? i18n.t('admYes') : i18n.t('admNo');
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    if (v === '***') return i18n.t('admHiddenSecret');
    if (ISO_DATE.test(v)) return formatDate(v);
    if (ISO_TS.test(v)) return formatDateTime(v);
    if (CODE.test(v)) return i18n.label(v);
    return v;
  }
  if (Array.isArray(v)) return v.length ? v.map((x) => formatValue(x, i18n, units)).join('\n') : '—';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('role' in o && 'unit_id' in o) return `${i18n.label(String(o.role))} · ${unitName(units, Number(o.unit_id))}`;
    return Object.entries(o)
      .map(([k, x]) => `${k}: ${formatValue(x, i18n, units)}`)
      .join('\n');
  }
  return String(v);
}

export function tokenState(tk: Pick<ApiTokenRead, 'revoked_at' | 'expires_at'>, now = Date.now()): 'revoked' | 'expired' | 'active' {
  if (tk.revoked_at) return 'revoked';
  if (tk.expires_at && new Date(tk.expires_at).getTime() <= now) return 'expired';
  return 'active';
}

