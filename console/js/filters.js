// A filter form whose values live in the page's hash (#/events?watcher=x), so a filtered view can
// be bookmarked and a reload keeps it. fields: [{name, label, options?: [...], type?, placeholder?}]
import { h, select, labelled } from './dom.js';

export function filterForm(fields, params, onChange) {
  const values = {};
  // A parameter present but empty (status=) means "any", not the default.
  for (const f of fields) values[f.name] = params.has(f.name) ? params.get(f.name) : (f.default || '');
  const controls = fields.map(f => {
    const attrs = { id: `f-${f.name}`, onchange: () => changed(f.name) };
    const control = f.options
      ? select(f.name, f.options, values[f.name], attrs)
      : h('input', { ...attrs, name: f.name, type: f.type || 'search', value: values[f.name], placeholder: f.placeholder || null, list: f.list || null });
    return labelled(f.label, control);
  });
  const form = h('form', { class: 'filters', role: 'search', onsubmit: e => { e.preventDefault(); changed(); } },
    controls, h('button', { type: 'submit', class: 'secondary' }, 'Apply'));
  function changed() {
    for (const f of fields) values[f.name] = form.elements[f.name].value.trim();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) if (v) q.set(k, v);
    const base = location.hash.split('?')[0];
    history.replaceState(null, '', q.toString() ? `${base}?${q}` : base);
    onChange({ ...values });
  }
  return { form, values };
}

// datetime-local text ("2026-12-03T05:40") read as UTC, to ISO 8601; '' stays ''.
export function isoFromInput(text) {
  if (!text) return '';
  const d = new Date(/Z$|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
