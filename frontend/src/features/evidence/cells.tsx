// What the evidence list and a document's versions table show alike: the download button (the size column: bytes.ts).
import { Button } from 'antd';
import { download } from '../../api/http';
import type { EvidenceRead } from '../../api/types';
import { useI18n } from '../../i18n';

/** Download one stored file (a version) under its own name; a failure goes to `onError` (the panel's alert). The
 *  button's accessible name says which file — and which version, with `withVersion` (the versions table). */
export function DownloadButton({ doc, onError, withVersion = false }: { doc: EvidenceRead; onError: (e: unknown) => void; withVersion?: boolean }) {
  const { t } = useI18n();
  const which = withVersion ? `v${doc.version_no} ${doc.filename}` : doc.filename;
  return (
    <Button size="small" aria-label={`${t('download')} ${which}`} onClick={() => download(`/evidence/${doc.id}/content`, doc.filename).catch(onError)}>
      {t('download')}
    </Button>
  );
}
