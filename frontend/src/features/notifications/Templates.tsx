import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Radio, Select, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import {
  notificationsListTemplatesOptions,
  notificationsListTemplatesQueryKey,
  notificationsPreviewTemplateMutation,
  notificationsPutTemplateMutation,
  notificationsResetTemplateMutation,
} from '../../client/@tanstack/react-query.gen';
import type { NotificationTemplateRead, TemplatePreview, TemplatesRead } from '../../client/types.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { useWords } from './words';

// Shapes of /notifications/templates (the generated client's).
export type TemplateItem = NotificationTemplateRead;
export type TemplatesList = TemplatesRead;
interface Draft {
  subject: string;
  text: string;
  html: string;
}

const toDraft = (t: TemplateItem): Draft => ({ subject: t.subject, text: t.text, html: t.html ?? '' });

/** One kind in one language: the form, preview, save and reset (keyed by the item, so it starts from it). */
function Editor({
  item,
  unitId,
  placeholders,
  onStored,
}: {
  item: TemplateItem;
  unitId: number;
  placeholders: TemplatesList['placeholders'];
  onStored: (next: TemplateItem, notice: string) => void;
}) {
  const { w } = useWords();
  const [draft, setDraft] = useState<Draft>(() => toDraft(item));
  const [preview, setPreview] = useState<TemplatePreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const path = { unit_id: unitId, kind: item.kind, language: item.language };
  const body = () => ({ subject: draft.subject, text: draft.text, html: draft.html.trim() ? draft.html : null });
  const onError = (e: unknown) => setError(e);
  const previewIt = useMutation({ ...notificationsPreviewTemplateMutation(), onSuccess: setPreview, onError });
  const save = useMutation({ ...notificationsPutTemplateMutation(), onSuccess: (next) => onStored(next, w('tplSaved')), onError });
  const reset = useMutation({ ...notificationsResetTemplateMutation(), onSuccess: (next) => onStored(next, w('tplResetDone')), onError });
  const run = (action: 'preview' | 'save' | 'reset') => {
    setError(null);
    if (action === 'preview') previewIt.mutate({ path, body: body() });
    else if (action === 'save') save.mutate({ path, body: body(), headers: { 'If-Match': item.etag } });
    else reset.mutate({ path, headers: { 'If-Match': item.etag } });
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <label htmlFor="tpl-subject">{w('tplSubject')}</label>
      <Input id="tpl-subject" value={draft.subject} maxLength={300} onChange={(e) => setDraft({ ...draft, subject: e.target.value })} />
      <label htmlFor="tpl-text">{w('tplText')}</label>
      <Input.TextArea id="tpl-text" rows={3} value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.target.value })} />
      <label htmlFor="tpl-html">{w('tplHtml')}</label>
      <Input.TextArea id="tpl-html" rows={3} value={draft.html} onChange={(e) => setDraft({ ...draft, html: e.target.value })} />
      <div>
        <Typography.Text strong>{w('tplFields')}: </Typography.Text>
        {placeholders.map((p) => (
          <Tag key={p.name}>
            {`{${p.name}}`} — {p.label}
          </Tag>
        ))}
      </div>
      <Space wrap>
        <Button onClick={() => run('preview')}>{w('tplPreview')}</Button>
        <Button type="primary" onClick={() => run('save')}>
          {w('tplSave')}
        </Button>
        {item.customized && <Button onClick={() => run('reset')}>{w('tplReset')}</Button>}
      </Space>
      {error ? <ProblemAlert error={error} /> : null}
      {preview && (
        <Card size="small" title={w('tplPreviewTitle')} data-testid="template-preview">
          <Typography.Paragraph strong>{preview.subject}</Typography.Paragraph>
          <Typography.Paragraph className="user-text">{preview.text}</Typography.Paragraph>
          {draft.html.trim() && (
            <iframe title={w('tplHtmlFrame')} sandbox="" srcDoc={preview.html} style={{ width: '100%', height: 160, border: '1px solid #d9d9d9' }} />
          )}
        </Card>
      )}
    </Space>
  );
}

/** Mẫu thông báo của huyện (Phòng Nội vụ): its own subject / text / HTML per kind and language, checked by the
 *  server before it is stored, previewed with sample values; the shipped text stays the default. */
export default function NotificationTemplates({ unitId }: { unitId: number }) {
  const { w, kindLabel } = useWords();
  const qc = useQueryClient();
  const list = useQuery(notificationsListTemplatesOptions({ path: { unit_id: unitId } }));
  const [kind, setKind] = useState('returned');
  const [language, setLanguage] = useState<'vi' | 'en'>('vi');
  const [notice, setNotice] = useState<string | null>(null);
  const item = list.data?.items.find((i) => i.kind === kind && i.language === language) ?? null;
  const kinds = useMemo(() => [...new Set((list.data?.items ?? []).map((i) => i.kind))], [list.data]);
  const stored = (next: TemplateItem, message: string) => {
    // the stored text (and its new ETag) replaces the item in the cached list
    qc.setQueryData<TemplatesList>(notificationsListTemplatesQueryKey({ path: { unit_id: unitId } }), (d) =>
      d && { ...d, items: d.items.map((i) => (i.kind === next.kind && i.language === next.language ? next : i)) },
    );
    setNotice(message);
  };
  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      data-testid="notification-templates"
      title={<Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>{w('tplTitle', list.data?.unit_name ?? '')}</Typography.Title>}
    >
      <Guard loading={list.isPending} error={list.error}>
        {() =>
          list.data &&
          item && (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Typography.Paragraph style={{ margin: 0 }}>{w('tplHelp')}</Typography.Paragraph>
              <Space wrap>
                <label htmlFor="tpl-kind">{w('tplKind')}</label>
                <Select<string>
                  id="tpl-kind"
                  style={{ minWidth: 300 }}
                  value={kind}
                  onChange={(k) => {
                    setKind(k);
                    setNotice(null);
                  }}
                  options={kinds.map((k) => ({ value: k, label: kindLabel(k) }))}
                />
                <Radio.Group
                  aria-label={w('tplLanguage')}
                  value={language}
                  onChange={(e) => {
                    setLanguage(e.target.value as 'vi' | 'en');
                    setNotice(null);
                  }}
                  options={[
                    { value: 'vi', label: w('tplVi') },
                    { value: 'en', label: w('tplEn') },
                  ]}
                  optionType="button"
                />
                <Tag color={item.customized ? 'blue' : 'default'}>{item.customized ? w('tplCustom') : w('tplDefault')}</Tag>
              </Space>
              <Editor key={`${item.kind}-${item.language}-${item.etag}`} item={item} unitId={unitId} placeholders={list.data.placeholders} onStored={stored} />
              {notice && <Alert type="success" showIcon title={notice} />}
            </Space>
          )
        }
      </Guard>
    </Card>
  );
}
