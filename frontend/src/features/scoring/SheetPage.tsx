import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Card, Descriptions, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { assessmentSheetsGetQueryKey, assessmentSheetsListQueryKey, scoringResultsSheetQueryKey } from '../../client/@tanstack/react-query.gen';
import { assessmentSheetsGet } from '../../client/sdk.gen';
import type { AppraisalWrite, ScoreWrite } from '../../client/types.gen';
import { Guard, NotAvailable, ProblemAlert } from '../../components/common';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { AppraisalControls } from './AppraisalControls';
import { Downloads } from './Downloads';
import { etagged, type Tagged } from '../etag';
import { pts, sheetStep, type Sheet, type SheetNodeT, type SheetStep } from './model';
import { ScoreEditor } from './ScoreEditor';
import { SheetActions } from './SheetActions';
import { AppraisalTag, SheetStatusTag } from './StatusTag';

/** Phiếu chấm điểm: the unit's self-assessment and, for appraisers, the appraisal screen (self vs appraised side
 * by side). Buttons come only from the sheet's ``allowed_actions``. */
export default function SheetPage() {
  const { id = '' } = useParams();
  const valid = /^\d+$/.test(id);
  const { t, lang, date } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const sheetId = Number(id);
  // the sheet with its ETag: every score, appraisal and transition names it (If-Match) and answers the new sheet
  const key = [...assessmentSheetsGetQueryKey({ path: { sheet_id: sheetId } }), 'etag'] as const;
  const load = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => etagged(assessmentSheetsGet({ path: { sheet_id: sheetId }, signal, throwOnError: true })),
    enabled: valid,
  });
  const sheet = load.data?.data ?? null;

  const apply = async (step: SheetStep) => {
    // the ETag as the cache holds it now (a step just answered may not have re-rendered this page yet)
    const res = await sheetStep(sheetId, step, qc.getQueryData<Tagged<Sheet>>(key)?.etag ?? null);
    qc.setQueryData<Tagged<Sheet>>(key, res);
    // the lists and results that show this sheet's status and totals
    void qc.invalidateQueries({ queryKey: assessmentSheetsListQueryKey() });
    void qc.invalidateQueries({ queryKey: scoringResultsSheetQueryKey({ path: { sheet_id: sheetId } }) });
  };
  const run = async (step: SheetStep): Promise<boolean> => {
    setBusy(true);
    setFailure(null);
    try {
      await apply(step);
      message.success(t('saved'));
      return true;
    } catch (e) {
      setFailure(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (!valid || !can('assessments:read')) return <NotAvailable item />;
  return (
    <>
      <Link to="/scoring">← {t('scTitle')}</Link>
      <Guard loading={!sheet && !load.error} error={load.error} item>
        {() => {
          if (!sheet) return null;
          const actions = sheet.allowed_actions ?? [];
          const editing = actions.includes('edit');
          const appraising = actions.includes('appraise');
          const leaves = sheet.nodes.filter((n) => n.scorable).map((n) => n.id);
          return (
            <>
              <Typography.Title level={1} style={{ fontSize: 24 }}>
                {t('scSheet')}: {sheet.unit_name}
              </Typography.Title>
              <Card size="small" style={{ marginBottom: 16 }}>
                <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                  <Descriptions.Item label={t('scRound')}>{sheet.round.name}</Descriptions.Item>
                  <Descriptions.Item label={t('frameworks')}>{sheet.framework.name}</Descriptions.Item>
                  <Descriptions.Item label={t('scStatus')}>
                    <SheetStatusTag status={sheet.status} />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('scProgress')}>
                    <span data-testid="sheet-progress">
                      {sheet.progress_scored}/{sheet.progress_scorable} {t('scScoredSuffix')}
                    </span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('scSelfPoints')}>
                    <span data-testid="self-total">
                      {pts(sheet.self_total, lang)} / {pts(sheet.max_total, lang)}
                    </span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('scAppraisedPoints')}>
                    <span data-testid="appraised-total">{pts(sheet.appraised_total, lang)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('scSelfWindow')}>
                    {date(sheet.round.self_start_date)} – {date(sheet.round.self_end_date)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('scAppraisalWindow')}>
                    {date(sheet.round.appraisal_start_date)} – {date(sheet.round.appraisal_end_date)}
                  </Descriptions.Item>
                  {sheet.return_reason && <Descriptions.Item label={t('scReturnReason')}>{sheet.return_reason}</Descriptions.Item>}
                  {sheet.reopen_reason && <Descriptions.Item label={t('scReopenReason')}>{sheet.reopen_reason}</Descriptions.Item>}
                </Descriptions>
                <ProblemAlert error={failure} />
                <SheetActions actions={actions} run={run} busy={busy} />
                <Space wrap style={{ marginTop: 12 }}>
                  <Link to={`/scoring/sheets/${sheet.id}/results`}>{t('resOpen')}</Link>
                  <Downloads
                    path={`/assessment-sheets/${sheet.id}/export`}
                    fallback={`tu-danh-gia-${sheet.id}`}
                    items={[
                      { format: 'docx', label: 'scExportReport' },
                      { format: 'xlsx', label: 'scExportTable' },
                    ]}
                  />
                </Space>
              </Card>
              <Table<SheetNodeT>
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={sheet.nodes}
                rowClassName={(n) => (n.scorable ? '' : 'sc-parent-row')}
                expandable={{
                  rowExpandable: (n) => n.scorable && (editing || appraising),
                  defaultExpandedRowKeys: editing || appraising ? leaves : [],
                  expandedRowRender: (n) => (
                    <Space direction="vertical" style={{ width: '100%' }}>
                      {editing && <ScoreEditor sheetId={sheet.id} node={n} canUpload={actions.includes('upload_evidence')} save={(b) => apply({ kind: 'score', nodeId: n.id, body: b as ScoreWrite })} />}
                      {appraising && n.score && <AppraisalControls node={n} save={(b) => apply({ kind: 'appraise', nodeId: n.id, body: b as AppraisalWrite })} />}
                    </Space>
                  ),
                }}
                columns={[
                  { title: t('scCode'), dataIndex: 'code', width: 80 },
                  {
                    title: t('scCriterion'),
                    render: (_: unknown, n) => (
                      <span style={{ paddingLeft: n.depth * 16, fontWeight: n.scorable ? undefined : 600 }}>
                        {n.title}
                        {n.scoring_method === 'survey' && <Typography.Text type="secondary"> ({t('scSurvey')})</Typography.Text>}
                        {n.score?.explanation && <div className="sc-note">{t('scExplanation')}: {n.score.explanation}</div>}
                        {n.score && n.score.evidence.length > 0 && (
                          <div className="sc-note">
                            {t('scEvidence')}: {n.score.evidence.map((e) => e.title).join('; ')}
                          </div>
                        )}
                      </span>
                    ),
                  },
                  { title: t('scMax'), dataIndex: 'max_points', align: 'right', render: (v: string | null) => pts(v, lang) },
                  {
                    title: t('scSelfPoints'),
                    align: 'right',
                    render: (_: unknown, n) => (n.scorable ? pts(n.score?.self_points, lang) : <strong>{pts(n.self_subtotal, lang)}</strong>),
                  },
                  {
                    title: t('scAppraisedPoints'),
                    align: 'right',
                    render: (_: unknown, n) =>
                      n.scorable ? pts(n.score?.appraised_points, lang) : <strong>{pts(n.appraised_subtotal, lang)}</strong>,
                  },
                  {
                    title: t('scAppraisal'),
                    render: (_: unknown, n) =>
                      n.score ? (
                        <>
                          <AppraisalTag state={n.score.appraisal_state} />
                          {n.score.appraisal_reason && <div className="sc-note">{n.score.appraisal_reason}</div>}
                        </>
                      ) : null,
                  },
                ]}
              />
            </>
          );
        }}
      </Guard>
    </>
  );
}
