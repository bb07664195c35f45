import { Tag, Tooltip } from 'antd';
import { useI18n } from '../i18n';

/**
 * A value's provenance, never as raw text ("domain.md §4.1 … valid_from là mốc giả định"): an unverified value gets a
 * "chưa xác minh" badge, a verified one with a note a quiet "Nguồn" badge; the note itself sits in the tooltip (and
 * in the accessible name, for screen readers and keyboard users).
 */
export function SourceBadge({ verified, note }: { verified: boolean; note?: string | null }) {
  const { t } = useI18n();
  if (verified && !note) return null;
  const text = verified ? t('sourceNote') : t('unverified');
  const tag = (
    <Tag color={verified ? undefined : '#8a4b00'} tabIndex={note ? 0 : undefined} aria-label={note ? `${text}. ${t('sourceNote')}: ${note}` : undefined} data-testid="source-badge">
      {text}
    </Tag>
  );
  return note ? <Tooltip title={`${t('sourceNote')}: ${note}`}>{tag}</Tooltip> : tag;
}
