import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Input, Modal, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/http';
import { useAuth } from '../../auth';
import type { FrameworkRead } from '../../api/types';
import { plansAppendixOptions, plansAppendixQueryKey, plansGetQueryKey, plansHistoryQueryKey } from '../../client/@tanstack/react-query.gen';
import { plansClose, plansGet, tasksDelete, tasksGet } from '../../client/sdk.gen';
import type { OrgUnitRead, SectionRead } from '../../client/types.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { useI18n } from '../../i18n';
import { etagged } from '../etag';
import { AppendixTable } from './AppendixTable';
import { IssueModal } from './IssueModal';
import { planActions, type TaskRead } from './model';
import { PlanFormModal } from './PlanFormModal';
import { PlanHistory } from './PlanHistory';
import { SectionModal } from './SectionModal';
import { TaskModal } from './TaskModal';

const STATUS_COLORS: Record<string, string> = { draft: '#7a5a00', issued: '#1d6b2f', closed: '#555555' };

type Dialog =
  | { kind: 'edit' | 'amend' | 'issue' | 'close' | 'task' | 'section' }
  | { kind: 'editTask' | 'deleteTask'; task: TaskRead }
  | { kind: 'editSection'; section: SectionRead };

/** One plan: its header and status, the buttons its status and the caller's permissions allow, its appendix and,
 * for the issuing side, its history. */
export function PlanView({ planId, units, frameworks, onChanged }: { planId: number; units: OrgUnitRead[]; frameworks: FrameworkRead[]; onChanged: () => void }) {
  const { can } = useAuth();
  const { message } = App.useApp();
  const i18n = useI18n();
  const { t, label, date } = i18n;
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const path = { plan_id: planId };
  // the plan with its ETag (every change of the plan names it in If-Match) and its appendix
  const planQ = useQuery({
    queryKey: [...plansGetQueryKey({ path }), 'etag'] as const,
    queryFn: ({ signal }) => etagged(plansGet({ path, signal, throwOnError: true })),
  });
  const appendixQ = useQuery(plansAppendixOptions({ path }));
  const etag = planQ.data?.etag ?? null;
  const refresh = () => {
    setDialog(null);
    setReason('');
    // what a change of the plan or its appendix touches: the plan, its appendix, its history, the list of plans
    for (const queryKey of [plansGetQueryKey({ path }), plansAppendixQueryKey({ path }), plansHistoryQueryKey({ path })]) void qc.invalidateQueries({ queryKey });
    onChanged();
  };
  const saved = () => {
    message.success(t('saved'));
    refresh();
  };

  const closePlan = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await plansClose({ path, headers: etag ? { 'If-Match': etag } : {}, throwOnError: true });
      saved();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  const deleteTask = async (task: TaskRead, issued: boolean) => {
    setBusy(true);
    setFailure(null);
    try {
      const fresh = await etagged(tasksGet({ path: { task_id: task.id }, throwOnError: true }));
      await tasksDelete({
        path: { task_id: task.id },
        query: issued ? { reason: reason.trim() } : undefined,
        headers: fresh.etag ? { 'If-Match': fresh.etag } : {},
        throwOnError: true,
      });
      message.success(t('saved'));
      refresh();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Guard loading={planQ.isPending || appendixQ.isPending} error={planQ.error ?? appendixQ.error} item>
      {() => {
        if (!planQ.data || !appendixQ.data) return null;
        const plan = planQ.data.data;
        const appendix = appendixQ.data;
        const may = planActions(plan.status, can('plans:manage'));
        const issuer = units.find((u) => u.id === plan.issuing_unit_id)?.name;
        return (
          <div className="plan-view">
            <Card size="small" style={{ marginBottom: 16 }}>
              <Typography.Title level={2} style={{ fontSize: 20, marginTop: 0 }}>
                {plan.title}
              </Typography.Title>
              <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                <Descriptions.Item label={t('plNumber')}>{plan.display_number}</Descriptions.Item>
                <Descriptions.Item label={t('plYear')}>{plan.year}</Descriptions.Item>
                <Descriptions.Item label={t('status')}>
                  <Tag color={STATUS_COLORS[plan.status]} data-testid="plan-status">
                    {label(plan.status)}
                  </Tag>
                </Descriptions.Item>
                {issuer && <Descriptions.Item label={t('plIssuingUnit')}>{issuer}</Descriptions.Item>}
                <Descriptions.Item label={t('plIssueDate')}>{plan.issue_date ? date(plan.issue_date) : '—'}</Descriptions.Item>
                <Descriptions.Item label={t('plSigner')}>{[plan.signer_title, plan.signer].filter(Boolean).join(' ') || '—'}</Descriptions.Item>
              </Descriptions>
              {plan.status === 'draft' && <p className="pl-note">{t('plDraftHelp')}</p>}
              <ProblemAlert error={failure} />
              <Space wrap>
                {may.edit && <Button onClick={() => setDialog({ kind: 'edit' })}>{t('plEdit')}</Button>}
                {may.tasks && <Button onClick={() => setDialog({ kind: 'section' })}>{t('plAddSection')}</Button>}
                {may.tasks && <Button onClick={() => setDialog({ kind: 'task' })}>{t('plAddTask')}</Button>}
                {may.issue && (
                  <Button type="primary" onClick={() => setDialog({ kind: 'issue' })}>
                    {t('plIssue')}
                  </Button>
                )}
                {may.amend && <Button onClick={() => setDialog({ kind: 'amend' })}>{t('plAmend')}</Button>}
                {may.close && (
                  <Button danger onClick={() => setDialog({ kind: 'close' })}>
                    {t('plClose')}
                  </Button>
                )}
              </Space>
            </Card>
            <AppendixTable
              appendix={appendix}
              units={units}
              editable={may.tasks}
              onEdit={(task) => setDialog({ kind: 'editTask', task })}
              onDelete={(task) => setDialog({ kind: 'deleteTask', task })}
              onEditSection={(section) => setDialog({ kind: 'editSection', section })}
            />
            {can('plans:manage') && (
              <div className="no-print">
                <PlanHistory planId={plan.id} units={units} sections={appendix.sections} />
              </div>
            )}

            {(dialog?.kind === 'edit' || dialog?.kind === 'amend') && (
              <PlanFormModal mode={dialog.kind} plan={plan} etag={etag} frameworks={frameworks} onClose={() => setDialog(null)} onSaved={saved} />
            )}
            {(dialog?.kind === 'section' || dialog?.kind === 'editSection') && (
              <SectionModal
                plan={plan}
                etag={etag}
                section={dialog.kind === 'editSection' ? dialog.section : undefined}
                onClose={() => setDialog(null)}
                onSaved={() => {
                  message.success(t('saved'));
                  refresh();
                }}
              />
            )}
            {dialog?.kind === 'issue' && <IssueModal plan={plan} etag={etag} onClose={() => setDialog(null)} onIssued={saved} />}
            {(dialog?.kind === 'task' || dialog?.kind === 'editTask') && (
              <TaskModal
                plan={plan}
                appendix={appendix}
                task={dialog.kind === 'editTask' ? dialog.task : undefined}
                units={units}
                onClose={() => setDialog(null)}
                onSaved={() => {
                  message.success(t('saved'));
                  refresh();
                }}
              />
            )}
            {dialog?.kind === 'close' && (
              <Modal open title={t('plClose')} okText={t('plClose')} okButtonProps={{ danger: true }} cancelText={t('admCancel')} confirmLoading={busy} onCancel={() => setDialog(null)} onOk={() => void closePlan()}>
                <p>{t('plCloseHelp')}</p>
                <ProblemAlert error={failure} />
              </Modal>
            )}
            {dialog?.kind === 'deleteTask' && (
              <Modal
                open
                title={`${t('plDeleteTask')} ${dialog.task.label}`}
                okText={t('plDeleteShort')}
                okButtonProps={{ danger: true, disabled: may.needsReason && !reason.trim() }}
                cancelText={t('admCancel')}
                confirmLoading={busy}
                onCancel={() => {
                  setDialog(null);
                  setFailure(null);
                }}
                onOk={() => void deleteTask(dialog.task, may.needsReason)}
              >
                <p>{dialog.task.title}</p>
                <ProblemAlert error={failure instanceof ApiError ? failure : null} />
                {may.needsReason && (
                  <>
                    <label htmlFor="pl-del-reason">{t('plReason')}</label>
                    <Input.TextArea id="pl-del-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
                  </>
                )}
              </Modal>
            )}
          </div>
        );
      }}
    </Guard>
  );
}
