import { Alert, Button, Descriptions, Drawer, List, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { download } from '../../api/http';
import { authFetch } from '../../api/session';
import { taskLabel, taskTitle, type AssignmentRead, type EvidenceRead } from '../../api/types';
import { evidenceListAssignmentOptions } from '../../client/@tanstack/react-query.gen';
import AssignmentHistory from '../assignments/AssignmentHistory';
import { BucketTag, Guard } from '../../components/common';
import { useI18n } from '../../i18n';

interface Props {
  item: AssignmentRead | null;
  index: number;
  count: number;
  busy: boolean;
  onPrev: () => void;
  onNext: () => void;
  onClose: () => void;
  onApprove: (a: AssignmentRead) => void;
  onReturn: (a: AssignmentRead) => void;
}

/** The side panel of the review queue: the submitted item, its evidence (preview, download) and its history, with
 *  previous / next (also j / k) and approve / return. */
export default function ReviewDrawer({ item, index, count, busy, onPrev, onNext, onClose, onApprove, onReturn }: Props) {
  const { t, date, dateTime } = useI18n();
  const a = item;
  return (
    <Drawer
      open={!!a}
      onClose={onClose}
      size="large"
      mask={false}
      title={a ? `${taskLabel(a) ? `${taskLabel(a)}. ` : ''}${taskTitle(a)}` : t('reviewPanelTitle')}
      data-testid="review-drawer"
      footer={
        a && (
          <Space wrap>
            <Button onClick={onPrev} disabled={index <= 0} aria-keyshortcuts="k ArrowUp">
              ↑ {t('reviewPrev')}
            </Button>
            <Button onClick={onNext} disabled={index >= count - 1} aria-keyshortcuts="j ArrowDown">
              ↓ {t('reviewNext')}
            </Button>
            <Button type="primary" loading={busy} disabled={a.status !== 'submitted'} onClick={() => onApprove(a)}>
              {t('approve')}
            </Button>
            <Button danger disabled={busy || a.status !== 'submitted'} onClick={() => onReturn(a)}>
              {t('return')}
            </Button>
          </Space>
        )
      }
    >
      {a && (
        <>
          <Typography.Paragraph type="secondary">
            {t('reviewPosition').replace('{i}', String(index + 1)).replace('{n}', String(count))}
          </Typography.Paragraph>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('unit')}>{a.unit_name}</Descriptions.Item>
            <Descriptions.Item label={t('due')}>
              {date(a.due_date)} <BucketTag value={a.bucket} days={a.days_overdue} />
            </Descriptions.Item>
            <Descriptions.Item label={t('submittedAt')}>
              {dateTime(a.submitted_at)}
              {a.days_waiting != null ? ` (${t('reviewWaited').replace('{n}', String(a.days_waiting))})` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('progress')}>{a.progress} %</Descriptions.Item>
            <Descriptions.Item label={t('completedDate')}>{date(a.completed_date)}</Descriptions.Item>
            <Descriptions.Item label={t('result')}>{a.result}</Descriptions.Item>
            {a.explanation && <Descriptions.Item label={t('explanation')}>{a.explanation}</Descriptions.Item>}
          </Descriptions>
          <p>
            <Link to={`/assignments/${a.id}`}>{t('reviewOpenFull')}</Link>
          </p>
          <Evidence id={a.id} />
          <AssignmentHistory id={a.id} headingId="rv-hs-title" />
        </>
      )}
    </Drawer>
  );
}

const PREVIEWABLE = /^(image\/(png|jpeg|gif|webp)|application\/pdf)$/;

function Evidence({ id }: { id: number }) {
  const { t, date } = useI18n();
  const list = useQuery(evidenceListAssignmentOptions({ path: { assignment_id: id }, query: { limit: 100 } }));
  const [preview, setPreview] = useState<{ aid: number; url: string; title: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview.url) : undefined), [preview]);

  /** Images open inside the panel; a PDF in a new tab (the page's CSP allows blob: images, not frames). */
  const show = async (e: EvidenceRead) => {
    setError(null);
    const res = await authFetch(`/api/v1/evidence/${e.id}/content`);
    if (!res.ok) {
      setError(t('reviewLoadError'));
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    if (e.mime.startsWith('image/')) setPreview({ aid: id, url, title: e.title });
    else {
      window.open(url, '_blank', 'noopener');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }
  };

  return (
    <section aria-labelledby="rv-ev-title">
      <h3 id="rv-ev-title">{t('evidence')}</h3>
      {error && <Alert type="error" title={error} />}
      <Guard loading={list.isPending} error={list.error}>
        {() => (
          <List
            size="small"
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: t('reviewNoEvidence') }}
            renderItem={(e) => (
              <List.Item
                actions={[
                  PREVIEWABLE.test(e.mime) && (
                    <Button key="p" size="small" aria-label={`${t('reviewPreview')} ${e.title}`} onClick={() => show(e).catch(() => setError(t('reviewLoadError')))}>
                      {t('reviewPreview')}
                    </Button>
                  ),
                  <Button key="d" size="small" aria-label={`${t('download')} ${e.filename}`} onClick={() => download(`/evidence/${e.id}/content`, e.filename).catch(() => setError(t('reviewLoadError')))}>
                    {t('download')}
                  </Button>,
                ].filter(Boolean)}
              >
                <List.Item.Meta
                  title={e.title}
                  description={[e.doc_number, e.issue_date ? date(e.issue_date) : null, e.issuing_body, e.filename].filter(Boolean).join(' · ')}
                />
              </List.Item>
            )}
          />
        )}
      </Guard>
      {preview?.aid === id && (
        <figure style={{ margin: '8px 0' }}>
          <img src={preview.url} alt={preview.title} style={{ maxWidth: '100%' }} />
          <figcaption>{preview.title}</figcaption>
        </figure>
      )}
    </section>
  );
}
