import { Button, Space } from 'antd';
import { useState } from 'react';
import { download } from '../../api/http';
import { ProblemAlert } from '../../components/common';
import { useI18n, type Key } from '../../i18n';

export interface DownloadItem {
  format: 'docx' | 'xlsx';
  label: Key;
}

/**
 * Download buttons for a scoring export (``{path}?format=docx|xlsx``) through an authenticated fetch; the browser
 * saves the blob under the file name the API gives in Content-Disposition, else ``{fallback}.{format}``.
 */
export function Downloads({ path, fallback, items }: { path: string; fallback: string; items: DownloadItem[] }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (format: string) => {
    setBusy(format);
    setError(null);
    try {
      await download(`${path}?format=${format}`, `${fallback}.${format}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <ProblemAlert error={error} />
      <Space wrap>
        {items.map(({ format, label }) => (
          <Button key={format} onClick={() => run(format)} loading={busy === format} disabled={!!busy && busy !== format}>
            {t(label)}
          </Button>
        ))}
      </Space>
    </>
  );
}
