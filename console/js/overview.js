// Overview: every watcher's health, queue depth by kind and state, the jobs failing now, the
// counts of the last 24 h (GET /api/v1/overview), and charts per hour (GET /api/v1/stats).
import { get, query } from './api.js';
import { h, clear, badge, timeEl, errorBox, loading, select, labelled, truncate, labelRow } from './dom.js';
import { lineChart } from './charts.js';

const STATES = ['available', 'running', 'retryable', 'discarded'];
const HEALTH_HEADINGS = ['Watcher', 'Health', 'Community', 'Last poll', 'Last event', 'Last error'];

function countsCard(counts) {
  const item = (label, value, href) => h('div', { class: 'stat' }, h('dt', {}, label), h('dd', {}, href ? h('a', { href }, value ?? 0) : value ?? 0));
  return h('dl', { class: 'stats' },
    item('Events, 24 h', counts.events_24h, '#/events'),
    item('Notifications, 24 h', counts.notifications_24h),
    item('Notifications pending', counts.notifications_pending, '#/notifications?status=pending'));
}

function watchersTable(watchers) {
  if (!watchers.length) return h('p', { class: 'muted' }, 'No watchers.');
  return h('table', { class: 'stack' },
    h('caption', { class: 'sr-only' }, 'Watcher health'),
    h('thead', {}, h('tr', {}, HEALTH_HEADINGS.map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, watchers.map(w => labelRow(h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/watchers?name=${encodeURIComponent(w.name)}` }, w.name), ' ', h('small', { class: 'muted' }, w.type)),
      h('td', {}, badge(w.health, 'health'), w.failure_streak ? h('small', {}, ` ${w.failure_streak}×`) : null,
        w.health === 'silent' && w.expect_every ? h('small', { class: 'muted' }, ` expected every ${w.expect_every}`) : null),
      h('td', {}, w.community || '–'),
      h('td', {}, timeEl(w.last_poll_at)),
      h('td', {}, timeEl(w.last_event_at)),
      h('td', { class: 'error-text' }, w.last_error ? truncate(w.last_error, 160) : '')), HEALTH_HEADINGS))));
}

function queuesTable(queues) {
  const kinds = [...new Set(queues.map(q => q.kind))].sort();
  if (!kinds.length) return h('p', { class: 'muted' }, 'No job waiting, running or failed.');
  const count = (k, s) => (queues.find(q => q.kind === k && q.state === s) || {}).count || 0;
  return h('table', {},
    h('caption', { class: 'sr-only' }, 'Queue depth by kind and state'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Kind'), STATES.map(s => h('th', { scope: 'col', class: 'num' }, s)))),
    h('tbody', {}, kinds.map(k => h('tr', {}, h('th', { scope: 'row' }, k),
      STATES.map(s => h('td', { class: 'num' }, count(k, s) ? h('a', { href: `#/jobs?kind=${encodeURIComponent(k)}&state=${s}` }, count(k, s)) : '0'))))));
}

function failingList(jobs) {
  if (!jobs.length) return h('p', { class: 'muted' }, 'No job is failing.');
  return h('ul', { class: 'plain' }, jobs.map(j => h('li', {},
    badge(j.state), ' ', h('a', { href: `#/jobs?kind=${encodeURIComponent(j.kind)}&state=${j.state}` }, `#${j.id} ${j.kind}`),
    ` attempt ${j.attempt}/${j.max_attempts} `, h('span', { class: 'error-text' }, truncate(j.last_error || '', 200)))));
}

function chartSection() {
  const state = { of: 'events', range: '24h', by: 'watcher' };
  const out = h('div', { class: 'chart-slot' });
  const draw = async () => {
    clear(out, loading());
    try {
      const stats = await get(`/stats${query(state)}`);
      clear(out, lineChart(stats, `${state.of === 'events' ? 'Events' : 'Notifications'} per hour, last ${state.range}, by ${state.by}`));
    } catch (e) {
      clear(out, errorBox('The chart could not be drawn', e));
    }
  };
  const control = (name, options) => labelled(name === 'of' ? 'Of' : name === 'range' ? 'Range' : 'By',
    select(name, options, state[name], { onchange: e => { state[name] = e.target.value; draw(); } }));
  const controls = h('form', { class: 'filters', onsubmit: e => e.preventDefault() },
    control('of', [['events', 'events'], ['notifications', 'notifications']]),
    control('range', [['24h', '24 hours'], ['7d', '7 days']]),
    control('by', [['watcher', 'watcher'], ['community', 'community'], ['signal', 'signal']]));
  draw();
  return { el: h('section', { 'aria-labelledby': 'h-charts' }, h('h2', { id: 'h-charts' }, 'Per hour'), controls, out), draw };
}

export function mount(main) {
  const top = h('div', {}, loading());
  const charts = chartSection();
  clear(main, h('h1', {}, 'Overview'), top, charts.el);
  let timer = null;
  const load = async () => {
    try {
      const o = await get('/overview');
      clear(top,
        countsCard(o.counts || {}),
        h('section', { 'aria-labelledby': 'h-health' }, h('h2', { id: 'h-health' }, 'Watchers'), watchersTable(o.watchers || [])),
        h('div', { class: 'two-col' },
          h('section', { 'aria-labelledby': 'h-queues' }, h('h2', { id: 'h-queues' }, 'Queues'), queuesTable(o.queues || []),
            (o.pauses || []).length ? h('p', {}, 'Paused: ', o.pauses.map(p => `${p.scope} ${p.name}`).join(', '), ' · ', h('a', { href: '#/jobs' }, 'resume on Jobs')) : null),
          h('section', { 'aria-labelledby': 'h-failing' }, h('h2', { id: 'h-failing' }, 'Failing now'), failingList(o.failing_jobs || []))),
        h('p', { class: 'muted' }, 'As of ', timeEl(o.generated_at)));
    } catch (e) {
      clear(top, errorBox('The overview could not be read', e));
    }
  };
  load();
  return {
    // Jobs and events change the numbers: read them again, at most every 3 s.
    onLive: () => { if (!timer) timer = setTimeout(() => { timer = null; load(); }, 3000); },
    resync: () => { load(); charts.draw(); },
    unmount: () => clearTimeout(timer),
  };
}
