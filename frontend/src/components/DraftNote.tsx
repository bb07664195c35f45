import { Alert, Button } from 'antd';
import { useI18n } from '../i18n';

const WORDS = {
  vi: { restored: 'Đã khôi phục bản nháp chưa lưu', discard: 'Bỏ bản nháp' },
  en: { restored: 'Unsaved draft restored', discard: 'Discard draft' },
} as const;

/** The visible note beside a text restored from its draft (useDraft), with a way to throw the draft away. */
export default function DraftNote({ show, onDiscard }: { show: boolean; onDiscard: () => void }) {
  const { lang } = useI18n();
  if (!show) return null;
  const w = WORDS[lang === 'en' ? 'en' : 'vi'];
  return (
    <Alert
      type="info"
      showIcon
      role="status"
      data-testid="draft-restored"
      style={{ marginBottom: 8 }}
      title={w.restored}
      action={
        <Button size="small" onClick={onDiscard}>
          {w.discard}
        </Button>
      }
    />
  );
}
