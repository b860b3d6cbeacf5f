// One event (GET /api/v1/events/<id>): its triage (signal, score, reasoning, hypothesis), its
// notifications, its source metadata and its raw payload, pretty-printed in collapsible blocks.
import { get } from './api.js';
import { h, clear, badge, timeEl, errorBox, loading, prettyJson } from './dom.js';

function jsonBlock(title, value, open) {
  return h('details', { class: 'json', open },
    h('summary', {}, title),
    h('pre', { tabindex: '0' }, h('code', {}, value === null || value === undefined ? '(none)' : prettyJson(value))));
}

function render(e) {
  const dl = [
    ['Watcher', e.watcher || '–'], ['Community', e.community || '–'],
    ['Detected', timeEl(e.detected_at || e.created_at)], ['Source type', e.source_type || '–'], ['Signal', e.triage_signal ? badge(e.triage_signal, 'signal') : 'not triaged'],
    ['Score', e.triage_score === null || e.triage_score === undefined ? '–' : Number(e.triage_score).toFixed(2)],
    ['Source', (e.source_url || e.url) ? h('a', { href: e.source_url || e.url, rel: 'noopener noreferrer', target: '_blank' }, e.source_url || e.url) : '–'],
  ];
  return [
    h('p', {}, h('a', { href: '#/events' }, '← Events')),
    h('h1', {}, e.title || '(no title)'),
    h('dl', { class: 'facts' }, dl.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('section', { 'aria-labelledby': 'h-why' }, h('h2', { id: 'h-why' }, 'Triage'),
      h('p', {}, e.triage_reasoning || h('span', { class: 'muted' }, 'No reasoning recorded.')),
      e.suggested_hypothesis ? h('p', {}, h('strong', {}, 'Suggested hypothesis: '), e.suggested_hypothesis) : null,
      e.summary ? h('p', { class: 'muted' }, e.summary) : null),
    h('section', { 'aria-labelledby': 'h-notifs' }, h('h2', { id: 'h-notifs' }, 'Notifications'),
      (e.notifications || []).length
        ? h('ul', { class: 'plain' }, e.notifications.map(n => h('li', {}, `#${n.id} `, n.community || '–', ' ', badge(n.status))))
        : h('p', { class: 'muted' }, 'None.')),
    jsonBlock('Source metadata', e.source_metadata, true),
    jsonBlock('Raw payload', e.raw_data, false),
  ];
}

export function mount(main, { id }) {
  clear(main, h('h1', {}, `Event ${id}`), loading());
  const load = async () => {
    try {
      clear(main, render(await get(`/events/${encodeURIComponent(id)}`)));
    } catch (e) {
      clear(main, h('p', {}, h('a', { href: '#/events' }, '← Events')), h('h1', {}, `Event ${id}`), errorBox('The event could not be read', e));
    }
  };
  load();
  return { resync: load };
}
