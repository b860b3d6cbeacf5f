// Charts drawn as SVG by hand: a line chart of hourly counts (one line per series, a legend with
// totals, a table for screen readers) and a sparkline. Colours come from the stylesheet
// (.series-N), so both colour schemes apply.
import { h, svg } from './dom.js';

const W = 720, H = 220, PAD = { l: 40, r: 12, t: 12, b: 26 };

function niceMax(n) {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

function hourLabel(start, i, bucketSeconds, long) {
  const d = new Date(new Date(start).getTime() + i * bucketSeconds * 1000);
  const iso = d.toISOString();
  return long ? iso.slice(5, 10) : iso.slice(11, 16);
}

// stats: a GET /api/v1/stats answer.
export function lineChart(stats, title) {
  const series = stats.series || [];
  const n = stats.buckets || (series[0] ? series[0].counts.length : 0);
  const max = niceMax(Math.max(0, ...series.flatMap(s => s.counts)));
  const x = i => PAD.l + (n <= 1 ? 0 : (i * (W - PAD.l - PAD.r)) / (n - 1));
  const y = v => H - PAD.b - (v * (H - PAD.t - PAD.b)) / max;
  const long = n > 48;
  const grid = [0, 0.5, 1].map(f => {
    const v = Math.round(max * f);
    return [svg('line', { class: 'grid', x1: PAD.l, x2: W - PAD.r, y1: y(v), y2: y(v) }),
      svg('text', { class: 'axis', x: PAD.l - 6, y: y(v) + 4, 'text-anchor': 'end' }, v)];
  });
  const step = long ? 24 : 6;
  const ticks = [];
  for (let i = 0; i < n; i += step) ticks.push(svg('text', { class: 'axis', x: x(i), y: H - 8, 'text-anchor': 'middle' }, hourLabel(stats.start, i, stats.bucket_seconds || 3600, long)));
  const lines = series.map((s, k) => svg('polyline', {
    class: `line series-${k % 12}`, fill: 'none',
    points: s.counts.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
  }, svg('title', {}, `${s.key}: ${s.counts.reduce((a, b) => a + b, 0)}`)));
  const label = `${title}: ${stats.total ?? 0} in all`;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': label },
    svg('title', {}, label), grid, ticks, lines);
  const legend = h('ul', { class: 'legend' }, series.length ? series.map((s, k) =>
    h('li', {}, h('span', { class: `swatch series-${k % 12}`, 'aria-hidden': 'true' }), `${s.key} `,
      h('span', { class: 'muted' }, s.counts.reduce((a, b) => a + b, 0)))) : h('li', { class: 'muted' }, 'nothing in this range'));
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, label), chart, legend);
}

// counts: ints, oldest first. A tiny bar chart with the numbers in its title.
export function sparkline(counts, label) {
  if (!Array.isArray(counts) || !counts.length) return h('span', { class: 'muted' }, '–');
  const w = 84, ht = 20, max = Math.max(1, ...counts), bw = w / counts.length;
  const text = `${label}: ${counts.join(', ')} (oldest first)`;
  return svg('svg', { viewBox: `0 0 ${w} ${ht}`, class: 'sparkline', role: 'img', 'aria-label': text, width: w, height: ht },
    svg('title', {}, text),
    counts.map((v, i) => {
      const bh = v ? Math.max(1.5, (v * (ht - 2)) / max) : 0.75;
      return svg('rect', { x: (i * bw + 0.5).toFixed(1), y: (ht - bh).toFixed(1), width: (bw - 1).toFixed(1), height: bh.toFixed(1), class: v ? 'bar' : 'bar empty' });
    }));
}
