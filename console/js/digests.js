// Digests: the list (by community), one digest in full, and "send now" for a community.
import { get, post, query } from './api.js';
import { h, clear, badge, timeEl, errorBox, loading, announce, labelled } from './dom.js';
import { PagedList } from './paged.js';
import { filterForm } from './filters.js';

function showOne(main, id) {
  clear(main, h('h1', {}, `Digest ${id}`), loading());
  get(`/digests/${encodeURIComponent(id)}`).then(d => {
    const items = Array.isArray(d.items) ? d.items : [];
    clear(main, h('p', {}, h('a', { href: '#/digests' }, '← Digests')),
      h('h1', {}, d.headline || `Digest ${d.id}`),
      h('p', { class: 'meta' }, d.community || '–', ' · ', timeEl(d.created_at), ` · ${d.item_count ?? items.length} item(s)`),
      items.length ? h('ol', { class: 'cards' }, items.map(i => h('li', { class: 'card' },
        h('h2', { class: 'card-title' }, i.url || i.source_url ? h('a', { href: i.url || i.source_url, rel: 'noopener noreferrer', target: '_blank' }, i.title || '(no title)') : i.title || '(no title)'),
        h('p', { class: 'meta' }, i.signal ? badge(i.signal, 'signal') : null, ' ', i.watcher || '–',
          i.event_id ? [' · ', h('a', { href: `#/events/${encodeURIComponent(i.event_id)}` }, 'event')] : null)))) : h('p', { class: 'muted' }, 'No items.'));
  }).catch(e => clear(main, h('p', {}, h('a', { href: '#/digests' }, '← Digests')), h('h1', {}, `Digest ${id}`), errorBox('The digest could not be read', e)));
  return {};
}

export function mount(main, { id, params }) {
  if (id) return showOne(main, id);
  const listEl = h('ul', { class: 'plain digests' });
  let filters;
  const list = new PagedList({
    what: 'digests', container: listEl,
    fetchPage: cursor => get(`/digests${query({ community: filters.community, cursor, limit: 50 })}`),
    renderItem: d => h('li', {}, h('a', { href: `#/digests/${encodeURIComponent(d.id)}` }, d.headline || `Digest ${d.id}`), ' ',
      h('span', { class: 'muted' }, d.community || '–', ' · ', timeEl(d.created_at), ` · ${d.items ?? d.item_count ?? 0} item(s)`)),
  });
  const ff = filterForm([{ name: 'community', label: 'Community', placeholder: 'any' }], params, v => { filters = v; list.reload(); });
  filters = ff.values;
  const community = h('input', { type: 'text', id: 'send-community', name: 'community', required: true });
  const sendError = h('p', { class: 'field-error', role: 'alert', id: 'send-error' });
  const send = h('form', { class: 'filters', onsubmit: async e => {
    e.preventDefault();
    sendError.textContent = '';
    try {
      const r = await post('/digests/send', { community: community.value.trim() });
      announce(`Digest for ${community.value.trim()} queued as job ${r.job_id}.`);
    } catch (err) {
      sendError.textContent = err.message;
    }
  } }, labelled('Send a digest now for community', community), h('button', { type: 'submit' }, 'Send now'), sendError);
  clear(main, h('h1', {}, 'Digests'),
    h('section', { 'aria-labelledby': 'h-send' }, h('h2', { id: 'h-send' }, 'Send now'), send),
    h('section', { 'aria-labelledby': 'h-list' }, h('h2', { id: 'h-list' }, 'Sent digests'), ff.form, listEl, list.footer()));
  list.reload();
  return { resync: () => list.reload() };
}
