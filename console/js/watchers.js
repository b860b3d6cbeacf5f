// Watchers: health, last and next poll, last error, failure streak, events per day (sparkline);
// run now, test now (a dry poll: what would be stored), and the platform's rows to create and edit.
import { get, post } from './api.js';
import { h, clear, badge, timeEl, errorBox, loading, truncate, announce, labelRow } from './dom.js';
import { sparkline } from './charts.js';

const streak = w => w.failure_streak ?? w.consecutive_failures ?? 0;
const ref = w => w.id || w.name;
const HEADINGS = ['Watcher', 'Health', 'Community', 'Last poll', 'Next poll', 'Last error', 'Failures', 'Events / day (14 d)', ''];

function testResult(w, r) {
  const items = r.would_store || [];
  return h('section', { class: 'card', 'aria-labelledby': 'h-test' },
    h('h2', { id: 'h-test' }, `Test of ${w.name}`),
    h('p', {}, `Fetched ${r.fetched ?? 0} in ${r.took_ms ?? '?'} ms; ${items.filter(i => !i.duplicate).length} new would be stored. Nothing was stored.`),
    r.error ? h('p', { class: 'error-text', role: 'alert' }, r.error) : null,
    items.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Title', 'Published', 'Already stored'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map(i => h('tr', {},
        h('td', {}, i.url ? h('a', { href: i.url, rel: 'noopener noreferrer', target: '_blank' }, i.title || i.url) : i.title || '(no title)'),
        h('td', {}, timeEl(i.published_at)), h('td', {}, i.duplicate ? 'yes' : 'no')))))) : null);
}

export function mount(main, { params }) {
  const slot = h('div', {}, loading());
  const result = h('div', { 'aria-live': 'polite' });
  const wanted = params.get('name');
  clear(main, h('div', { class: 'page-head' }, h('h1', {}, 'Watchers'), h('a', { class: 'button', href: '#/watchers/new' }, 'New watcher')),
    result, slot);

  async function run(w, button) {
    button.disabled = true;
    try {
      const r = await post(`/watchers/${encodeURIComponent(ref(w))}/run`);
      announce(r.already_queued ? `${w.name}: a poll is already queued (job ${r.job_id}).` : `${w.name}: poll queued as job ${r.job_id}.`);
    } catch (e) {
      announce(`${w.name}: ${e.message}`, 'error');
    } finally {
      button.disabled = false;
    }
  }

  async function test(w, button) {
    button.disabled = true;
    clear(result, loading(`Testing ${w.name}…`));
    try {
      clear(result, testResult(w, await post(`/watchers/${encodeURIComponent(ref(w))}/test`)));
    } catch (e) {
      clear(result, errorBox(`The test of ${w.name} failed`, e));
    } finally {
      button.disabled = false;
    }
  }

  function row(w) {
    const runBtn = h('button', { type: 'button', class: 'secondary small' }, 'Run now');
    runBtn.addEventListener('click', () => run(w, runBtn));
    const testBtn = h('button', { type: 'button', class: 'secondary small' }, 'Test now');
    testBtn.addEventListener('click', () => test(w, testBtn));
    const hook = w.type === 'webhook';
    // A daemon without the health field: what its status says.
    const polled = hook || w.last_poll_at || (w.last_poll && w.last_poll !== '-');
    const health = w.health || (w.state && w.state !== 'running' ? w.state : w.last_error ? 'failing' : polled ? 'ok' : 'pending');
    return labelRow(h('tr', { class: wanted === w.name ? 'highlight' : null },
      h('th', { scope: 'row' }, w.name, h('br'), h('small', { class: 'muted' }, `${w.type}${w.source === 'platform' ? ' · platform row' : ''}`)),
      h('td', {}, badge(health, 'health'), w.error ? h('small', { class: 'error-text' }, ` ${w.error}`) : null),
      h('td', {}, w.community || '–'),
      h('td', {}, hook ? '–' : timeEl(w.last_poll_at ?? w.last_poll)),
      h('td', {}, hook ? '–' : timeEl(w.next_poll)),
      h('td', { class: 'error-text' }, w.last_error ? truncate(w.last_error, 160) : ''),
      h('td', { class: 'num' }, streak(w)),
      h('td', {}, sparkline(w.events_per_day, `${w.name}, events per day over 14 days`), h('small', { class: 'muted' }, ` ${w.events ?? ''}`)),
      h('td', { class: 'actions' }, hook ? null : [runBtn, testBtn],
        w.source === 'platform' ? h('a', { class: 'button secondary small', href: `#/watchers/${encodeURIComponent(ref(w))}/edit` }, 'Edit') : null)), HEADINGS);
  }

  const load = async () => {
    try {
      const { items } = await get('/watchers');
      clear(slot, items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'watchers stack' },
        h('caption', { class: 'sr-only' }, 'Watchers'),
        h('thead', {}, h('tr', {}, HEADINGS.map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, items.map(row)))) : h('p', { class: 'muted' }, 'No watchers: add one to the YAML, or create a platform row.'));
    } catch (e) {
      clear(slot, errorBox('The watchers could not be read', e));
    }
  };
  load();
  let timer = null;
  return {
    onLive: kind => { if (kind !== 'notification' && !timer) timer = setTimeout(() => { timer = null; load(); }, 3000); },
    resync: load,
    unmount: () => clearTimeout(timer),
  };
}
