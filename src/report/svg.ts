// Shared pieces of the hand-written SVG charts: escaping, palette, geometry, y ticks and the frame
// every kind draws (grid, tick labels, axis titles, legend). Pure string building, deterministic.
import { fmtNs, fmtNum } from './table.js';
import type { Chart } from './chart-types.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes & < > " ' for HTML text and attribute values. */
export const escapeHtml = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

// Okabe-Ito: distinguishable under the common colour-vision deficiencies.
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#999999'];
export const W = 720;
export const H = 320;
export const M = { l: 64, r: 16, t: 36, b: 48 };
export const PW = W - M.l - M.r;
export const PH = H - M.t - M.b;
export const r1 = (n: number): number => Math.round(n * 10) / 10;

/** A y value as the chart's unit wants it: fmtNs for 'ns', a % sign for '%', else fmtNum. */
export function fmtY(chart: Chart, v: number): string {
  if (chart.yUnit === 'ns') return fmtNs(v);
  return chart.yUnit === '%' ? `${fmtNum(v)}%` : fmtNum(v);
}

// 1-2-5 steps give round tick labels; the domain is widened to whole steps.
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (lo === hi) { lo -= lo === 0 ? 1 : Math.abs(lo) / 2; hi += hi === 0 ? 1 : Math.abs(hi) / 2; }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const dec = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v < hi + step * 1e-9 || ticks.length < 2; v += step) ticks.push(Number(v.toFixed(dec)));
  if (ticks[ticks.length - 1] < hi - step * 1e-9) ticks.push(Number((ticks[ticks.length - 1] + step).toFixed(dec)));
  return ticks;
}

/** Log-axis ticks over whole decades around [lo, hi] (both > 0); 2x and 5x too when there are few decades. */
export function logTicks(lo: number, hi: number): number[] {
  const d0 = Math.floor(Math.log10(lo));
  const d1 = Math.max(d0 + 1, Math.ceil(Math.log10(hi)));
  const ticks: number[] = [];
  for (let d = d0; d <= d1; d++) {
    for (const k of d1 - d0 <= 2 ? [1, 2, 5] : [1]) if (d < d1 || k === 1) ticks.push(Number((k * 10 ** d).toPrecision(12)));
  }
  return ticks;
}

/** The opening <svg> and its accessible title. */
export function svgOpen(label: string): string[] {
  return [`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}">`,
    `<title>${escapeHtml(label)}</title>`];
}

/** A whole chart that says it has nothing to draw. */
export function svgEmpty(label: string): string {
  return [...svgOpen(label), `<text class="empty" x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text></svg>`].join('\n');
}

/** Horizontal grid lines with their labels, and the axis titles. */
export function yFrame(chart: Chart, ticks: number[], sy: (v: number) => number, fmt: (v: number) => string): string[] {
  const out: string[] = [];
  for (const t of ticks) {
    out.push(`<line class="grid" x1="${M.l}" x2="${M.l + PW}" y1="${r1(sy(t))}" y2="${r1(sy(t))}"/>`,
      `<text class="tick" x="${M.l - 6}" y="${r1(sy(t) + 4)}" text-anchor="end">${escapeHtml(fmt(t))}</text>`);
  }
  out.push(`<text class="axis" transform="translate(14 ${M.t + PH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(chart.yLabel)}</text>`);
  if (chart.xLabel) out.push(`<text class="axis" x="${M.l + PW / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(chart.xLabel)}</text>`);
  return out;
}

/** Legend entry i: a swatch and its name, four to a row inside the top margin. */
export function legendEntry(i: number, color: string, name: string): string[] {
  const lx = M.l + (i % 4) * 160;
  const ly = 4 + Math.floor(i / 4) * 15;
  return [`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${color}"/>`,
    `<text class="legend" x="${lx + 18}" y="${ly + 10}">${escapeHtml(name)}</text>`];
}

/** Colour per group in first-appearance order (a series without a group is its own group). */
export function groupColors(chart: Chart): { groups: string[]; color: (i: number) => string } {
  const keys = chart.series.map((s) => s.group ?? s.name);
  const groups = [...new Set(keys)];
  return { groups, color: (i) => PALETTE[groups.indexOf(keys[i]) % PALETTE.length] };
}
