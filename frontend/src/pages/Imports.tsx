import { Button, Descriptions, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { download, uploadWithProgress } from '../api/http';
import type { ImportResult, RowError } from '../client/types.gen';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../i18n';

const KINDS = ['org-units', 'users', 'plans', 'tasks', 'frameworks', 'official-results'] as const;

/** Imports: choose kind, download template, upload → dry-run table with row errors → confirm. */
export default function Imports() {
  const { t, lang } = useI18n();
  const [kind, setKind] = useState<(typeof KINDS)[number]>('tasks');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [percent, setPercent] = useState<number | null>(null);

  const run = async (dryRun: boolean) => {
    if (!file) return;
    const fd = new FormData();
    fd.append('file', file, file.name);
    setError(null);
    setPercent(0);
    try {
      setResult(await uploadWithProgress<ImportResult>(`/imports/${kind}?dry_run=${dryRun}`, fd, setPercent));
    } catch (e) {
      setError(e);
      setResult(null);
    } finally {
      setPercent(null);
    }
  };

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('imports')}
      </Typography.Title>
      <div className="filters">
        <label>
          <span>{t('kind')}</span>
          <select value={kind} onChange={(e) => { setKind(e.target.value as (typeof KINDS)[number]); setResult(null); }}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <Button onClick={() => download(`/imports/${kind}/template.xlsx`, `mau-${kind}.xlsx`).catch(setError)}>{t('template')}</Button>
        <label>
          <span>{t('file')}</span>
          <input type="file" accept=".xlsx,.csv" onChange={(e) => { setFile(e.target.files?.[0] ?? null); setResult(null); }} />
        </label>
      </div>
      <Space style={{ marginBottom: 12 }}>
        <Button disabled={!file} loading={percent !== null} onClick={() => run(true)}>
          {t('dryRun')}
        </Button>
        <Button type="primary" disabled={!file || !result?.dry_run || result.errors.length > 0} onClick={() => run(false)}>
          {t('confirmImport')}
        </Button>
      </Space>
      <ProblemAlert error={error} />
      {result && (
        <>
          <Descriptions bordered size="small" column={{ xs: 2, md: 5 }} style={{ background: '#fff', marginBottom: 12 }}>
            <Descriptions.Item label={t('dryRun')}>{result.dry_run ? '✓' : '✕'}</Descriptions.Item>
            <Descriptions.Item label={t('total')}>{result.rows}</Descriptions.Item>
            <Descriptions.Item label="+">{result.created}</Descriptions.Item>
            <Descriptions.Item label="~">{result.updated}</Descriptions.Item>
            <Descriptions.Item label="=">{result.unchanged}</Descriptions.Item>
          </Descriptions>
          <Table<RowError>
            size="small"
            rowKey={(r) => `${r.row}-${r.field}-${r.code}-${r.message}`}
            dataSource={result.errors}
            locale={{ emptyText: t('noErrors') }}
            columns={[
              { title: '#', dataIndex: 'row' },
              { title: t('name'), key: 'c', render: (_, r) => r.column ?? r.field },
              { title: t('description'), key: 'm', render: (_, r) => (lang === 'en' && r.message_en) || r.message },
            ]}
          />
        </>
      )}
    </>
  );
}
