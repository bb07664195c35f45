import type { ColumnType } from 'antd/es/table';
import type { EvidenceRead } from '../../api/types';
import type { useI18n } from '../../i18n';

/** A file size as people read it: "512 B", "2 KB", "1,5 MB" (decimal comma in Vietnamese). */
export function formatBytes(n: number, lang: string): string {
  const f = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${f.format(n / 1024)} KB`;
  return `${f.format(n / 1024 / 1024)} MB`;
}

/** The "Dung lượng" column of the evidence list and of a document's versions: "2 KB", "1,5 MB" (decimal comma in
 *  Vietnamese); hidden on the narrowest screens. */
export function sizeColumn(t: ReturnType<typeof useI18n>['t'], lang: string): ColumnType<EvidenceRead> {
  return { title: t('size'), dataIndex: 'size', render: (v: number) => formatBytes(v, lang), responsive: ['sm'] };
}
