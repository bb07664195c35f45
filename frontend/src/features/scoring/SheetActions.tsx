import { Button, Input, Modal, Radio, Space } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import type { SheetStep } from './model';

type Run = (step: SheetStep) => Promise<boolean>;

/** Workflow buttons, only those in ``allowed_actions``; reasons are asked in a dialog. */
export function SheetActions({ actions, run, busy }: { actions: string[]; run: Run; busy: boolean }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState<'return' | 'reopen' | null>(null);
  const [reason, setReason] = useState('');
  const [to, setTo] = useState<'under_appraisal' | 'in_progress'>('under_appraisal');
  const has = (a: string) => actions.includes(a);
  const close = () => {
    setAsking(null);
    setReason('');
  };
  return (
    <Space wrap data-testid="sheet-actions">
      {has('submit') && (
        <Button type="primary" loading={busy} onClick={() => run({ kind: 'submit' })}>
          {t('scSubmit')}
        </Button>
      )}
      {has('appraise') && (
        <Button loading={busy} onClick={() => run({ kind: 'acceptAll' })}>
          {t('scAcceptAll')}
        </Button>
      )}
      {has('finish_appraisal') && (
        <Button type="primary" loading={busy} onClick={() => run({ kind: 'finishAppraisal' })}>
          {t('scFinish')}
        </Button>
      )}
      {has('return') && (
        <Button danger onClick={() => setAsking('return')}>
          {t('scReturnSheet')}
        </Button>
      )}
      {has('approve') && (
        <Button type="primary" loading={busy} onClick={() => run({ kind: 'approve' })}>
          {t('scApprove')}
        </Button>
      )}
      {has('reopen') && <Button onClick={() => setAsking('reopen')}>{t('scReopen')}</Button>}
      {asking && (
        <Modal
          open
          title={asking === 'return' ? t('scReturnSheet') : t('scReopen')}
          okText={asking === 'return' ? t('scReturnSheet') : t('scReopen')}
          cancelText={t('admCancel')}
          okButtonProps={{ disabled: asking === 'reopen' && !reason.trim() }}
          onCancel={close}
          onOk={async () => {
            const step: SheetStep = asking === 'return' ? { kind: 'return', body: { reason: reason || null } } : { kind: 'reopen', body: { reason, to } };
            if (await run(step)) close();
          }}
        >
          <label htmlFor="sc-reason">{t('scReason')}</label>
          <Input.TextArea id="sc-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
          {asking === 'reopen' && (
            <Radio.Group value={to} onChange={(e) => setTo(e.target.value)} style={{ marginTop: 12 }} aria-label={t('scReopenTo')}>
              <Radio value="under_appraisal">{t('scStUnderAppraisal')}</Radio>
              <Radio value="in_progress">{t('scStInProgress')}</Radio>
            </Radio.Group>
          )}
        </Modal>
      )}
    </Space>
  );
}
