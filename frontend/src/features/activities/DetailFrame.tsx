import { Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Guard } from '../../components/common';
import { useWords } from './words';

/** The frame of one activity's page (an inspection, a session): the way back, the record once loaded (a 404 reads
 * "not available"), its title and status tags, then the page's own content. */
export default function DetailFrame<T>({
  back,
  record,
  loading,
  error,
  title,
  tags,
  children,
}: {
  back: string;
  record: T | null;
  loading: boolean;
  error: unknown;
  title: (x: T) => string;
  tags: (x: T) => ReactNode;
  children: (x: T) => ReactNode;
}) {
  const { w } = useWords();
  return (
    <>
      <Link to={back}>← {w('back')}</Link>
      <Guard loading={loading && !record} error={record ? null : error} item>
        {() =>
          record && (
            <>
              <Typography.Title level={1} className="page-title" style={{ marginTop: 8 }}>
                {title(record)}
              </Typography.Title>
              <Space wrap style={{ marginBottom: 12 }}>
                {tags(record)}
              </Space>
              {children(record)}
            </>
          )
        }
      </Guard>
    </>
  );
}
