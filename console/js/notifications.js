// Notifications inbox: filters (community, signal, status, watcher), each notification with its
// title, source link, signal, suggested hypothesis and triage reasoning; read, act with a note,
// dismiss, approve a held auto-thread; keyboard j/k/r/d/a and ? for the list of shortcuts.
import { get, patch, post, query } from './api.js';
import { h, clear, badge, timeEl, announce } from './dom.js';
import { PagedList } from './paged.js';
import { filterForm } from './filters.js';

const FIELDS = [
  { name: 'status', label: 'Status', options: ['', 'pending', 'read', 'acted', 'dismissed'], default: 'pending' },
  { name: 'signal', label: 'Signal', options: ['', 'high', 'medium', 'low'] },
  { name: 'community', label: 'Community', placeholder: 'any' },
  { name: 'watcher', label: 'Watcher', placeholder: 'any' },
];
const SHORTCUTS = [['j', 'next notification'], ['k', 'previous notification'], ['r', 'mark read'], ['d', 'dismiss'],
  ['a', 'act (write a note)'], ['?', 'show this list']];

function matches(n, f) {
  return (!f.status || n.status === f.status) && (!f.signal || n.signal === f.signal) &&
    (!f.community || n.community === f.community) && (!f.watcher || n.watcher === f.watcher);
}

export function mount(main, { params }) {
  const listEl = h('ol', { class: 'cards', 'aria-label': 'Notifications' });
  let filters;
  let selected = null;   // data-id of the selected notification
  const list = new PagedList({
    what: 'notifications', container: listEl, empty: 'No notification matches.',
    fetchPage: cursor => get(`/notifications${query({ ...filters, cursor, limit: 50 })}`),
    renderItem: n => card(n),
  });
  const ff = filterForm(FIELDS, params, v => { filters = v; list.reload(); });
  filters = ff.values;
  const help = h('dialog', { class: 'help', 'aria-labelledby': 'h-keys' },
    h('h2', { id: 'h-keys' }, 'Keyboard shortcuts'),
    h('dl', { class: 'keys' }, SHORTCUTS.map(([k, what]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, what)])),
    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close')));
  clear(main, h('div', { class: 'page-head' }, h('h1', {}, 'Notifications'),
    h('button', { type: 'button', class: 'secondary', onclick: () => help.showModal(), 'aria-keyshortcuts': '?' }, 'Shortcuts (?)')),
  ff.form, listEl, list.footer(), help);
  list.reload();

  async function setStatus(n, status, note) {
    try {
      const body = status === 'acted' ? { status, action_taken: note } : { status };
      const updated = await patch(`/notifications/${encodeURIComponent(n.id)}`, body);
      list.put(updated);
      select(String(updated.id));
      announce(`Notification marked ${status}.`);
    } catch (e) {
      announce(`Could not mark it ${status}: ${e.message}`, 'error');
    }
  }

  async function approve(n) {
    try {
      const updated = await post(`/notifications/${encodeURIComponent(n.id)}/create-thread`);
      list.put(updated);
      announce(`Thread ${updated.thread_id} opened.`);
    } catch (e) {
      announce(`No thread: ${e.message}`, 'error');
    }
  }

  function actForm(n, li) {
    const note = h('textarea', { name: 'note', rows: 3, required: true, maxlength: 4096, 'aria-label': 'What was done' });
    const form = h('form', { class: 'act-form', onsubmit: e => { e.preventDefault(); setStatus(n, 'acted', note.value); } },
      h('label', { class: 'field' }, h('span', {}, 'What was done'), note),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save'),
        h('button', { type: 'button', class: 'secondary', onclick: () => { form.remove(); li.focus(); } }, 'Cancel')));
    li.querySelector('.act-form')?.remove();
    li.append(form);
    note.focus();
  }

  function card(n) {
    const li = h('li', { class: `card notif signal-${n.signal}`, tabindex: '-1', 'aria-current': selected === String(n.id) ? 'true' : null });
    const title = n.source_url ? h('a', { href: n.source_url, rel: 'noopener noreferrer', target: '_blank' }, n.title || '(no title)') : (n.title || '(no title)');
    const held = !n.thread_id && n.status !== 'dismissed' && String(n.action_taken || '').startsWith('held:');
    clear(li,
      h('h2', { class: 'card-title' }, title),
      h('p', { class: 'meta' }, badge(n.signal, 'signal'), ' ', badge(n.status), ' ', n.community || '–', ' · ', n.watcher || '–', ' · ', timeEl(n.created_at),
        n.event_id ? [' · ', h('a', { href: `#/events/${encodeURIComponent(n.event_id)}` }, 'event')] : null),
      n.suggested_hypothesis ? h('p', { class: 'hypothesis' }, h('strong', {}, 'Hypothesis: '), n.suggested_hypothesis) : null,
      n.triage_reasoning ? h('p', { class: 'reasoning' }, h('strong', {}, 'Why: '), n.triage_reasoning,
        n.triage_score !== null && n.triage_score !== undefined ? h('span', { class: 'muted' }, ` (score ${Number(n.triage_score).toFixed(2)})`) : null) : null,
      n.action_taken ? h('p', { class: 'muted' }, 'Action: ', n.action_taken) : null,
      n.thread_id ? h('p', { class: 'muted' }, 'Thread: ', n.thread_id) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', disabled: n.status === 'read', onclick: () => setStatus(n, 'read') }, 'Read'),
        h('button', { type: 'button', class: 'secondary', onclick: () => actForm(n, li) }, 'Act…'),
        h('button', { type: 'button', class: 'secondary', disabled: n.status === 'dismissed', onclick: () => setStatus(n, 'dismissed') }, 'Dismiss'),
        held ? h('button', { type: 'button', onclick: () => approve(n) }, 'Approve thread') : null));
    li.addEventListener('focusin', () => select(String(n.id), false));
    return li;
  }

  function select(id, focus = true) {
    selected = id;
    for (const [key, { el }] of list.items) {
      if (key === id) el.setAttribute('aria-current', 'true');
      else el.removeAttribute('aria-current');
    }
    const entry = list.get(id);
    if (entry && focus) entry.el.focus();
  }

  function move(step) {
    const ids = [...listEl.children].map(li => li.dataset.id);
    if (!ids.length) return;
    const i = ids.indexOf(selected);
    select(ids[Math.max(0, Math.min(ids.length - 1, i < 0 ? 0 : i + step))]);
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest('input, textarea, select, dialog[open]')) return;
    const entry = selected && list.get(selected);
    const actions = {
      j: () => move(1), k: () => move(-1), '?': () => help.showModal(),
      r: () => entry && setStatus(entry.item, 'read'),
      d: () => entry && setStatus(entry.item, 'dismissed'),
      a: () => entry && actForm(entry.item, entry.el),
    };
    if (actions[e.key]) { e.preventDefault(); actions[e.key](); }
  }
  document.addEventListener('keydown', onKey);

  return {
    onLive: (kind, n) => {
      if (kind !== 'notification') return;
      if (list.has(n.id)) list.put(n);
      else if (matches(n, filters)) list.put(n, true);
    },
    resync: () => list.reload(),
    unmount: () => document.removeEventListener('keydown', onKey),
  };
}
