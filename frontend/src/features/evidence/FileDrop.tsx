import { App, Upload } from 'antd';
import AcceptedHint from './AcceptedHint';
import { acceptAttr, tooBig, useAcceptedFiles } from './accepted';
import { formatBytes } from './bytes';
import { useEvidenceWords } from './words';

/**
 * The drop zone of one evidence file: what it accepts (types from the content check, size limit), a file over the
 * limit refused before any upload with a message naming it, the chosen file shown and removable. Nothing is sent
 * from here: `onFile` hands the file (or null when removed) to the form that uploads it. With `label` (the field's
 * name, when a form item shows it above) the zone is a group carrying that name for a screen reader.
 */
export default function FileDrop({ file, onFile, label }: { file: File | null; onFile: (f: File | null) => void; label?: string }) {
  const { t, w, lang } = useEvidenceWords();
  const { message } = App.useApp();
  const accepted = useAcceptedFiles();
  const zone = (
    <Upload.Dragger
      multiple={false}
      maxCount={1}
      accept={accepted ? acceptAttr(accepted) : undefined}
      beforeUpload={(f) => {
        if (accepted && tooBig(f.size, accepted.max_mb)) {
          message.error(w('tooBig', { name: f.name, size: formatBytes(f.size, lang), mb: accepted.max_mb }));
          return Upload.LIST_IGNORE;
        }
        onFile(f);
        return false;
      }}
      onRemove={() => onFile(null)}
      fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
    >
      <p style={{ margin: 8 }}>{t('dropHere')}</p>
      <AcceptedHint accepted={accepted} />
    </Upload.Dragger>
  );
  return label ? (
    <div role="group" aria-label={label}>
      {zone}
    </div>
  ) : (
    zone
  );
}
