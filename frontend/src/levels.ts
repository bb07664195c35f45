// Words that follow the level of the people's committee owning the plan and the report periods (mirrors
// api/org_units/levels.py): a province since 01/7/2025 ("Sở Nội vụ", "UBND tỉnh"), a district of the past (Bình Gia
// 2024: "Phòng Nội vụ", "UBND huyện") or a commune running its own plan. Dictionary strings name them {nv}, {cap},
// {ubnd}, {dueAggregate} ({Cap} capitalised); makeI18n passes them to i18next as values (levelVars).
import type { MeRead } from './client/types.gen';

export type LevelLang = 'vi' | 'en';

export interface LevelWords {
  level: string;
  nv: string; // the body that runs the plan and receives the unit reports
  cap: string; // the level's word: tỉnh / huyện / xã (phường)
  ubnd: string; // its people's committee
  dueAggregate: string; // label of the aggregated report's due date
}

export function levelWords(level: string | null | undefined, lang: LevelLang = 'vi', ownerName = ''): LevelWords {
  const ward = /phường/i.test(ownerName);
  if (lang === 'en') {
    if (level === 'province')
      return { level, nv: 'Department of Home Affairs', cap: 'province', ubnd: 'provincial People\'s Committee', dueAggregate: 'Province aggregate report due' };
    if (level === 'commune') {
      const cap = ward ? 'ward' : 'commune';
      return { level, nv: 'Culture and Social Affairs office', cap, ubnd: `${cap} People's Committee`, dueAggregate: `${cap[0].toUpperCase()}${cap.slice(1)} due to the province` };
    }
    return { level: 'district', nv: 'Home Affairs office', cap: 'district', ubnd: 'district People\'s Committee', dueAggregate: 'District due to the province' };
  }
  if (level === 'province') return { level, nv: 'Sở Nội vụ', cap: 'tỉnh', ubnd: 'UBND tỉnh', dueAggregate: 'Hạn báo cáo tổng hợp của tỉnh' };
  if (level === 'commune') {
    const cap = ward ? 'phường' : 'xã';
    return { level, nv: 'Phòng Văn hóa – Xã hội', cap, ubnd: `UBND ${cap}`, dueAggregate: `Hạn ${cap} gửi tỉnh` };
  }
  return { level: 'district', nv: 'Phòng Nội vụ', cap: 'huyện', ubnd: 'UBND huyện', dueAggregate: 'Hạn huyện gửi tỉnh' };
}

/** The owner level the signed-in user works under: its first membership's (the API decides it, see /me). */
export function ownerOf(me: Pick<MeRead, 'memberships'> | null | undefined): { level: string; name: string } {
  const m = me?.memberships?.find((x) => x.owner_level) ?? me?.memberships?.[0];
  return { level: m?.owner_level || m?.unit_level || 'district', name: m?.owner_name || m?.unit_name || '' };
}

const LEVEL_KEYS = ['nv', 'cap', 'ubnd', 'dueAggregate'] as const;

/** The level's words as interpolation values: {nv}, {cap}, {ubnd}, {dueAggregate} and capitalised {Nv}, {Cap}… */
export function levelVars(w: LevelWords): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const k of LEVEL_KEYS) {
    vars[k] = w[k];
    vars[k[0].toUpperCase() + k.slice(1)] = w[k] ? w[k][0].toUpperCase() + w[k].slice(1) : w[k];
  }
  return vars;
}

/** Fill {nv}, {cap}, {ubnd}, {dueAggregate} (and their capitalised {Nv}, {Cap}…) in a dictionary string. */
export function fillLevel(s: string, w: LevelWords): string {
  if (!s || !s.includes('{')) return s;
  return s.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const lower = key[0].toLowerCase() + key.slice(1) as keyof LevelWords;
    const v = w[lower];
    if (typeof v !== 'string' || lower === 'level') return whole;
    return key === lower ? v : v[0].toUpperCase() + v.slice(1);
  });
}

/** A role's name at a unit other than the caller's own (the caller's own come from /me's role_label). */
export function roleNameAt(role: string, unit: { level?: string | null; name?: string | null } | null | undefined, lang: LevelLang = 'vi'): string | null {
  if (role !== 'district_admin' || !unit?.level) return null;
  return levelWords(unit.level, lang, unit.name ?? '').nv;
}
