import { Button, Space } from 'antd';
import { useState } from 'react';
import { download } from '../../api/http';
import { useI18n, type Key } from '../../i18n';
import { ProblemAlert } from '../../components/common';

const FORMATS: { format: 'docx' | 'xlsx' | 'json'; key: Key }[] = [
  { format: 'docx', key: 'rpExportDocx' },
  { format: 'xlsx', key: 'rpExportXlsx' },
  { format: 'json', key: 'rpExportJson' },
];

/**
 * Exports of a report through an authenticated fetch; the browser saves the blob under the file name the API gives
 * in Content-Disposition (``filename*=UTF-8''…``, Vietnamese kept).
 */
export default function ExportButtons({ reportId }: { reportId: number }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (format: string) => {
    setBusy(format);
    setError(null);
    try {
      await download(`/reports/${reportId}/export?format=${format}`, `bao-cao-${reportId}.${format}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="export-title">
      <h3 id="export-title" style={{ fontSize: 16, margin: '0 0 8px' }}>
        {t('rpExports')}
      </h3>
      <ProblemAlert error={error} />
      <Space wrap>
        {FORMATS.map(({ format, key }) => (
          <Button key={format} onClick={() => run(format)} loading={busy === format} disabled={!!busy && busy !== format}>
            {t(key)}
          </Button>
        ))}
      </Space>
    </section>
  );
}
