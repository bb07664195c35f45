/** A file size as people read it: "512 B", "2 KB", "1,5 MB" (decimal comma in Vietnamese). */
export function formatBytes(n: number, lang: string): string {
  const f = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${f.format(n / 1024)} KB`;
  return `${f.format(n / 1024 / 1024)} MB`;
}
