// The console's entry point: the session check (GET /api/v1/session), the sign-in page, the page
// frame with its navigation, the hash router (#/events?watcher=x) and the live stream, whose
// frames go to the page on show.
import { setCsrf, get, post, del, ApiError } from './api.js';
import { h, clear, announce } from './dom.js';
import { LiveStream } from './live.js';
import { renderSignIn, renderNoToken } from './signin.js';
import * as overview from './overview.js';
import * as notifications from './notifications.js';
import * as events from './events.js';
import * as eventPage from './event.js';
import * as watchers from './watchers.js';
import * as watcherForm from './watcher_form.js';
import * as jobs from './jobs.js';
import * as digests from './digests.js';

const NAV = [
  ['overview', 'Overview'], ['notifications', 'Notifications'], ['events', 'Events'],
  ['watchers', 'Watchers'], ['jobs', 'Jobs'], ['digests', 'Digests'],
];
// [short text, more for wide screens]
const LIVE_TEXT = {
  connecting: ['connecting…', ''], live: ['live', ''], reconnecting: ['reconnecting…', ''],
  off: ['live updates off', ': re-reading every 15 s'],
};

const root = document.getElementById('app');
let current = null;   // the page on show: {onLive, resync, unmount}
let live = null;
let pollTimer = null;

// [page module, params] for a hash such as "#/events/12?q=x".
function route(hash) {
  const [path, qs] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(qs || '');
  const [top, id, sub] = parts;
  switch (top) {
    case 'notifications': return [notifications, { params }];
    case 'events': return id ? [eventPage, { id }] : [events, { params }];
    case 'watchers':
      if (id === 'new') return [watcherForm, {}];
      if (id && sub === 'edit') return [watcherForm, { name: id }];
      return [watchers, { params }];
    case 'jobs': return [jobs, { params }];
    case 'digests': return [digests, { id, params }];
    default: return [overview, { params }];
  }
}

function frame(signOut) {
  const liveState = h('span', { id: 'live-state', class: 'live-state', role: 'status' }, '');
  const nav = h('nav', { 'aria-label': 'Main' }, h('ul', {}, NAV.map(([slug, text]) =>
    h('li', {}, h('a', { href: `#/${slug}`, 'data-nav': slug }, text)))));
  const main = h('main', { id: 'main', tabindex: '-1' });
  clear(root,
    h('a', { class: 'skip', href: '#main', onclick: e => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '#/overview' }, 'vigil'), nav, liveState,
      h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out')),
    main,
    h('div', { id: 'toast', class: 'toast-region', 'aria-live': 'polite' }));
  return { main, liveState };
}

function show(main) {
  if (current && current.unmount) current.unmount();
  const [page, args] = route(location.hash || '#/overview');
  const slug = (location.hash.replace(/^#\/?/, '').split(/[/?]/)[0]) || 'overview';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === slug) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  clear(main);
  current = page.mount(main, args) || {};
  document.title = `${main.querySelector('h1')?.textContent || 'vigil'} · vigil`;
}

async function signOut() {
  try { await del('/session'); } catch (e) { announce(`Sign-out failed: ${e.message}`, 'error'); return; }
  location.hash = '';
  boot();
}

function startShell() {
  const { main, liveState } = frame(signOut);
  window.onhashchange = () => { show(main); main.focus(); };
  show(main);
  live = new LiveStream({
    onFrame: (kind, data) => current && current.onLive && current.onLive(kind, data),
    onResync: () => current && current.resync && current.resync(),
    onState: state => {
      const [text, more] = LIVE_TEXT[state];
      clear(liveState, text, more ? h('span', { class: 'wide-only' }, more) : null);
      liveState.dataset.state = state;
      clearInterval(pollTimer);
      if (state === 'off') pollTimer = setInterval(() => current && current.resync && current.resync(), 15000);
    },
  });
  live.start();
}

async function boot() {
  if (live) live.stop();
  clearInterval(pollTimer);
  window.onhashchange = null;
  let session;
  try {
    session = await get('/session');
  } catch (e) {
    clear(root, h('main', { class: 'signin' }, h('h1', {}, 'vigil'),
      h('p', { role: 'alert', class: 'error-box' }, `The daemon did not answer: ${e.message}`),
      h('button', { type: 'button', onclick: boot }, 'Try again')));
    return;
  }
  if (!session.token_configured) return renderNoToken(root);
  if (!session.signed_in) {
    return renderSignIn(root, async token => {
      const signed = await post('/session', { token });
      setCsrf(signed.csrf_token);
      startShell();
    });
  }
  setCsrf(session.csrf_token);
  startShell();
}

window.addEventListener('vigil:signed-out', () => { if (live) boot(); });
window.addEventListener('unhandledrejection', e => {
  if (e.reason instanceof ApiError) { announce(e.reason.message, 'error'); e.preventDefault(); }
});
boot();
