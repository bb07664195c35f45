import { Button, Col, Form, Input, Row, Typography, type FormInstance } from 'antd';
import { useEffect, useState, type ReactNode, type RefObject } from 'react';
import { useAuth } from '../../auth';
import type { ReportDetail } from '../../client/types.gen';
import { useI18n, type Key } from '../../i18n';
import { SECTION_KEYS } from './labels';
import { initialValues, NARRATIVE_SECTIONS, type NarrativeValues } from './model';
import DraftNote from '../../components/DraftNote';
import { draftKey, readDraft, writeDraft } from '../../components/useDraft';
import { useLeaveGuard } from '../../components/useLeaveGuard';

/** The drafted content of a report: editable while draft or returned (and the caller may edit), else read-only. */
export default function NarrativeForm({
  report,
  formRef,
  editable,
  saving,
  onSave,
  alert,
}: {
  report: ReportDetail;
  /** Set to this form while it is mounted: the page saves unsaved content before submitting. */
  formRef: RefObject<FormInstance<NarrativeValues> | null>;
  editable: boolean;
  saving: boolean;
  onSave: (v: NarrativeValues) => void;
  /** A failed save (412 conflict, 422…), shown next to the button that caused it. */
  alert?: ReactNode;
}) {
  const { t } = useI18n();
  // One form store per mount: the page remounts this component for every new version of the report.
  const [form] = Form.useForm<NarrativeValues>();
  useEffect(() => {
    if (!editable) return;
    formRef.current = form;
    return () => {
      formRef.current = null;
    };
  }, [editable, form, formRef]);
  const init = initialValues(report);
  const watched = Form.useWatch([], form) as Partial<NarrativeValues> | undefined;
  // Unsaved fields kept in sessionStorage (per user and report) until saved: after a reload they are put back, marked
  // touched (the page then saves them before a submit), with a note and a way to discard them. A stored field equal to
  // the report's text (it has been saved since) is dropped.
  const { me } = useAuth();
  const key = editable ? draftKey(me?.id, 'report', report.id, 'narrative') : null;
  const [restored] = useState(() => {
    let stored: Record<string, unknown> = {};
    try {
      stored = JSON.parse(readDraft(key) ?? '{}') as Record<string, unknown>;
    } catch {
      /* not ours */
    }
    const kept = Object.entries(stored).filter(([k, v]) => k in init && typeof v === 'string' && v !== init[k as keyof NarrativeValues]);
    writeDraft(key, kept.length ? JSON.stringify(Object.fromEntries(kept)) : null);
    return kept;
  });
  const [dirty, setDirty] = useState(restored.length > 0);
  const [showNote, setShowNote] = useState(restored.length > 0);
  useEffect(() => {
    if (restored.length) form.setFields(restored.map(([name, value]) => ({ name: name as keyof NarrativeValues, value, touched: true })));
  }, [form, restored]);
  useLeaveGuard(editable && dirty, t('unsavedLeave'));
  const onValuesChange = (_: unknown, all: NarrativeValues) => {
    const changed = Object.entries(all).filter(([k, v]) => (v ?? '') !== (init[k as keyof NarrativeValues] ?? ''));
    writeDraft(key, changed.length ? JSON.stringify(Object.fromEntries(changed)) : null);
    setDirty(changed.length > 0);
  };
  const discard = () => {
    writeDraft(key, null);
    form.resetFields();
    setDirty(false);
    setShowNote(false);
  };
  if (!editable) {
    const meta: [Key, string][] = [
      ['rpNumber', init.number],
      ['rpTitle', init.title],
      ['rpSigner', init.signer],
      ['rpSignerTitle', init.signer_title],
    ];
    return (
      <section aria-labelledby="narrative-title">
        <Typography.Title level={3} id="narrative-title" style={{ fontSize: 18 }}>
          {t('rpNarrative')}
        </Typography.Title>
        <dl className="rp-narrative" style={{ margin: 0 }}>
          {meta
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <div key={k} style={{ marginBottom: 8 }}>
                <dt style={{ fontWeight: 600 }}>{t(k)}</dt>
                <dd style={{ margin: 0 }}>{v}</dd>
              </div>
            ))}
          {NARRATIVE_SECTIONS.map((k) => (
            <div key={k} style={{ marginBottom: 12 }}>
              <dt style={{ fontWeight: 600 }}>{t(SECTION_KEYS[k])}</dt>
              <dd style={{ margin: 0, whiteSpace: 'pre-wrap' }} data-testid={`narrative-${k}`}>
                {init[k] || <span style={{ color: 'rgba(0,0,0,0.68)' }}>{t('rpEmptySection')}</span>}
              </dd>
            </div>
          ))}
        </dl>
      </section>
    );
  }
  return (
    <section aria-labelledby="narrative-title">
      <Typography.Title level={3} id="narrative-title" style={{ fontSize: 18 }}>
        {t('rpNarrative')}
      </Typography.Title>
      <p style={{ color: 'rgba(0,0,0,0.72)', marginTop: 0 }}>{t('rpNarrativeHelp')}</p>
      <DraftNote show={showNote} onDiscard={discard} />
      <Form<NarrativeValues> form={form} name="report" layout="vertical" initialValues={init} onFinish={onSave} onValuesChange={onValuesChange} aria-labelledby="narrative-title">
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item label={t('rpNumber')} name="number" rules={[{ max: 60 }]}>
              <Input placeholder="15/BC-UBND" maxLength={60} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item label={t('rpTitle')} name="title" rules={[{ max: 500 }]}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('rpSigner')} name="signer" rules={[{ max: 200 }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('rpSignerTitle')} name="signer_title" rules={[{ max: 200 }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
        {NARRATIVE_SECTIONS.map((k) => (
          <Form.Item key={k} label={t(SECTION_KEYS[k])} name={k} rules={[{ max: 50000 }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 16 }} />
          </Form.Item>
        ))}
        {/* Paper: the text boxes are left out (print.css); the sections are printed as text, as they stand now. */}
        <div className="print-only print-narrative">
          {NARRATIVE_SECTIONS.map((k) => (
            <div key={k}>
              <h4>{t(SECTION_KEYS[k])}</h4>
              <p>{(watched?.[k] as string | undefined) ?? ''}</p>
            </div>
          ))}
        </div>
        {alert}
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('rpSaveDraft')}
        </Button>
      </Form>
    </section>
  );
}
