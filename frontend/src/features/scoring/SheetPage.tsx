import { App, Card, Descriptions, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError } from '../../api/http';
import { Guard, NotAvailable, ProblemAlert, useLoad } from '../../components/common';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { AppraisalControls } from './AppraisalControls';
import { Downloads } from './Downloads';
import { pts, sheetCall, type Sheet, type SheetNodeT } from './model';
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
  const [etag, setEtag] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = useLoad(async () => {
    if (!valid) throw new ApiError(404, { status: 404 });
    const r = await api<Sheet>(`/assessment-sheets/${id}`);
    setEtag(r.etag);
    return r.data;
  }, [id]);
  const sheet = load.data && String(load.data.id) === id ? load.data : null;

  const apply = async (path: string, method: string, body: unknown) => {
    const res = await sheetCall(id, path, method, body, etag);
    load.setData(res.data);
    setEtag(res.etag);
  };
  const run = async (path: string, body?: unknown): Promise<boolean> => {
    setBusy(true);
    setFailure(null);
    try {
      await apply(path, 'POST', body);
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
                      {editing && <ScoreEditor sheetId={sheet.id} node={n} canUpload={actions.includes('upload_evidence')} save={(b) => apply(`/scores/${n.id}`, 'PUT', b)} />}
                      {appraising && n.score && <AppraisalControls node={n} save={(b) => apply(`/appraisals/${n.id}`, 'PUT', b)} />}
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
