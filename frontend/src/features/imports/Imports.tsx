import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, download, uploadWithProgress } from '../../api/http';
import { useAuth } from '../../auth';
import { importsHistoryQueryKey, plansListOptions } from '../../client/@tanstack/react-query.gen';
import type { ImportResult, RowError } from '../../client/types.gen';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ImportHistory } from './ImportHistory';
import { useI18n, type Key } from '../../i18n';

/** What can be imported, named for people, and the right each kind needs besides imports:run (api/imports/kinds). */
const KINDS = [
  { kind: 'org-units', label: 'impKindOrgUnits', perm: 'units:manage' },
  { kind: 'users', label: 'impKindUsers', perm: 'users:manage' },
  { kind: 'plans', label: 'impKindPlans', perm: 'plans:manage' },
  { kind: 'tasks', label: 'impKindTasks', perm: 'plans:manage' },
  { kind: 'frameworks', label: 'impKindFrameworks', perm: 'frameworks:manage' },
  { kind: 'official-results', label: 'impKindOfficialResults', perm: 'assessments:manage' },
] as const satisfies readonly { kind: string; label: Key; perm: string }[];
type Kind = (typeof KINDS)[number]['kind'];

/**
 * Imports: choose what to import (no default: each kind has its own template), the plan receiving tasks, the file;
 * a dry run lists every error by row and by the column header as written in the file; then confirm.
 */
export default function Imports() {
  const { t, lang, num } = useI18n();
  const { can } = useAuth();
  const kinds = KINDS.filter((k) => can(k.perm));
  const [kind, setKind] = useState<Kind | ''>(kinds.length === 1 ? kinds[0].kind : '');
  const [planId, setPlanId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const qc = useQueryClient();
  const plans = useQuery({ ...plansListOptions({ query: { limit: 200 } }), enabled: kind === 'tasks' });
  const needsPlan = kind === 'tasks' && !planId;
  const kindLabel = (k: Kind) => t(KINDS.find((x) => x.kind === k)!.label);

  const reset = () => {
    setResult(null);
    setError(null);
  };

  const run = async (dryRun: boolean) => {
    if (!file || !kind || needsPlan) return;
    const fd = new FormData();
    fd.append('file', file, file.name);
    const q = new URLSearchParams({ dry_run: String(dryRun) });
    if (kind === 'tasks') q.set('plan_id', planId);
    setError(null);
    setPercent(0);
    try {
      setResult(await uploadWithProgress<ImportResult>(`/imports/${kind}?${q}`, fd, setPercent));
    } catch (e) {
      // Rows with errors: 422 import_rejected carrying the whole result (every error of every row, by column).
      const rejected = e instanceof ApiError && e.problem.code === 'import_rejected';
      setResult(rejected ? (e.problem as unknown as ImportResult) : null);
      setError(rejected ? null : e);
    } finally {
      setPercent(null);
      void qc.invalidateQueries({ queryKey: importsHistoryQueryKey() });
    }
  };

  const checked = result?.dry_run && result.errors.length === 0;
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('imports')}
      </Typography.Title>
      <div className="filters">
        <label>
          <span>{t('impChooseKind')}</span>
          <select
            value={kind}
            data-testid="import-kind"
            onChange={(e) => {
              setKind(e.target.value as Kind | '');
              setPlanId('');
              reset();
            }}
          >
            <option value="" disabled>
              {t('impChooseKindFirst')}
            </option>
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {t(k.label)}
              </option>
            ))}
          </select>
        </label>
        {kind && (
          <Button onClick={() => download(`/imports/${kind}/template.xlsx`, `mau-${kind}.xlsx`).catch(setError)}>
            {t('template')} · {kindLabel(kind)}
          </Button>
        )}
        {kind === 'tasks' && (
          <label>
            <span>{t('impPlan')}</span>
            <select value={planId} data-testid="import-plan" onChange={(e) => { setPlanId(e.target.value); reset(); }}>
              <option value="" disabled>
                {t('impPlan')}
              </option>
              {(plans.data?.items ?? []).map((p) => (
                <option key={p.id} value={String(p.id)}>
                  {`${p.display_number ?? p.number} · ${p.title}`.slice(0, 90)}
                </option>
              ))}
            </select>
          </label>
        )}
        {kind && (
          <label>
            <span>{t('file')}</span>
            <input type="file" accept=".xlsx,.csv" aria-describedby="import-file-help" onChange={(e) => { setFile(e.target.files?.[0] ?? null); reset(); }} />
            <small id="import-file-help">{t('impFileHelp')}</small>
          </label>
        )}
      </div>
      {kind === 'tasks' && needsPlan && <p role="note">{t('impPlanRequired')}</p>}
      <Space style={{ marginBottom: 12 }}>
        <Button disabled={!file || !kind || needsPlan} loading={percent !== null} onClick={() => run(true)}>
          {t('dryRun')}
        </Button>
        <Button type="primary" disabled={!file || !checked} onClick={() => run(false)}>
          {t('confirmImport')}
        </Button>
      </Space>
      <ProblemAlert error={error} />
      {result && (
        <>
          <Alert
            role="status"
            style={{ marginBottom: 12 }}
            type={result.errors.length ? 'error' : result.dry_run ? 'info' : 'success'}
            title={result.errors.length ? t('impCheckErrors') : result.dry_run ? t('impCheckOk') : t('impDone')}
          />
          <Descriptions bordered size="small" column={{ xs: 2, md: 4 }} style={{ background: '#fff', marginBottom: 12 }} title={t('impResult')}>
            <Descriptions.Item label={t('impRows')}>{num(result.rows, 0)}</Descriptions.Item>
            <Descriptions.Item label={t('impCreated')}>
              <span data-testid="import-created">{num(result.created, 0)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('impUpdated')}>{num(result.updated, 0)}</Descriptions.Item>
            <Descriptions.Item label={t('impUnchanged')}>{num(result.unchanged, 0)}</Descriptions.Item>
          </Descriptions>
          {result.errors.length > 0 && (
            <Table<RowError>
              size="small"
              data-testid="import-errors"
              rowKey={(r) => `${r.row}-${r.field}-${r.code}-${r.message}`}
              dataSource={result.errors}
              pagination={result.errors.length > 50 ? { pageSize: 50 } : false}
              columns={[
                { title: t('impRow'), dataIndex: 'row', render: (v: number | null) => (v == null ? '—' : num(v, 0)) },
                { title: t('impColumn'), key: 'c', render: (_, r) => r.column ?? '—' },
                { title: t('impMessage'), key: 'm', render: (_, r) => (lang === 'en' && r.message_en) || r.message },
              ]}
            />
          )}
        </>
      )}
      <ImportHistory kindLabel={(k) => (KINDS.some((x) => x.kind === k) ? kindLabel(k as Kind) : null)} />
    </>
  );
}
