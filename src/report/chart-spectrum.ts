// Percentile spectrum: latency against percentile on HdrHistogram's "number of nines" axis,
// x = log10(1 / (1 − p)), so 90%, 99%, 99.9% ... sit one step apart and the tail gets the room.
import type { Chart, ChartPoint } from './chart-types.js';
import { M, PH, PW, escapeHtml, fmtY, groupColors, legendEntry, logTicks, niceTicks, r1, svgEmpty, svgOpen, yFrame } from './svg.js';

const XPAD = 28;

/** The nines of a percentile: 0 for 0%, 1 for 90%, 2 for 99%; Infinity at 100%. */
export const ninesOf = (percentile: number): number => -Math.log10(1 - percentile / 100);

/** The tick label k nines out: '0%', '90%', '99%', '99.9%', '99.99%', ... */
export function ninesLabel(k: number): string {
  if (k <= 0) return '0%';
  if (k === 1) return '90%';
  return `99${k > 2 ? `.${'9'.repeat(k - 2)}` : ''}%`;
}

// The max (percentile 100) has no finite x: it is drawn straight above the series' last finite
// point, where the sampling ran out of resolution (1/(1 − p) = count), as a jump to the max.
function xsOf(points: ChartPoint[]): number[] {
  let last = 0;
  return points.map((p) => {
    const n = ninesOf(Number(p.x));
    if (Number.isFinite(n)) last = Math.max(0, n);
    return Number.isFinite(n) ? Math.max(0, n) : last;
  });
}

export function renderSpectrum(chart: Chart, label: string): string {
  const lines = chart.series.map((s) => {
    const pts = s.points.filter((p) => Number.isFinite(p.y) && Number(p.x) >= 0 && Number(p.x) <= 100);
    return { s, pts, xs: xsOf(pts) };
  }).filter((l) => l.pts.length > 0);
  const ys = lines.flatMap((l) => l.pts.map((p) => p.y));
  if (ys.length === 0) return svgEmpty(label);
  const yMax = chart.yMax ?? Math.max(...ys);
  const minPos = Math.min(...ys.filter((y) => y > 0));
  const log = chart.yLog ?? (Number.isFinite(minPos) && yMax / minPos > 100);
  const ticks = log ? logTicks(chart.yMin && chart.yMin > 0 ? chart.yMin : minPos, yMax) : niceTicks(chart.yMin ?? 0, yMax);
  const y0 = ticks[0];
  const y1 = ticks[ticks.length - 1];
  const f = log ? Math.log10 : (v: number) => v;
  const sy = (v: number) => M.t + PH - ((f(Math.min(Math.max(v, y0), y1)) - f(y0)) / (f(y1) - f(y0))) * PH;
  const xMax = Math.max(1, Math.ceil(Math.max(...lines.flatMap((l) => l.xs)) - 1e-6));
  // The right pad leaves room for the last tick label ('99.999%') centred on its grid line.
  const sx = (n: number) => M.l + (n / xMax) * (PW - XPAD);

  const out = svgOpen(label);
  out.push(...yFrame(chart, ticks, sy, (v) => fmtY(chart, v)));
  for (let k = 0; k <= xMax; k++) {
    out.push(`<line class="grid" x1="${r1(sx(k))}" x2="${r1(sx(k))}" y1="${M.t}" y2="${M.t + PH}"/>`,
      `<text class="tick" x="${r1(sx(k))}" y="${M.t + PH + 16}" text-anchor="middle">${ninesLabel(k)}</text>`);
  }
  const { groups, color } = groupColors(chart);
  chart.series.forEach((s, si) => {
    const l = lines.find((x) => x.s === s);
    if (!l) return;
    const c = color(si);
    const d = l.pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${r1(sx(l.xs[i]))} ${r1(sy(p.y))}`).join('');
    const max = Math.max(...l.pts.map((p) => p.y));
    out.push(`<g class="series" stroke="${c}" fill="none">`,
      `<path class="run" d="${d}"><title>${escapeHtml(`${s.name}: max ${fmtY(chart, max)}`)}</title></path>`, '</g>');
  });
  groups.forEach((g, gi) => {
    const n = chart.series.filter((s) => (s.group ?? s.name) === g).length;
    out.push(...legendEntry(gi, color(chart.series.findIndex((s) => (s.group ?? s.name) === g)), n > 1 ? `${g} (${n} runs)` : g));
  });
  out.push(`<line class="axisline" x1="${M.l}" x2="${M.l + PW}" y1="${M.t + PH}" y2="${M.t + PH}"/>`, '</svg>');
  return out.join('\n');
}
