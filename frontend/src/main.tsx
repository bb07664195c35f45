// Entry script: tiny and free of React/antd, so it runs as soon as it arrives. On a reload with a session it starts
// the token refresh, /me and the work-queue request at once and asks for the code of the page it will show, all in
// parallel with the app itself (whose chunks index.html preloads: see vite.config.ts).
import { hasRefreshToken, prefetch, restoreSession } from './api/session';
import { landingPrefetch } from './boot';
import './styles.css';
import './print.css';

// After a deployment the previous build's hashed chunks are gone (the server answers 404): a page opened before it
// fails to load its next lazy chunk. Reload once (index.html is never cached stale) instead of breaking.
const RELOADED = 'parsipas.reloadedAt';
window.addEventListener('vite:preloadError', (event) => {
  if (Date.now() - Number(sessionStorage.getItem(RELOADED) ?? 0) < 10_000) return; // just reloaded: let it fail
  sessionStorage.setItem(RELOADED, String(Date.now()));
  event.preventDefault();
  location.reload();
});

// The words of the saved language (one chunk per language, see i18n.tsx): asked for now, with the session and the
// page's code, so the first screen does not wait for them after the app has loaded. English only when chosen.
if (localStorage.getItem('parsipas.lang') === 'en') void import('./locales/en');
else void import('./locales/vi');

const first = location.pathname.split('/')[1] ?? '';
if (hasRefreshToken()) {
  void restoreSession();
  void import('./pages/Shell');
  const data = landingPrefetch(location.pathname, location.search);
  if (data) prefetch(data);
  if (first === 'my-work') {
    void import('./features/assignments/MyWork');
  } else if (first !== '' && first !== 'login') {
    void import('./antApp'); // every other page sits inside antd's App (see App.tsx)
    if (first === 'dashboard') void import('./features/dashboard/Dashboard');
  }
}
if (!hasRefreshToken() || first === 'login') void import('./features/auth/Login');
void import('./root');
