import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useLocation } from 'react-router';
import { notificationsUnreadCountOptions } from '../../client/@tanstack/react-query.gen';
import { CHANGED, useWords } from './words';

const POLL_MS = 30_000;

/** The header's bell: a plain link (no antd in the header bundle) with the unread count, refreshed every 30 s, on
 * each page change and when a page marks messages read. */
export default function NotificationBell() {
  const { w } = useWords();
  const loc = useLocation();
  const count = useQuery({ ...notificationsUnreadCountOptions(), refetchInterval: POLL_MS });
  const { refetch } = count;
  useEffect(() => {
    const load = () => void refetch();
    window.addEventListener(CHANGED, load);
    return () => window.removeEventListener(CHANGED, load);
  }, [refetch]);
  // a page change asks again (the first page has just asked)
  const shownOn = useRef(loc.pathname);
  useEffect(() => {
    if (shownOn.current === loc.pathname) return;
    shownOn.current = loc.pathname;
    void refetch();
  }, [loc.pathname, refetch]);
  const unread = count.data?.unread ?? 0;
  // the name holds the visible text ("99+"), as screen readers and voice control expect (WCAG 2.5.3)
  const shown = unread > 99 ? '99+' : String(unread);
  const label = unread ? w('bellUnread', shown) : w('bell');
  return (
    <Link to="/notifications" className="hdr-btn"
      style={{ display: 'inline-flex', alignItems: 'center', gap: 4, textDecoration: 'none' }} aria-label={label} title={label} data-testid="notification-bell">
      <span aria-hidden="true">🔔</span>
      {unread > 0 && (
        <span
          aria-hidden="true"
          data-testid="notification-count"
          style={{ background: '#b3261e', color: '#fff', borderRadius: 10, padding: '0 6px', fontSize: 12, fontWeight: 600 }}
        >
          {shown}
        </span>
      )}
    </Link>
  );
}
