// Framework nodes (lĩnh vực, tiêu chí) named for people: by number and title, never by the framework's code.

/** The index a framework code belongs to, for people ("PAR_INDEX_TINH_876" → "PAR INDEX"); '' when unknown. */
export function frameworkShort(code: string): string {
  if (/^PAR[_ ]?INDEX/i.test(code)) return 'PAR INDEX';
  if (/^SIPAS/i.test(code)) return 'SIPAS';
  return '';
}

/**
 * A framework node by number and title, never by framework code: "Tiêu chí 3.1 — Tỷ lệ hồ sơ…" for a criterion,
 * "3. Công tác chỉ đạo…" for a lĩnh vực; the index named only when the list mixes indexes (PAR INDEX and SIPAS).
 */
export function nodeName(n: { framework_code: string; code: string; title: string }, criterion: string | null, mixed: boolean): string {
  const fw = mixed ? frameworkShort(n.framework_code) : '';
  const base = criterion ? `${criterion.replace('{n}', n.code)} — ${n.title}` : `${n.code}. ${n.title}`;
  return fw ? `${fw} · ${base}` : base;
}
