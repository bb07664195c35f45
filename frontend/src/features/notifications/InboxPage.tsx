import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, List, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import {
  notificationsListOptions,
  notificationsListQueryKey,
  notificationsReadAllMutation,
  notificationsReadMutation,
  notificationsUnreadCountQueryKey,
} from '../../client/@tanstack/react-query.gen';
import type { NotificationRead } from '../../client/types.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { announceChange, useWords } from './words';

/** Hộp thư thông báo: the caller's messages, newest first; opening one marks it read. */
export default function InboxPage() {
  const { w, kindLabel, dateTime } = useWords();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const qc = useQueryClient();
  const list = useQuery(notificationsListOptions({ query: { limit: 100, ...(unreadOnly ? { unread: true } : {}) } }));
  const done = () => {
    void qc.invalidateQueries({ queryKey: notificationsListQueryKey() }) // every list (all / unread only);
    void qc.invalidateQueries({ queryKey: notificationsUnreadCountQueryKey() });
    announceChange();
  };
  const readOne = useMutation({ ...notificationsReadMutation(), onSuccess: done });
  const readAll = useMutation({ ...notificationsReadAllMutation(), onSuccess: done });
  const error = readOne.error ?? readAll.error;
  const markRead = (id: number) => {
    readAll.reset();
    readOne.mutate({ path: { message_id: id } });
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
        <Button
          onClick={() => {
            readOne.reset();
            readAll.mutate({});
          }}
          disabled={!items.some((i) => !i.read_at)}>
          {w('markAll')}
        </Button>
      </Space>
      {error ? <ProblemAlert error={error} /> : null}
      <Card size="small">
        <Guard loading={list.isPending} error={list.error}>
          {() => (
            <List<NotificationRead>
              dataSource={items}
              locale={{ emptyText: w('empty') }}
              renderItem={(m) => (
                <List.Item
                  data-testid="notification-item"
                  style={{ background: m.read_at ? undefined : '#f0f6ff' }}
                  actions={[
                    <Link key="open" to={m.link} onClick={() => !m.read_at && markRead(m.id)}>
                      {w('open')}
                    </Link>,
                    m.read_at ? (
                      <span key="read">{w('read')}</span>
                    ) : (
                      <Button key="mark" size="small" onClick={() => markRead(m.id)}>
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
