import { Alert, App, Button, Input, Table, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/http';
import { reportsIndicatorsOptions } from '../../client/@tanstack/react-query.gen';
import { reportsIndicatorsUpdate } from '../../client/sdk.gen';
import { Guard } from '../../components/common';
import Failure from '../activities/Failure';
import { decimalText } from '../activities/model';
import { useWords, type Key } from '../activities/words';
import { enterable, indicatorBody, type Draft, type IndicatorRow, type IndicatorTable } from './outline';
import ScrollRegion from './ScrollRegion';

const ROLLUP: Record<string, Key> = { sum: 'rollupSum', average: 'rollupAverage', share: 'rollupShare', none: 'rollupNone' };

/**
 * Biểu số liệu of a report: the unit enters its values (decimal comma) where the API marks a row editable; the
 * district report shows the roll-ups and the units that have not entered. One PUT for all changed rows, with
 * If-Match on the report's ETag (shared with the narrative form: `etag`/`onEtag`).
 */
export default function IndicatorsPanel({ reportId, district, etag, onEtag }: { reportId: number; district: boolean; etag: string | null; onEtag: (etag: string | null) => void }) {
  const { w, dateTime } = useWords();
  const { message } = App.useApp();
  const [drafts, setDrafts] = useState<Record<number, Draft>>({});
  const [bad, setBad] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();
  const table = reportsIndicatorsOptions({ path: { report_id: reportId } });
  const load = useQuery(table);
  const rows = load.data?.items ?? [];
  const anyEnterable = rows.some(enterable);
  const set = (id: number, patch: Draft) => setDrafts((d) => ({ ...d, [id]: { ...d[id], ...patch } }));
  const save = async () => {
    const body = indicatorBody(rows, drafts);
    setBad(body.bad);
    if (body.bad.length || !body.values.length) return;
    setBusy(true);
    setError(null);
    try {
      const r = await reportsIndicatorsUpdate({
        path: { report_id: reportId },
        body: { values: body.values },
        headers: etag ? { 'If-Match': etag } : {},
        throwOnError: true,
      });
      qc.setQueryData<IndicatorTable>(table.queryKey, r.data);
      onEtag(r.response.headers.get('ETag') ?? r.data.etag ?? null);
      setDrafts({});
      message.success(w('indicatorsSaved'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="indicators-title" data-testid="indicators">
      <Typography.Title level={3} id="indicators-title" style={{ fontSize: 18 }}>
        {w('indicators')}
      </Typography.Title>
      <p style={{ marginTop: 0 }}>{district ? w('indicatorsHelpDistrict') : w('indicatorsHelpUnit')}</p>
      <Guard loading={load.isPending} error={load.error}>
        {() => (
          <>
            <Failure error={error} />
            {error instanceof ApiError && error.status === 412 && (
              <Button style={{ marginBottom: 8 }} onClick={() => window.location.reload()}>
                {w('reload')}
              </Button>
            )}
            {bad.length > 0 && (
              <Alert
                type="error"
                showIcon
                role="alert"
                title={w('badNumber', rows.filter((r) => r.indicator_id != null && bad.includes(r.indicator_id)).map((r) => r.name).join('; '))}
                style={{ marginBottom: 8 }}
              />
            )}
            <ScrollRegion label={w('indicators')}>
              <Table<IndicatorRow>
                rowKey="code"
                size="small"
                pagination={false}
                dataSource={rows}
                locale={{ emptyText: w('noIndicators') }}
                columns={[
                  { title: w('indicatorCode'), dataIndex: 'code', width: 70 },
                  {
                    title: w('indicatorName'),
                    dataIndex: 'name',
                    render: (v: string, r) => (
                      <>
                        {v}
                        {r.computed && <Tag style={{ marginLeft: 6 }}>{w('computed')}</Tag>}
                        {r.source_text && <div data-testid={`source-${r.code}`} style={{ fontSize: 12, color: 'rgba(0,0,0,0.68)' }}>{r.source_text}</div>}
                      </>
                    ),
                  },
                  { title: w('uom'), dataIndex: 'unit_of_measure', render: (v: string | null) => v || '—' },
                  {
                    title: w('value'),
                    key: 'value',
                    align: 'right',
                    render: (_: unknown, r) =>
                      enterable(r) && r.indicator_id != null ? (
                        <Input
                          aria-label={`${w('value')}: ${r.name}`}
                          data-testid={`indicator-${r.code}`}
                          inputMode="decimal"
                          status={bad.includes(r.indicator_id) ? 'error' : undefined}
                          aria-invalid={bad.includes(r.indicator_id) || undefined}
                          style={{ width: 120, textAlign: 'right' }}
                          value={drafts[r.indicator_id]?.value ?? decimalText(r.value)}
                          onChange={(e) => set(r.indicator_id as number, { value: e.target.value })}
                        />
                      ) : (
                        <span data-testid={`indicator-${r.code}`}>{r.value == null ? '—' : decimalText(r.value)}</span>
                      ),
                  },
                  ...(district
                    ? [
                        { title: w('rollup'), key: 'rollup', render: (_: unknown, r: IndicatorRow) => (r.computed ? w('computed') : w(ROLLUP[r.rollup] ?? 'rollupNone')) },
                        {
                          title: w('missingUnits'),
                          key: 'missing',
                          render: (_: unknown, r: IndicatorRow) => {
                            if (r.computed || r.rollup === 'none') return '—';
                            const count = r.units_expected ? `${r.units_entered ?? 0}/${r.units_expected}` : '';
                            if (!r.missing_units?.length) return `${w('allEntered')}${count ? ` (${count})` : ''}`;
                            return (
                              <span data-testid={`missing-${r.code}`}>
                                {count && <strong>{`${count}: `}</strong>}
                                {r.missing_units.map((u) => u.unit_name).join('; ')}
                              </span>
                            );
                          },
                        },
                      ]
                    : [
                        {
                          title: w('note'),
                          key: 'note',
                          render: (_: unknown, r: IndicatorRow) =>
                            enterable(r) && r.indicator_id != null ? (
                              <Input aria-label={`${w('note')}: ${r.name}`} style={{ width: 220 }} maxLength={2000} value={drafts[r.indicator_id]?.note ?? r.note ?? ''} onChange={(e) => set(r.indicator_id as number, { note: e.target.value })} />
                            ) : (
                              r.note || '—'
                            ),
                        },
                        { title: w('enteredBy'), key: 'by', render: (_: unknown, r: IndicatorRow) => [r.entered_by, dateTime(r.entered_at)].filter(Boolean).join(' · ') || '—' },
                      ]),
                ]}
              />
            </ScrollRegion>
            {anyEnterable && (
              <Button type="primary" style={{ marginTop: 12 }} loading={busy} disabled={!Object.keys(drafts).length} onClick={save}>
                {w('saveIndicators')}
              </Button>
            )}
          </>
        )}
      </Guard>
    </section>
  );
}
