import { Button, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { decimalText, fieldErrors, type SheetNodeT } from './model';

/** Thẩm định one node: accept, adjust (exact points within the rule's bounds, with a reason) or return (reason). */
export function AppraisalControls(props: { node: SheetNodeT; save: (body: Record<string, unknown>) => Promise<unknown> }) {
  const { t, lang } = useI18n();
  const { node } = props;
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState(node.score?.appraisal_reason ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const send = async (state: string) => {
    setBusy(state);
    setErrors({});
    try {
      await props.save({ state, points: state === 'adjusted' ? decimalText(points) : null, reason: reason || null });
    } catch (e) {
      const fe = fieldErrors(e, lang);
      setErrors(Object.keys(fe).length ? fe : { _: (e as Error).message });
    } finally {
      setBusy(null);
    }
  };
  const id = (f: string) => `ap-${node.id}-${f}`;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid={`appraise-${node.code}`}>
      <Space wrap>
        <label htmlFor={id('points')}>{t('scAppraisedPoints')}</label>
        <Input id={id('points')} inputMode="decimal" style={{ width: 100 }} value={points} onChange={(e) => setPoints(e.target.value)} status={errors.points ? 'error' : undefined} />
        <label htmlFor={id('reason')}>{t('scReason')}</label>
        <Input id={id('reason')} style={{ minWidth: 240 }} value={reason} onChange={(e) => setReason(e.target.value)} status={errors.reason ? 'error' : undefined} />
      </Space>
      {(errors.points || errors.reason || errors._) && <Typography.Text type="danger">{errors.points || errors.reason || errors._}</Typography.Text>}
      <Space wrap>
        <Button size="small" onClick={() => send('accepted')} loading={busy === 'accepted'}>
          {t('scAccept')}
        </Button>
        <Button size="small" onClick={() => send('adjusted')} loading={busy === 'adjusted'} data-testid={`adjust-${node.code}`}>
          {t('scAdjust')}
        </Button>
        <Button size="small" danger onClick={() => send('returned')} loading={busy === 'returned'}>
          {t('scReturnNode')}
        </Button>
      </Space>
    </Space>
  );
}
