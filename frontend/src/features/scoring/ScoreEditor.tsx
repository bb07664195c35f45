import { Button, Checkbox, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useAuth } from '../../auth';
import DraftNote from '../../components/DraftNote';
import { draftKey, useDraft } from '../../components/useDraft';
import { useLeaveGuard } from '../../components/useLeaveGuard';
import { useI18n } from '../../i18n';
import { EvidencePicker } from './EvidencePicker';
import { decimalText, fieldErrors, pts, type SheetNodeT } from './model';

interface Rule {
  kind: string;
  options: { label: string; label_en?: string | null; points: string }[];
  value_label?: string | null;
  value_unit?: string | null;
}

/** Tự chấm one leaf: the input the rule asks for (option, measured value, points), comment, giải trình (required
 * without evidence), evidence. Values are sent as typed — the API computes the points and never clamps them. */
export function ScoreEditor(props: {
  sheetId: number;
  node: SheetNodeT;
  canUpload: boolean;
  save: (body: Record<string, unknown>) => Promise<unknown>;
}) {
  const { t, lang } = useI18n();
  const { node } = props;
  const rule = node.rule as unknown as Rule;
  const s = node.score;
  const [option, setOption] = useState<number | undefined>(s?.option_index ?? undefined);
  const [measured, setMeasured] = useState(s?.measured_value ? pts(s.measured_value, lang) : '');
  const [manual, setManual] = useState(rule.kind === 'manual' || !!s?.manual);
  const [points, setPoints] = useState(s?.manual || rule.kind === 'manual' ? pts(s?.self_points, lang).replace('–', '') : '');
  const [comment, setComment] = useState(s?.comment ?? '');
  const { me } = useAuth();
  // the giải trình survives a reload until saved (sessionStorage, per user and criterion of this sheet)
  const draft = useDraft(draftKey(me?.id, 'sheet', props.sheetId, node.id, 'explanation'), s?.explanation ?? '');
  const { value: explanation, setValue: setExplanation } = draft;
  useLeaveGuard(explanation !== (s?.explanation ?? ''), t('unsavedLeave'));
  const [evidence, setEvidence] = useState<number[]>((s?.evidence ?? []).map((e) => e.id));
  const [picking, setPicking] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const titles = new Map((s?.evidence ?? []).map((e) => [e.id, e.title]));

  const submit = async () => {
    const body: Record<string, unknown> = { comment: comment || null, explanation: explanation || null, evidence_ids: evidence };
    if (manual) body.manual_points = decimalText(points);
    else if (rule.kind === 'options') body.option_index = option ?? null;
    else body.measured_value = decimalText(measured);
    setBusy(true);
    setErrors({});
    try {
      await props.save(body);
      draft.clear();
    } catch (e) {
      const fe = fieldErrors(e, lang);
      setErrors(Object.keys(fe).length ? fe : { _: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const id = (f: string) => `sc-${node.id}-${f}`;
  const noEvidence = evidence.length === 0;
  return (
    <Form layout="vertical" component="div" data-testid={`score-editor-${node.code}`}>
      {rule.kind === 'options' && !manual && (
        <Form.Item label={t('scOption')} htmlFor={id('option')} validateStatus={errors.option_index ? 'error' : undefined} help={errors.option_index}>
          <Select
            id={id('option')}
            value={option}
            onChange={setOption}
            placeholder={t('scChooseOption')}
            options={rule.options.map((o, i) => ({ value: i, label: `${(lang === 'en' && o.label_en) || o.label}: ${pts(o.points, lang)}` }))}
          />
        </Form.Item>
      )}
      {(rule.kind === 'thresholds' || rule.kind === 'deduction') && !manual && (
        <Form.Item
          label={rule.value_label || t('scMeasured')}
          htmlFor={id('measured')}
          validateStatus={errors.measured_value ? 'error' : undefined}
          help={errors.measured_value}
        >
          <Input id={id('measured')} inputMode="decimal" value={measured} onChange={(e) => setMeasured(e.target.value)} suffix={rule.value_unit ?? undefined} />
        </Form.Item>
      )}
      {rule.kind !== 'manual' && (
        <Checkbox checked={manual} onChange={(e) => setManual(e.target.checked)} style={{ marginBottom: 8 }}>
          {t('scManualOverride')}
        </Checkbox>
      )}
      {manual && (
        <Form.Item label={t('scPoints')} htmlFor={id('points')} validateStatus={errors.manual_points ? 'error' : undefined} help={errors.manual_points}>
          <Input id={id('points')} inputMode="decimal" value={points} onChange={(e) => setPoints(e.target.value)} />
        </Form.Item>
      )}
      <Form.Item
        label={t('scComment')}
        htmlFor={id('comment')}
        required={manual && rule.kind !== 'manual'}
        validateStatus={errors.comment ? 'error' : undefined}
        help={errors.comment}
      >
        <Input.TextArea id={id('comment')} rows={1} autoSize value={comment} onChange={(e) => setComment(e.target.value)} />
      </Form.Item>
      <Form.Item label={t('scEvidence')}>
        <Space wrap>
          {evidence.map((eid) => (
            <Tag key={eid} closable onClose={() => setEvidence((x) => x.filter((y) => y !== eid))}>
              {titles.get(eid) ?? `#${eid}`}
            </Tag>
          ))}
          <Button size="small" onClick={() => setPicking(true)}>
            {t('scPickEvidence')}
          </Button>
        </Space>
        {errors.evidence_ids && <Typography.Text type="danger">{errors.evidence_ids}</Typography.Text>}
      </Form.Item>
      <Form.Item
        label={t('scExplanation')}
        htmlFor={id('explanation')}
        required={noEvidence}
        extra={noEvidence ? t('scExplanationRequired') : undefined}
      >
        <DraftNote show={draft.restored} onDiscard={draft.discard} />
        <Input.TextArea id={id('explanation')} rows={2} value={explanation} onChange={(e) => setExplanation(e.target.value)} />
      </Form.Item>
      {errors._ && <Typography.Text type="danger">{errors._}</Typography.Text>}
      <Button type="primary" onClick={submit} loading={busy} data-testid={`save-${node.code}`}>
        {t('scSaveScore')}
      </Button>
      {picking && (
        <EvidencePicker
          sheetId={props.sheetId}
          nodeId={node.id}
          selected={evidence}
          canUpload={props.canUpload}
          onClose={(ids) => {
            setPicking(false);
            if (ids) setEvidence(ids);
          }}
        />
      )}
    </Form>
  );
}
