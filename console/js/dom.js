// Small DOM helpers: element builders (nodes and text nodes only: text from the API is never parsed as markup),
// and the formatting every page shares.

// h('button', {class: 'x', onclick: fn, disabled: true}, 'text', child, [more])
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS('http://www.w3.org/2000/svg', tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A Date from the API's times: ISO 8601 with a zone, or a database's zone-less UTC text
// ("2026-12-03 05:40:00.123456"); an invalid Date for anything else.
export function parseTime(text) {
  const s = String(text || '').replace(' (backing off)', '');
  const bare = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(:\d\d)?)(\.\d+)?$/.exec(s);
  return new Date(bare ? `${bare[1]}T${bare[2]}${(bare[4] || '').slice(0, 4)}Z` : s);
}

// "2026-12-03 05:40 UTC" from an API time; the text itself when it is no time ("-", "").
export function fmtTime(iso) {
  if (!iso || typeof iso !== 'string') return '–';
  const d = parseTime(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const text = d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return iso.includes('(backing off)') ? text + ' (backing off)' : text;
}

// "3 min ago", "in 2 h"
export function ago(iso) {
  const d = parseTime(iso);
  if (Number.isNaN(d.getTime())) return '';
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  const abs = Math.abs(s);
  const n = abs < 90 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : abs < 129600 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} d`;
  return s >= 0 ? `${n} ago` : `in ${n}`;
}

// A <time> with the UTC text and the relative one as its title.
export function timeEl(iso) {
  return h('time', { datetime: iso && iso !== '-' ? iso : null, title: ago(iso) || null }, fmtTime(iso));
}

export function badge(value, kind = 'state') {
  return h('span', { class: `badge ${kind}-${String(value || 'none').replace(/[^a-z0-9_-]/gi, '')}` }, value ?? '–');
}

// An error state for a section: what failed, and what the API said.
export function errorBox(what, err) {
  // The API's own 404 for a path it has no route for means the route itself is missing.
  const missing = err && err.status === 404 && ['not found', 'no such API path'].includes(err.message) && err.route;
  return h('div', { class: 'error-box', role: 'alert' },
    h('strong', {}, what),
    h('p', {}, missing ? `This daemon does not offer ${err.route} (an older vigil?): ${err.message}` : String(err && err.message || err)));
}

export function loading(what = 'Loading…') {
  return h('p', { class: 'muted', role: 'status' }, what);
}

// A <select> from [value, label] pairs (or plain values).
export function select(name, options, value, attrs = {}) {
  return h('select', { name, id: attrs.id || `f-${name}`, ...attrs },
    options.map(o => {
      const [v, label] = Array.isArray(o) ? o : [o, o === '' ? 'any' : o];
      return h('option', { value: v, selected: v === value }, label);
    }));
}

export function labelled(text, control, hint) {
  return h('label', { class: 'field' }, h('span', {}, text), control, hint ? h('small', { class: 'muted' }, hint) : null);
}

// Pretty JSON text; strings that hold JSON are parsed first.
export function prettyJson(value) {
  if (typeof value === 'string') {
    try { return JSON.stringify(JSON.parse(value), null, 2); } catch { return value; }
  }
  return JSON.stringify(value, null, 2);
}

export function truncate(text, n) {
  const s = String(text ?? '');
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

// A short message in the page's live region (screen readers hear it).
export function announce(text, kind = 'info') {
  const region = document.getElementById('toast');
  if (!region) return;
  clear(region, h('p', { class: `toast ${kind}` }, text));
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => region.replaceChildren(), 6000);
}

// Gives each cell of `row` the heading of its column (data-label), which narrow screens show
// beside the value when a table's rows become blocks (table.stack in the stylesheet).
export function labelRow(row, headings) {
  [...row.children].forEach((cell, i) => { if (headings[i]) cell.dataset.label = headings[i]; });
  return row;
}
