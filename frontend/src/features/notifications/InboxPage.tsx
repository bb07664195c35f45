import { Button, Card, List, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, apiGet, type Page } from '../../api/http';
import type { NotificationRead } from '../../client/types.gen';
import { Guard, ProblemAlert, useLoad } from '../../components/common';
import { announceChange, useWords } from './words';

/** Hộp thư thông báo: the caller's messages, newest first; opening one marks it read. */
export default function InboxPage() {
  const { w, kindLabel, dateTime } = useWords();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const list = useLoad(
    () => apiGet<Page<NotificationRead>>(`/notifications?limit=100${unreadOnly ? '&unread=true' : ''}`),
    [unreadOnly],
  );
  const act = async (path: string) => {
    try {
      await api(path, { method: 'POST' });
      setError(null);
      list.reload();
      announceChange();
    } catch (e) {
      setError(e);
    }
  };
  const items = list.data?.items ?? [];
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {w('title')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<string>
          aria-label={w('unreadOnly')}
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(v) => setUnreadOnly(v === 'unread')}
          options={[
            { label: w('all'), value: 'all' },
            { label: w('unreadOnly'), value: 'unread' },
          ]}
        />
        <Button onClick={() => act('/notifications/read-all')} disabled={!items.some((i) => !i.read_at)}>
          {w('markAll')}
        </Button>
      </Space>
      {error ? <ProblemAlert error={error} /> : null}
      <Card size="small">
        <Guard loading={list.loading} error={list.error}>
          {() => (
            <List<NotificationRead>
              dataSource={items}
              locale={{ emptyText: w('empty') }}
              renderItem={(m) => (
                <List.Item
                  data-testid="notification-item"
                  style={{ background: m.read_at ? undefined : '#f0f6ff' }}
                  actions={[
                    <Link key="open" to={m.link} onClick={() => !m.read_at && act(`/notifications/${m.id}/read`)}>
                      {w('open')}
                    </Link>,
                    m.read_at ? (
                      <span key="read">{w('read')}</span>
                    ) : (
                      <Button key="mark" size="small" onClick={() => act(`/notifications/${m.id}/read`)}>
                        {w('markRead')}
                      </Button>
                    ),
                  ]}
                >
                  <List.Item.Meta
                    title={
                      <Space wrap>
                        {!m.read_at && <Tag color="#0b5cab">{w('unread')}</Tag>}
                        <Tag>{kindLabel(m.kind)}</Tag>
                        <span style={{ fontWeight: m.read_at ? 400 : 600 }}>{m.title}</span>
                      </Space>
                    }
                    description={
                      <>
                        <div>{m.body}</div>
                        <small>{dateTime(m.created_at)}</small>
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          )}
        </Guard>
      </Card>
    </>
  );
}
