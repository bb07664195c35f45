import { useI18n } from '../i18n';

const WORDS = { vi: 'In trang này', en: 'Print this page' } as const;

/** Opens the browser's print dialog (print.css lays the page out for paper and hides the app around it). */
export default function PrintButton({ label }: { label?: string }) {
  const { lang } = useI18n();
  return (
    <button type="button" className="btn btn-light no-print" onClick={() => window.print()} data-testid="print-page">
      {label ?? WORDS[lang === 'en' ? 'en' : 'vi']}
    </button>
  );
}
