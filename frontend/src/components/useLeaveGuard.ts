import { useEffect } from 'react';
import { useBlocker } from 'react-router';

/** The forms holding unsaved changes now, with the question to ask before leaving them. */
const guards = new Map<symbol, string>();
/** Whether the app's data router blocks navigation itself (<LeaveBlocker/> is mounted). */
let routerBlocks = false;

const pageChanges = (a: { pathname: string; search: string }, b: { pathname: string; search: string }) =>
  a.pathname !== b.pathname || a.search !== b.search;

/**
 * Warn before losing unsaved work: reloading or closing the tab (beforeunload), and leaving the page inside the app —
 * a link, a redirect or Back — through react-router's useBlocker (<LeaveBlocker/>, one for the whole app: a router
 * supports one blocker), confirmed with `message`. Rendered without the app's data router (a unit test), a click on
 * an in-app link is confirmed instead.
 */
export function useLeaveGuard(dirty: boolean, message: string): void {
  useEffect(() => {
    if (!dirty) return;
    const id = Symbol('unsaved');
    guards.set(id, message);
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = message;
      return message;
    };
    const onClick = (e: MouseEvent) => {
      if (routerBlocks) return;
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
      const url = new URL(a.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      if (!pageChanges(url, window.location)) return;
      if (!window.confirm(message)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('beforeunload', onUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      guards.delete(id);
      window.removeEventListener('beforeunload', onUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [dirty, message]);
}

/** The app's one navigation blocker (inside the data router): asks before leaving a page with unsaved changes. */
export function LeaveBlocker(): null {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => guards.size > 0 && pageChanges(currentLocation, nextLocation));
  useEffect(() => {
    routerBlocks = true;
    return () => {
      routerBlocks = false;
    };
  }, []);
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    const message = [...guards.values()][0] ?? '';
    if (window.confirm(message)) blocker.proceed();
    else blocker.reset();
  }, [blocker]);
  return null;
}
