// What the entry script (main.tsx) may request before the app has loaded, by the address opened: kept apart from
// main.tsx (which runs on import) so that it can be tested. Dependency-free, like ./api/session.
import { hasRefreshToken, mayReadWorkList } from './api/session';
import { workQueuePath } from './features/assignments/myWorkQuery';

/** The API path (under /api/v1) to prefetch on a cold load of `pathname` + `search`, or null. Only the work list of
 *  /my-work, and only when the stored session's user may read it: the admin opening /my-work by its address would
 *  get a 403 (logged by the browser) for a list that page never shows; when the rights are unknown, nothing. */
export function landingPrefetch(pathname: string, search: string): string | null {
  if (!hasRefreshToken() || pathname.split('/')[1] !== 'my-work' || !mayReadWorkList()) return null;
  return workQueuePath(new URLSearchParams(search), false);
}
