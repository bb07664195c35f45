import { useQuery } from '@tanstack/react-query';
import { Table, Typography } from 'antd';
import { importsHistoryOptions } from '../../client/@tanstack/react-query.gen';
import type { ImportRunRead, RowError } from '../../client/types.gen';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useImportWords } from './words';

/**
 * Lịch sử nhập: who imported what, when (dd/mm/yyyy HH:mm) and with which outcome, newest first; a refused run
 * expands to its first errors by row and column. A run on the page invalidates the query (importsHistoryQueryKey).
 */
export function ImportHistory({ kindLabel }: { kindLabel: (kind: string) => string | null }) {
  const { w, dateTime, num, lang } = useImportWords();
  const runs = useQuery(importsHistoryOptions({ query: { limit: 20 } }));
  const outcome = (r: ImportRunRead) => {
    if (r.outcome === 'rejected') return w('rejected', { n: num(r.error_count, 0) });
    const head = r.dry_run ? w('wouldSucceed') : w('succeeded');
    const counts = w('counts', {
      rows: num(r.rows, 0),
      created: num(r.created, 0),
      updated: num(r.updated, 0),
      unchanged: num(r.unchanged, 0),
    });
    return `${head}: ${counts}${r.deleted ? w('deleted', { n: num(r.deleted, 0) }) : ''}`;
  };
  return (
    <section aria-labelledby="import-history-title" style={{ marginTop: 24 }}>
      <Typography.Title level={2} id="import-history-title">
        {w('history')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{w('historyHelp')}</Typography.Paragraph>
      <ProblemAlert error={runs.error} />
      <Table<ImportRunRead>
        size="small"
        data-testid="import-history"
        rowKey="id"
        loading={runs.isPending}
        dataSource={runs.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: w('empty') }}
        scroll={{ x: true }}
        expandable={{
          rowExpandable: (r) => r.errors.length > 0,
          expandedRowRender: (r) => (
            <>
              <Typography.Text strong>
                {r.errors.length < r.error_count
                  ? w('firstErrors', { shown: num(r.errors.length, 0), n: num(r.error_count, 0) })
                  : w('allErrors')}
              </Typography.Text>
              <ul>
                {r.errors.map((e: RowError, i: number) => (
                  <li key={i}>
                    {[e.row != null ? `${lang === 'en' ? 'Row' : 'Dòng'} ${num(e.row, 0)}` : null, e.column]
                      .filter(Boolean)
                      .join(' · ')}
                    {e.row != null || e.column ? ': ' : ''}
                    {(lang === 'en' && e.message_en) || e.message}
                  </li>
                ))}
              </ul>
            </>
          ),
        }}
        columns={[
          { title: w('when'), key: 'at', render: (_, r) => dateTime(r.at) },
          { title: w('who'), key: 'who', render: (_, r) => `${r.actor_name} · ${r.unit_name}` },
          {
            title: w('what'),
            key: 'what',
            render: (_, r) => (
              <>
                {kindLabel(r.kind) ?? r.kind_label}
                <br />
                <Typography.Text type="secondary">{r.file_name ?? w('noFile')}</Typography.Text>
              </>
            ),
          },
          { title: w('mode'), key: 'mode', render: (_, r) => (r.dry_run ? w('dryRun') : w('realRun')) },
          {
            title: w('outcome'),
            key: 'outcome',
            render: (_, r) => (
              <Typography.Text type={r.outcome === 'rejected' ? 'danger' : undefined}>{outcome(r)}</Typography.Text>
            ),
          },
        ]}
      />
    </section>
  );
}
