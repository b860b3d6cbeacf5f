// Events: title search (q=), filters by watcher, signal and time, newest first, more by cursor;
// new events arrive over the live stream.
import { get, query } from './api.js';
import { h, clear, badge, timeEl, truncate, parseTime } from './dom.js';
import { PagedList } from './paged.js';
import { filterForm, isoFromInput } from './filters.js';

const FIELDS = [
  { name: 'q', label: 'Title contains', placeholder: 'search titles' },
  { name: 'watcher', label: 'Watcher', placeholder: 'any' },
  { name: 'signal', label: 'Signal', options: ['', 'high', 'medium', 'low'] },
  { name: 'since', label: 'Since (UTC)', type: 'datetime-local' },
  { name: 'until', label: 'Until (UTC)', type: 'datetime-local' },
];

// The API's events carry source_url and detected_at (url and created_at in older answers).
const urlOf = e => e.source_url || e.url || '';
const timeOf = e => e.detected_at || e.created_at || e.published_at || '';

function matches(e, f) {
  const t = parseTime(timeOf(e));
  const created = Number.isNaN(t.getTime()) ? '' : t.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (!f.q || String(e.title || '').toLowerCase().includes(f.q.toLowerCase())) &&
    (!f.watcher || e.watcher === f.watcher) && (!f.signal || e.triage_signal === f.signal) &&
    (!f.since || created >= isoFromInput(f.since)) && (!f.until || created < isoFromInput(f.until));
}

function row(e) {
  return h('tr', {},
    h('td', {}, timeEl(timeOf(e))),
    h('td', {}, e.watcher || '–'),
    h('th', { scope: 'row' }, h('a', { href: `#/events/${encodeURIComponent(e.id)}` }, truncate(e.title || '(no title)', 160)),
      urlOf(e) ? [' ', h('a', { href: urlOf(e), rel: 'noopener noreferrer', target: '_blank', class: 'muted', 'aria-label': `source of ${truncate(e.title, 60)}` }, '↗')] : null),
    h('td', {}, e.triage_signal ? badge(e.triage_signal, 'signal') : h('span', { class: 'muted' }, 'not triaged')),
    h('td', { class: 'num' }, e.triage_score === null || e.triage_score === undefined ? '' : Number(e.triage_score).toFixed(2)));
}

export function mount(main, { params }) {
  const body = h('tbody', {});
  let filters;
  const list = new PagedList({
    what: 'events', container: body, empty: 'No event matches.',
    fetchPage: cursor => get(`/events${query({
      q: filters.q, watcher: filters.watcher, signal: filters.signal,
      since: isoFromInput(filters.since), until: isoFromInput(filters.until), cursor, limit: 50,
    })}`),
    renderItem: row,
  });
  const ff = filterForm(FIELDS, params, v => { filters = v; list.reload(); });
  filters = ff.values;
  clear(main, h('h1', {}, 'Events'), ff.form,
    h('div', { class: 'table-wrap' }, h('table', { class: 'events' },
      h('caption', { class: 'sr-only' }, 'Events, newest first'),
      h('thead', {}, h('tr', {}, ['Time', 'Watcher', 'Title', 'Signal', 'Score'].map(t => h('th', { scope: 'col' }, t)))),
      body)),
    list.footer());
  list.reload();
  return {
    onLive: (kind, e) => {
      if (kind !== 'event') return;
      if (list.has(e.id)) list.put(e);
      else if (matches(e, filters)) list.put(e, true).classList.add('fresh');
    },
    resync: () => list.reload(),
  };
}
