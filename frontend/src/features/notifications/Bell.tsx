import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { apiGet } from '../../api/http';
import { CHANGED, useWords } from './words';

const POLL_MS = 30_000;

/** The header's bell: a plain link (no antd in the header bundle) with the unread count, refreshed every 30 s, on
 * each page change and when a page marks messages read. */
export default function NotificationBell() {
  const { w } = useWords();
  const loc = useLocation();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let alive = true;
    const load = () =>
      apiGet<{ unread: number }>('/notifications/unread-count').then(
        (r) => alive && setUnread(r.unread),
        () => undefined,
      );
    load();
    const timer = window.setInterval(load, POLL_MS);
    window.addEventListener(CHANGED, load);
    return () => {
      alive = false;
      window.clearInterval(timer);
      window.removeEventListener(CHANGED, load);
    };
  }, [loc.pathname]);
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
