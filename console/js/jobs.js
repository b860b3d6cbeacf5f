// Jobs and schedules: discarded jobs first, then every job by state, kind and queue, with attempts
// and last error, retry and cancel; pausing and resuming kinds and queues; a bulk retry of a kind's
// discarded jobs; the schedules with their next fire times in their time zones.
import { get, post, del, query } from './api.js';
import { h, clear, badge, timeEl, errorBox, loading, select, labelled, announce, truncate, labelRow } from './dom.js';
import { PagedList } from './paged.js';
import { filterForm } from './filters.js';

const STATES = ['', 'available', 'running', 'retryable', 'completed', 'discarded', 'cancelled'];
const RETRYABLE = new Set(['discarded', 'cancelled', 'retryable']);
const CANCELLABLE = new Set(['available', 'retryable', 'running']);
const HEADINGS = ['Job', 'State', 'Attempts', 'Run at', 'Last error', ''];

function jobTable(caption) {
  const body = h('tbody', {});
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'jobs stack' }, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, HEADINGS.map(t => h('th', { scope: 'col' }, t)))), body));
  return { body, table };
}

export function mount(main, { params }) {
  let filters;
  const lists = [];
  const pausesSlot = h('div', {}, loading());
  const schedulesSlot = h('div', {}, loading());
  const listsSlot = h('div', {});
  let kinds = [];

  async function act(job, verb) {
    try {
      const updated = await post(`/jobs/${encodeURIComponent(job.id)}/${verb}`);
      for (const l of lists) if (l.has(job.id)) l.put(updated && updated.id ? updated : { ...job, state: verb === 'retry' ? 'available' : 'cancelled' });
      announce(`Job ${job.id}: ${verb === 'retry' ? 'runs again' : 'cancelled'}.`);
    } catch (e) {
      announce(`Job ${job.id}: ${e.message}`, 'error');
    }
  }

  function row(j) {
    return labelRow(h('tr', { class: `job job-${j.state}` },
      h('th', { scope: 'row' }, `#${j.id} `, h('strong', {}, j.kind), h('br'), h('small', { class: 'muted' }, `queue ${j.queue}`)),
      h('td', {}, badge(j.state)),
      h('td', { class: 'num' }, `${j.attempt}/${j.max_attempts}`),
      h('td', {}, timeEl(j.run_at)),
      h('td', { class: 'error-text' }, j.last_error ? h('details', {}, h('summary', {}, truncate(j.last_error, 80)), h('pre', {}, j.last_error)) : ''),
      h('td', { class: 'actions' },
        RETRYABLE.has(j.state) ? h('button', { type: 'button', class: 'small', onclick: () => act(j, 'retry') }, 'Retry') : null,
        CANCELLABLE.has(j.state) ? h('button', { type: 'button', class: 'secondary small', onclick: () => act(j, 'cancel') }, 'Cancel') : null)), HEADINGS);
  }

  function makeList(caption, state) {
    const { body, table } = jobTable(caption);
    const list = new PagedList({
      what: 'jobs', container: body, empty: state === 'discarded' ? 'No discarded job.' : 'No job matches.',
      fetchPage: cursor => get(`/jobs${query({ state: state || filters.state, kind: filters.kind, queue: filters.queue, cursor, limit: 50 })}`),
      renderItem: row,
    });
    list.state = state;
    lists.push(list);
    return [table, list.footer()];
  }

  function buildLists() {
    lists.length = 0;
    clear(listsSlot, filters.state ? makeList(`Jobs: ${filters.state}`, '') : [makeList('Discarded', 'discarded'), makeList('All jobs, newest first', '')]);
    for (const l of lists) l.reload();
  }

  async function loadPauses() {
    try {
      const p = await get('/pauses');
      kinds = p.kinds || [];
      const scope = select('scope', [['kind', 'kind'], ['queue', 'queue']], 'kind', { id: 'pause-scope' });
      const name = select('name', kinds, kinds[0], { id: 'pause-name' });
      scope.addEventListener('change', () => clear(name, (scope.value === 'kind' ? kinds : p.queues || []).map(v => h('option', { value: v }, v))));
      const bulkKind = select('kind', kinds, kinds[0], { id: 'bulk-kind' });
      clear(pausesSlot,
        (p.items || []).length ? h('ul', { class: 'plain' }, p.items.map(i => h('li', {},
          badge('paused'), ` ${i.scope} `, h('strong', {}, i.name), ' since ', timeEl(i.paused_at), i.note ? ` (${i.note})` : '', ' ',
          h('button', { type: 'button', class: 'small', onclick: () => resume(i) }, 'Resume')))) : h('p', { class: 'muted' }, 'Nothing is paused.'),
        h('div', { class: 'two-col' },
          h('form', { class: 'filters', onsubmit: e => { e.preventDefault(); pause(scope.value, name.value); } },
            labelled('Pause a', scope), labelled('named', name), h('button', { type: 'submit', class: 'secondary' }, 'Pause')),
          h('form', { class: 'filters', onsubmit: e => { e.preventDefault(); bulkRetry(bulkKind.value); } },
            labelled('Every discarded job of kind', bulkKind), h('button', { type: 'submit', class: 'secondary' }, 'Retry all'))));
    } catch (e) {
      clear(pausesSlot, errorBox('The pauses could not be read', e));
    }
  }

  async function pause(scope, name) {
    try { await post('/pauses', { [scope]: name }); announce(`${scope} ${name} paused.`); } catch (e) { announce(e.message, 'error'); }
    loadPauses();
  }
  async function resume(p) {
    try { await del(`/pauses/${p.scope}/${encodeURIComponent(p.name)}`); announce(`${p.scope} ${p.name} resumed.`); } catch (e) { announce(e.message, 'error'); }
    loadPauses();
  }
  async function bulkRetry(kind) {
    try {
      const r = await post('/jobs/retry', { kind, state: 'discarded' });
      announce(`${r.retried} discarded ${kind} job(s) run again.`);
      buildLists();
    } catch (e) { announce(e.message, 'error'); }
  }

  async function loadSchedules() {
    try {
      const { items } = await get('/schedules');
      clear(schedulesSlot, items.length ? h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'sr-only' }, 'Schedules'),
        h('thead', {}, h('tr', {}, ['Schedule', 'Kind', 'When', 'Next fire (its zone)', 'Next fire (UTC)', 'Catch-up'].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, items.map(s => h('tr', {},
          h('th', { scope: 'row' }, s.name, s.paused ? [' ', badge('paused')] : null), h('td', {}, s.kind),
          h('td', {}, h('code', {}, s.cron || `every ${s.every}`), h('small', { class: 'muted' }, ` ${s.tz || 'UTC'}`)),
          h('td', {}, s.next_fire_local || '–'), h('td', {}, timeEl(s.next_fire_at)), h('td', {}, String(s.catch_up ?? '–'))))))) : h('p', { class: 'muted' }, 'No schedules.'));
    } catch (e) {
      clear(schedulesSlot, errorBox('The schedules could not be read', e));
    }
  }

  const ff = filterForm([
    { name: 'state', label: 'State', options: STATES },
    { name: 'kind', label: 'Kind', placeholder: 'any' },
    { name: 'queue', label: 'Queue', placeholder: 'any' },
  ], params, v => { filters = v; buildLists(); });
  filters = ff.values;
  clear(main, h('h1', {}, 'Jobs'),
    h('section', { 'aria-labelledby': 'h-pauses' }, h('h2', { id: 'h-pauses' }, 'Pauses and bulk retry'), pausesSlot),
    h('section', { 'aria-labelledby': 'h-jobs' }, h('h2', { id: 'h-jobs' }, 'Jobs'), ff.form, listsSlot),
    h('section', { 'aria-labelledby': 'h-schedules' }, h('h2', { id: 'h-schedules' }, 'Schedules'), schedulesSlot));
  buildLists();
  loadPauses();
  loadSchedules();

  return {
    onLive: (kind, job) => {
      if (kind !== 'job') return;
      for (const l of lists) {
        const old = l.get(job.id);
        if (old) l.put({ ...old.item, ...job });
        else if (!l.state && (!filters.state || filters.state === job.state) && (!filters.kind || filters.kind === job.kind) &&
                 (!filters.queue || filters.queue === job.queue)) l.put(job, true);
        else if (l.state === job.state && (!filters.kind || filters.kind === job.kind)) l.put(job, true);
      }
    },
    resync: () => { buildLists(); loadPauses(); loadSchedules(); },
  };
}
