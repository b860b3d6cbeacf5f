// Create or edit one of the platform's watcher rows (POST /api/v1/watchers, PATCH /<id>). The
// API answers a row that could not run with 400, vigil check's message and the body key it
// concerns ("field": "query", "config.schedule", ...): the message goes beside that field and
// nothing is saved.
import { get, post, patch } from './api.js';
import { h, clear, errorBox, loading, announce } from './dom.js';

const TYPES = ['literature', 'scheduled', 'webhook'];
// [key, label, kind, hint]; kind: text | number | check | select | json
const FIELDS = [
  ['name', 'Name', 'text', 'letters, digits, - _ .'],
  ['type', 'Type', 'select'],
  ['community', 'Community', 'text', 'the community (subreddit) its events belong to'],
  ['description', 'Description', 'text'],
  ['query', 'Query', 'text', 'literature: the search'],
  ['poll_interval_seconds', 'Poll interval (seconds)', 'number', 'at least 10; a scheduled watcher runs at this interval unless it has a schedule'],
  ['config.schedule', 'Schedule (cron)', 'text', 'scheduled watchers: e.g. "0 9 * * 1-5"; leave empty for the interval'],
  ['config', 'Config (JSON object)', 'json', 'the other keys, as in docs/watchers-platform.md; secrets read back as "(set)"'],
  ['enabled', 'Enabled', 'check'],
  ['auto_create_thread', 'Open a thread for each notification', 'check'],
  ['auto_thread_approval_rate', 'Auto-thread approval rate', 'number', '0 to 1'],
];

function control(key, kind, value) {
  const id = `w-${key.replace('.', '-')}`;
  const common = { id, name: key, 'aria-describedby': `${id}-error ${id}-hint`, 'data-field': key };
  if (kind === 'select') return h('select', common, TYPES.map(t => h('option', { value: t, selected: t === value }, t)));
  if (kind === 'check') return h('input', { ...common, type: 'checkbox', checked: !!value });
  if (kind === 'json') return h('textarea', { ...common, rows: 6, spellcheck: 'false' }, value);
  return h('input', { ...common, type: kind === 'number' ? 'number' : 'text', step: key.endsWith('rate') ? '0.01' : '1', value: value ?? '' });
}

function initial(row) {
  const config = { ...(row.config || {}) };
  const schedule = config.schedule || '';
  delete config.schedule;
  delete config.managed_by;
  return { ...row, 'config.schedule': schedule, config: JSON.stringify(config, null, 2) };
}

// The body to send; for an edit only what changed, config as a merge patch (so a secret read
// back as "(set)" is never written back).
function bodyOf(form, before) {
  const v = key => form.elements[key];
  const out = {};
  for (const [key, , kind] of FIELDS) {
    if (key.startsWith('config')) continue;
    const el = v(key);
    let val = kind === 'check' ? el.checked : el.value.trim();
    if (kind === 'number') val = val === '' ? null : Number(val);
    if (!before) {
      if (val !== null && val !== '') out[key] = val;
    } else if (val !== (before[key] ?? (kind === 'number' ? null : ''))) {
      out[key] = val;
    }
  }
  let config;
  try { config = JSON.parse(v('config').value.trim() || '{}'); } catch (e) { return { error: ['config', `not JSON: ${e.message}`] }; }
  if (!config || typeof config !== 'object' || Array.isArray(config)) return { error: ['config', 'must be a JSON object'] };
  const schedule = v('config.schedule').value.trim();
  if (schedule) config.schedule = schedule;
  if (!before) {
    if (Object.keys(config).length) out.config = config;
    return { body: out };
  }
  const old = JSON.parse(before.config || '{}');
  if (before['config.schedule']) old.schedule = before['config.schedule'];
  const merge = {};
  for (const k of new Set([...Object.keys(old), ...Object.keys(config)])) {
    if (!(k in config)) merge[k] = null;
    else if (JSON.stringify(config[k]) !== JSON.stringify(old[k])) merge[k] = config[k];
  }
  if (Object.keys(merge).length) out.config = merge;
  return { body: out };
}

function showError(form, field, message) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  let target = field && form.querySelector(`[data-field="${CSS.escape(field)}"]`);
  let text = message;
  if (!target && field && field.startsWith('config.')) {
    target = form.querySelector('[data-field="config"]');
    text = `${field.slice(7)}: ${message}`;
  }
  const slot = target ? form.querySelector(`#${target.id}-error`) : form.querySelector('#form-error');
  slot.textContent = text;
  if (target) { target.setAttribute('aria-invalid', 'true'); target.focus(); }
}

function renderForm(main, row) {
  const editing = !!row;
  const before = editing ? initial(row) : null;
  const values = before || { type: 'literature', enabled: true, config: '{}' };
  const form = h('form', { class: 'card watcher-form', novalidate: true },
    FIELDS.map(([key, label, kind, hint]) => {
      const id = `w-${key.replace('.', '-')}`;
      return h('div', { class: `field ${kind === 'check' ? 'check' : ''}` },
        h('label', { for: id }, label), control(key, kind, values[key]),
        h('small', { id: `${id}-hint`, class: 'muted' }, hint || ''),
        h('p', { id: `${id}-error`, class: 'field-error', role: 'alert' }));
    }),
    h('p', { id: 'form-error', class: 'field-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, editing ? 'Save changes' : 'Create watcher'),
      h('a', { class: 'button secondary', href: '#/watchers' }, 'Cancel')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const { body, error } = bodyOf(form, before);
    if (error) return showError(form, ...error);
    try {
      const saved = editing ? await patch(`/watchers/${encodeURIComponent(row.id)}`, body) : await post('/watchers', body);
      announce(`Watcher ${saved.name || body.name} saved.`);
      location.hash = '#/watchers';
    } catch (err) {
      showError(form, err.field, err.message);
    }
  });
  clear(main, h('p', {}, h('a', { href: '#/watchers' }, '← Watchers')),
    h('h1', {}, editing ? `Edit ${row.name}` : 'New watcher'),
    h('p', { class: 'muted' }, 'A row of the platform\'s watchers table; it starts within seconds. Watchers of the YAML file are changed there.'),
    form);
  form.elements.name.focus();
}

// The row's columns, from GET /api/v1/watchers/<id>: its status, and in `config` the watcher as the
// daemon runs it (the row's config keys with its columns folded in; an interval as `every`).
const FOLDED = ['name', 'type', 'community', 'description', 'query', 'every', 'enabled', 'auto_create_thread',
  'auto_thread_approval_rate', 'platform_row'];
function rowOf(w) {
  const block = w.config || {};
  const config = {};
  for (const [k, v] of Object.entries(block)) if (!FOLDED.includes(k)) config[k] = v;
  const every = /^(\d+)s$/.exec(String(block.every || ''));
  return {
    id: w.id || (block.platform_row || {}).id || w.name, name: w.name, type: block.type || w.type,
    community: block.community || w.community || '', description: block.description || '', query: block.query || '',
    poll_interval_seconds: every ? Number(every[1]) : null, enabled: w.enabled !== false,
    auto_create_thread: !!block.auto_create_thread, auto_thread_approval_rate: block.auto_thread_approval_rate ?? null,
    config, source: w.source,
  };
}

export function mount(main, { name }) {
  if (!name) return renderForm(main, null);
  clear(main, h('h1', {}, `Edit ${name}`), loading());
  get(`/watchers/${encodeURIComponent(name)}`).then(w => {
    if (w.source === 'platform') return renderForm(main, rowOf(w));
    clear(main, h('p', {}, h('a', { href: '#/watchers' }, '← Watchers')), h('h1', {}, `Edit ${name}`),
      h('p', { class: 'error-box', role: 'alert' }, `${name} is a watcher of the YAML file: change it there, then reload the daemon.`));
  })
    .catch(e => clear(main, h('h1', {}, `Edit ${name}`), errorBox('The watcher could not be read', e)));
  return {};
}
