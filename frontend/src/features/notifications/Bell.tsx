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
      {/* drawn, not an emoji: a machine without an emoji font showed an empty box */}
      <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false" data-testid="bell-icon">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6v-5a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
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
