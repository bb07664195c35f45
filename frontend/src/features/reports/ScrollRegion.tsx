import type { ReactNode } from 'react';
import { useI18n } from '../../i18n';

/**
 * A wide table's horizontal scroll container: focusable and named, so keyboard users can scroll it (axe
 * "scrollable-region-focusable"), and the page itself never grows wider than the phone (390 px).
 */
export default function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div role="region" aria-label={`${t('rpTable')}: ${label}`} tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
      {children}
    </div>
  );
}
