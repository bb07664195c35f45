import { useEffect } from 'react';

/** The forms holding unsaved changes now, with the question to ask before leaving them. */
const guards = new Map<symbol, string>();
/** Set while the guard steps the browser back to the form after a refused Back/Forward (that step is not a move). */
let restoring = false;

const question = () => [...guards.values()][0] ?? '';
const idx = (): number | null => (window.history.state as { idx?: number } | null)?.idx ?? null;
const samePage = (a: { pathname: string; search: string }, b: { pathname: string; search: string }) =>
  a.pathname === b.pathname && a.search === b.search;

// Where the form is: the router's history index (react-router keeps `idx` in history.state) and address.
let at: { idx: number | null; pathname: string; search: string } | null = null;

function onUnload(e: BeforeUnloadEvent) {
  e.preventDefault();
  e.returnValue = question();
  return question();
}

/** A click on an in-app link that leaves the page: confirmed before the router sees it. */
function onClick(e: MouseEvent) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
  if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || samePage(url, window.location)) return;
  if (!window.confirm(question())) {
    e.preventDefault();
    e.stopPropagation();
  }
}

/**
 * Back / Forward: the browser has already moved when popstate fires, but the router (a listener added without
 * capture) has not seen it yet. Ask first; on "stay", hide the event from the router and step the browser back to
 * the form (the history index says how far), hiding that step too.
 */
function onPop(e: PopStateEvent) {
  if (guards.size === 0) return;
  if (restoring) {
    restoring = false;
    e.stopImmediatePropagation();
    return;
  }
  if (!at || samePage(window.location, at) || window.confirm(question())) {
    at = null;
    return;
  }
  e.stopImmediatePropagation();
  const to = idx();
  const delta = at.idx != null && to != null ? at.idx - to : 1;
  if (delta !== 0) {
    restoring = true;
    window.history.go(delta);
  }
}

function install() {
  at = { idx: idx(), pathname: window.location.pathname, search: window.location.search };
  window.addEventListener('beforeunload', onUnload);
  document.addEventListener('click', onClick, true);
}

function uninstall() {
  window.removeEventListener('beforeunload', onUnload);
  document.removeEventListener('click', onClick, true);
}

/**
 * Listen to Back/Forward before the router does: called once when App.tsx loads, before <BrowserRouter> mounts
 * (Chromium runs a window's popstate listeners in the order they were added, capture or not). Idle while no form
 * holds unsaved changes.
 */
export function listenBeforeRouter(): void {
  window.removeEventListener('popstate', onPop, true);
  window.addEventListener('popstate', onPop, true);
}

/**
 * Warn before losing unsaved work: reloading or closing the tab (beforeunload), following an in-app link, and Back or
 * Forward (popstate, before the router moves), each confirmed with `message`. One set of listeners serves every form
 * of the page (a report's narrative and outline ask once). Works with the component router (<BrowserRouter>): a data
 * router for useBlocker would add ~17 KB gzipped to every page.
 */
export function useLeaveGuard(dirty: boolean, message: string): void {
  useEffect(() => {
    if (!dirty) return;
    const id = Symbol('unsaved');
    if (guards.size === 0) install();
    guards.set(id, message);
    return () => {
      guards.delete(id);
      if (guards.size === 0) uninstall();
    };
  }, [dirty, message]);
}
