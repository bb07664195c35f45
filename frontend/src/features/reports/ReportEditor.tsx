import { Alert, App, Button, Card, Descriptions, Input, Modal, Space, Tag, Typography, type FormInstance } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/http';
import { reportPeriodsGetOptions, reportsGetQueryKey, reportsListQueryKey } from '../../client/@tanstack/react-query.gen';
import { reportsAccept, reportsApprove, reportsGet, reportsReturn, reportsSubmit, reportsUpdate } from '../../client/sdk.gen';
import type { ReportDetail, ReportUpdate } from '../../client/types.gen';
import { useAuth } from '../../auth';
import { draftKey } from '../../components/useDraft';
import { Guard, NotAvailable, ProblemAlert } from '../../components/common';
import { etagQuery, ifMatch, tagged, type Tagged } from '../../components/queries';
import DeliveryPanel from './DeliveryPanel';
import DistrictPanel from './DistrictPanel';
import ExportButtons from './ExportButtons';
import FiguresPanel from './FiguresPanel';
import { allowedActions, figuresOf, periodName, updateBody, type NarrativeValues } from './model';
import NarrativeForm from './NarrativeForm';
import { LevelTag, ReportStatusTag } from './ReportTags';
import { useI18n, type Key } from '../../i18n';
import PrintButton from '../../components/PrintButton';
import IndicatorsPanel from './IndicatorsPanel';
import type { OutlineSection } from './outline';
import OutlinePanel from './OutlinePanel';
import { useReportWords } from './words';

type Busy = 'save' | 'submit' | 'accept' | 'return' | 'approve' | null;
type Step = 'update' | 'submit' | 'accept' | 'approve' | 'return';

function statusHelp(r: ReportDetail): Key {
  switch (r.status) {
    case 'draft':
      return 'rpHelpDraft';
    case 'submitted':
      return r.level === 'district' ? 'rpHelpSubmittedDistrict' : 'rpHelpSubmittedUnit';
    case 'returned':
      return 'rpHelpReturned';
    case 'accepted':
      return 'rpHelpAccepted';
    default:
      return 'rpHelpApproved';
  }
}

/** Báo cáo CCHC định kỳ: header, automatic figures, narrative (If-Match), workflow actions, exports, delivery. */
export default function ReportEditor() {
  const { id = '' } = useParams();
  const valid = /^\d+$/.test(id);
  const { t, lang, date, dateTime } = useI18n();
  const { w: rw } = useReportWords();
  const { can, me } = useAuth();
  const { message, modal } = App.useApp();
  const formRef = useRef<FormInstance<NarrativeValues> | null>(null);
  const qc = useQueryClient();
  const reportPath = { report_id: Number(id) };
  const detail = etagQuery(reportsGetQueryKey({ path: reportPath }), (signal) => reportsGet({ path: reportPath, signal, throwOnError: true }));
  const load = useQuery({ ...detail, enabled: valid });
  const etag = load.data?.etag ?? null;
  /** What a write answered becomes the report shown (and its version for the next If-Match); lists refresh. */
  const setLoaded = (res: Tagged<ReportDetail>) => {
    qc.setQueryData(detail.queryKey, res);
    void qc.invalidateQueries({ queryKey: reportsListQueryKey() });
  };
  const setEtag = (tag: string | null) => qc.setQueryData(detail.queryKey, (old) => old && { ...old, etag: tag });
  // while another report of the route loads, the previous one is not shown (nor acted on)
  const r = load.data && String(load.data.data.id) === id ? load.data.data : null;
  const period = useQuery({ ...reportPeriodsGetOptions({ path: { period_id: r?.period_id ?? 0 } }), enabled: !!r });
  const [busy, setBusy] = useState<Busy>(null);
  // where the last failure is shown: next to the save button (form) or in the workflow card (actions)
  const [failure, setFailure] = useState<{ at: 'form' | 'actions'; error: unknown } | null>(null);
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState('');

  /** One write of the report through the SDK, with If-Match on the version the page holds. */
  const send = async (step: Step, body: unknown, tag: string | null, confirmMissing = false): Promise<Tagged<ReportDetail>> => {
    const o = { path: reportPath, headers: ifMatch(tag), throwOnError: true as const };
    switch (step) {
      case 'update':
        return tagged(await reportsUpdate({ ...o, body: body as ReportUpdate }));
      case 'submit':
        return tagged(await reportsSubmit({ ...o, ...(confirmMissing ? { query: { confirm_missing_units: true } } : {}) }));
      case 'accept':
        return tagged(await reportsAccept(o));
      case 'approve':
        return tagged(await reportsApprove(o));
      case 'return':
        return tagged(await reportsReturn({ ...o, body: body as { reason: string } }));
    }
  };

  const run = async (name: Busy, fn: () => Promise<Tagged<ReportDetail>>, ok: string): Promise<boolean> => {
    setBusy(name);
    setFailure(null);
    try {
      setLoaded(await fn());
      message.success(ok);
      return true;
    } catch (e) {
      setFailure({ at: name === 'save' ? 'form' : 'actions', error: e });
      return false;
    } finally {
      setBusy(null);
    }
  };

  if (!valid || (load.error && !r)) {
    return (
      <>
        <Link to="/reports">← {t('reports')}</Link>
        <div data-testid="report-not-found">{valid ? <Guard loading={false} error={load.error} item>{() => null}</Guard> : <NotAvailable item />}</div>
      </>
    );
  }

  return (
    <Guard loading={!r} error={null} item>
      {() => {
        if (!r) return null;
        const actions = allowedActions(r, can);
        const editable = actions.has('edit');
        const dirty = () => editable && !!formRef.current?.isFieldsTouched();
        const save = (v: NarrativeValues) => run('save', () => send('update', updateBody(v), etag), t('saved'));
        // An aggregate report with units that have not reported goes out only once the sender has seen them listed.
        const missing = r.level === 'district' ? (figuresOf(r).district?.not_reported ?? []) : [];
        const submit = () =>
          modal.confirm({
            title: t('rpConfirmSubmit'),
            width: missing.length ? 560 : undefined,
            content:
              r.level !== 'district' ? (
                t('rpConfirmSubmitUnit')
              ) : missing.length === 0 ? (
                t('rpConfirmSubmitDistrict')
              ) : (
                <div data-testid="confirm-missing-units">
                  <p>{t('rpConfirmMissingUnits').replace('{n}', String(missing.length))}</p>
                  <ul style={{ maxHeight: 240, overflowY: 'auto', margin: '0 0 8px', paddingLeft: 20 }}>
                    {missing.map((u) => (
                      <li key={u.unit_id}>{u.name ?? u.code ?? `#${u.unit_id}`}</li>
                    ))}
                  </ul>
                  <p>{t('rpConfirmSubmitDistrict')}</p>
                </div>
              ),
            okText: missing.length ? t('rpSubmitAnyway') : t('rpSubmit'),
            cancelText: t('rpCancel'),
            onOk: async () => {
              if (dirty()) {
                try {
                  await formRef.current?.validateFields();
                } catch {
                  return;
                }
              }
              await run(
                'submit',
                async () => {
                  let tag = etag;
                  if (dirty()) {
                    const saved = await send('update', updateBody(formRef.current?.getFieldsValue(true) as NarrativeValues), tag);
                    setLoaded(saved);
                    tag = saved.etag;
                  }
                  return send('submit', undefined, tag, missing.length > 0);
                },
                t('rpSubmittedMsg'),
              );
            },
          });
        const confirmThen = (name: 'accept' | 'approve', title: Key, content: Key, okText: Key, ok: Key) =>
          modal.confirm({
            title: t(title),
            content: t(content),
            okText: t(okText),
            cancelText: t('rpCancel'),
            onOk: () => run(name, () => send(name, undefined, etag), t(ok)),
          });
        const failureAt = (at: 'form' | 'actions') => {
          if (failure?.at !== at) return null;
          const e = failure.error;
          if (!(e instanceof ApiError && e.status === 412)) return <ProblemAlert error={e} />;
          return (
            <Alert
              type="error"
              showIcon
              role="alert"
              data-testid="conflict"
              title={t('rpConflict')}
              description={
                <>
                  <p style={{ margin: '0 0 8px' }}>{(lang === 'en' && e.problem.detail_en) || e.problem.detail}</p>
                  <p style={{ margin: '0 0 8px' }}>{t('rpConflictHelp')}</p>
                  <Button
                    onClick={() => {
                      setFailure(null);
                      void load.refetch();
                    }}
                  >
                    {t('rpReloadLatest')}
                  </Button>
                </>
              }
              style={{ marginBottom: 12 }}
            />
          );
        };
        const title = r.title || `${t('rpDefaultTitle')} ${period.data ? periodName(period.data, lang) : (r.period_name ?? '')}`;
        // the outline's sections in order (contract B: absent on a server without report outlines)
        const outline = (r as ReportDetail & { outline?: OutlineSection[] | null }).outline;
        const due = period.data ? (r.level === 'district' ? period.data.due_district : period.data.due_unit) : null;
        return (
          <>
            <Link to="/reports" className="no-print">
              ← {t('reports')}
            </Link>
            <div className="page-head" style={{ marginTop: 8 }}>
              <Typography.Title level={1} className="page-title">
                {title}
              </Typography.Title>
              <span title={rw('printReportHelp')}>
                <PrintButton label={rw('printReport')} />
              </span>
            </div>
            <Space wrap style={{ marginBottom: 12 }}>
              <ReportStatusTag status={r.status} late={r.is_late} testId="report-status" />
              <LevelTag level={r.level} />
              {r.live ? <Tag color="#0b5cab">{t('rpLiveTag')}</Tag> : <Tag color="#1d6b2f">{t('rpFrozenTag')}</Tag>}
            </Space>
            <Descriptions
              bordered
              size="small"
              column={{ xs: 1, sm: 2, lg: 3 }}
              style={{ background: '#fff', marginBottom: 16 }}
              items={[
                { key: 'unit', label: t('unit'), children: <span data-testid="report-unit">{r.unit_name ?? r.unit_code ?? r.unit_id}</span> },
                { key: 'period', label: t('period'), children: period.data ? periodName(period.data, lang) : r.period_name },
                {
                  key: 'window',
                  label: t('rpCutoff'),
                  children: period.data ? `${date(period.data.data_from)} – ${date(period.data.data_to)}` : date(r.as_of),
                },
                {
                  key: 'due',
                  label: r.level === 'district' ? t('rpDueDistrict') : t('rpDueUnit'),
                  children: due ? (
                    <span>
                      {date(due)}
                      {period.data?.due_dates_are_defaults && (
                        <Tag color="#8a4b00" style={{ marginLeft: 6 }}>
                          {t('rpDefaultDue')}
                        </Tag>
                      )}
                    </span>
                  ) : (
                    ''
                  ),
                },
                { key: 'submitted', label: t('submittedAt'), children: dateTime(r.submitted_at) || '—' },
                {
                  key: 'reviewed',
                  label: r.status === 'returned' ? t('rpReturnedAt') : r.level === 'district' ? t('rpApprovedAt') : t('rpAcceptedAt'),
                  children: dateTime(r.reviewed_at) || '—',
                },
              ]}
            />
            {r.status === 'returned' && r.return_reason && (
              <Alert
                type="warning"
                showIcon
                role="status"
                title={t('returnReason')}
                description={<span data-testid="return-reason" className="user-text">{r.return_reason}</span>}
                style={{ marginBottom: 16 }}
              />
            )}

            <Card size="small" style={{ marginBottom: 16 }}>
              <section aria-labelledby="actions-title">
                <h3 id="actions-title" style={{ fontSize: 16, margin: '0 0 4px' }}>
                  {t('rpWorkflow')}
                </h3>
                <p style={{ margin: '0 0 8px' }} data-testid="status-help">
                  {t(statusHelp(r))}
                </p>
                {failureAt('actions')}
                <Space wrap style={{ display: actions.size > (actions.has('edit') ? 1 : 0) ? undefined : 'none' }}>
                  {actions.has('submit') && (
                    <Button type="primary" loading={busy === 'submit'} onClick={submit}>
                      {r.status === 'returned' ? t('rpResubmit') : t('rpSubmit')}
                    </Button>
                  )}
                  {actions.has('accept') && (
                    <Button
                      type="primary"
                      loading={busy === 'accept'}
                      onClick={() => confirmThen('accept', 'rpConfirmAccept', 'rpConfirmAcceptText', 'rpAccept', 'rpAcceptedMsg')}
                    >
                      {t('rpAccept')}
                    </Button>
                  )}
                  {actions.has('approve') && (
                    <Button
                      type="primary"
                      loading={busy === 'approve'}
                      onClick={() => confirmThen('approve', 'rpConfirmApprove', 'rpConfirmApproveText', 'rpApprove', 'rpApprovedMsg')}
                    >
                      {t('rpApprove')}
                    </Button>
                  )}
                  {actions.has('return') && (
                    <Button danger loading={busy === 'return'} onClick={() => setReturning(true)}>
                      {t('return')}
                    </Button>
                  )}
                </Space>
              </section>
              <div style={{ marginTop: 16 }}>
                <ExportButtons reportId={r.id} />
              </div>
            </Card>

            <Card size="small" style={{ marginBottom: 16 }}>
              <FiguresPanel report={r} />
            </Card>
            {r.level === 'district' && (
              <Card size="small" style={{ marginBottom: 16 }}>
                <DistrictPanel report={r} />
              </Card>
            )}
            {outline && outline.length > 0 && (
              <>
                <Card size="small" style={{ marginBottom: 16 }}>
                  <OutlinePanel
                    key={`${r.id}-${r.version}-${editable}`}
                    sections={outline}
                    editable={editable}
                    draftId={draftKey(me?.id, 'report', r.id, 'outline')}
                    save={async (narrative) => {
                      setLoaded(await send('update', { narrative }, etag));
                      message.success(t('saved'));
                    }}
                  />
                </Card>
                <Card size="small" style={{ marginBottom: 16 }}>
                  <IndicatorsPanel key={`${r.id}-${editable}`} reportId={r.id} district={r.level === 'district'} etag={etag} onEtag={setEtag} />
                </Card>
              </>
            )}
            <Card size="small" style={{ marginBottom: 16 }}>
              <NarrativeForm key={`${r.id}-${r.version}-${editable}`} report={r} formRef={formRef} editable={editable} saving={busy === 'save'} onSave={save} alert={failureAt('form')} />
            </Card>
            {r.level === 'district' && (
              <Card size="small" style={{ marginBottom: 16 }}>
                <DeliveryPanel key={`${r.id}-${r.version}`} reportId={r.id} reportStatus={r.status} />
              </Card>
            )}

            <Modal
              open={returning}
              title={r.level === 'district' ? t('rpReturnDistrict') : t('rpReturnUnit')}
              okText={t('return')}
              cancelText={t('rpCancel')}
              okButtonProps={{ danger: true, disabled: !reason.trim(), loading: busy === 'return' }}
              onCancel={() => setReturning(false)}
              onOk={async () => {
                if (await run('return', () => send('return', { reason: reason.trim() }, etag), t('returnedMsg'))) {
                  setReturning(false);
                  setReason('');
                } else setReturning(false);
              }}
            >
              <label htmlFor="report-return-reason">{t('returnReason')}</label>
              <Input.TextArea id="report-return-reason" rows={4} maxLength={5000} value={reason} onChange={(e) => setReason(e.target.value)} />
              {!reason.trim() && <p style={{ margin: '4px 0 0', color: 'rgba(0,0,0,0.72)' }}>{t('reasonRequired')}</p>}
            </Modal>
          </>
        );
      }}
    </Guard>
  );
}
