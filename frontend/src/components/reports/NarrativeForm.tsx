import { Button, Col, Form, Input, Row, Typography, type FormInstance } from 'antd';
import { useEffect, type ReactNode, type RefObject } from 'react';
import type { ReportDetail } from '../../client/types.gen';
import { useI18n, type Key } from '../../i18n';
import { SECTION_KEYS } from './labels';
import { initialValues, NARRATIVE_SECTIONS, type NarrativeValues } from './model';

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
      <Form<NarrativeValues> form={form} name="report" layout="vertical" initialValues={init} onFinish={onSave} aria-labelledby="narrative-title">
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
        {alert}
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('rpSaveDraft')}
        </Button>
      </Form>
    </section>
  );
}
