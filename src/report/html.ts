// Self-contained HTML report with hand-written inline SVG charts (ecosystem-notes §5): no scripts,
// no external URLs, deterministic output so it can be asserted on and opened from a file.
import { fmtNum } from './table.js';

export interface ChartPoint { x: string | number; y: number; lo?: number; hi?: number }
export interface ChartSeries { name: string; points: ChartPoint[] }
export interface Chart {
  kind: 'bars' | 'lines';
  yLabel: string;
  series: ChartSeries[];
  xLabel?: string;
  /** Lines with numeric x only: log10 x axis (thread counts 1, 2, 4, 8 read well this way). */
  xLog?: boolean;
  yMin?: number;
  yMax?: number;
}
export interface ReportSection {
  heading: string;
  table?: { headers: string[]; rows: (string | number)[][] };
  chart?: Chart;
  note?: string;
}
export interface ReportDoc { title: string; sections: ReportSection[] }

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes & < > " ' for HTML text and attribute values. */
export const escapeHtml = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

// Okabe-Ito: distinguishable under the common colour-vision deficiencies.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#999999'];
const W = 720;
const H = 320;
const M = { l: 64, r: 16, t: 36, b: 48 };
const PW = W - M.l - M.r;
const PH = H - M.t - M.b;
// Keeps end points and their whiskers off the plot edges on numeric x axes.
const XPAD = 16;
const r1 = (n: number) => Math.round(n * 10) / 10;

// 1-2-5 steps give round tick labels; the domain is widened to whole steps.
function niceTicks(lo: number, hi: number, target = 5): number[] {
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

const hasCI = (p: ChartPoint): p is ChartPoint & { lo: number; hi: number } => Number.isFinite(p.lo) && Number.isFinite(p.hi);

function pointTitle(s: ChartSeries, p: ChartPoint): string {
  const ci = hasCI(p) ? ` [${fmtNum(p.lo)}, ${fmtNum(p.hi)}]` : '';
  return `<title>${escapeHtml(`${s.name} · ${p.x}: ${fmtNum(p.y)}${ci}`)}</title>`;
}

// Bars get dark whiskers because a whisker in the bar's own colour vanishes inside the bar.
function whisker(x: number, ylo: number, yhi: number, stroke?: string): string {
  return `<path class="ci"${stroke ? ` stroke="${stroke}"` : ''} d="M${r1(x)} ${r1(ylo)}V${r1(yhi)}M${r1(x - 4)} ${r1(ylo)}h8M${r1(x - 4)} ${r1(yhi)}h8"/>`;
}

/** One inline <svg> for a chart: y grid and ticks, legend, bars or lines, CI whiskers where lo/hi are given. */
export function renderChart(chart: Chart, label: string): string {
  const pts = chart.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const ys = pts.flatMap((p) => (hasCI(p) ? [p.y, p.lo, p.hi] : [p.y]));
  const bars = chart.kind === 'bars';
  const out: string[] = [`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}">`,
    `<title>${escapeHtml(label)}</title>`];
  if (ys.length === 0) {
    out.push(`<text class="empty" x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text></svg>`);
    return out.join('\n');
  }
  const ticks = niceTicks(chart.yMin ?? Math.min(bars ? 0 : Infinity, ...ys), chart.yMax ?? Math.max(bars ? 0 : -Infinity, ...ys));
  const y0 = ticks[0];
  const y1 = ticks[ticks.length - 1];
  const sy = (v: number) => M.t + PH - ((Math.min(Math.max(v, y0), y1) - y0) / (y1 - y0)) * PH;
  for (const t of ticks) {
    out.push(`<line class="grid" x1="${M.l}" x2="${M.l + PW}" y1="${r1(sy(t))}" y2="${r1(sy(t))}"/>`,
      `<text class="tick" x="${M.l - 6}" y="${r1(sy(t) + 4)}" text-anchor="end">${escapeHtml(fmtNum(t))}</text>`);
  }
  out.push(`<text class="axis" transform="translate(14 ${M.t + PH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(chart.yLabel)}</text>`);
  if (chart.xLabel) out.push(`<text class="axis" x="${M.l + PW / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(chart.xLabel)}</text>`);

  // Categories keep first-appearance order; numeric x on lines gets a real (optionally log) scale.
  const cats = [...new Set(pts.map((p) => String(p.x)))];
  const numeric = !bars && pts.every((p) => typeof p.x === 'number' && (!chart.xLog || p.x > 0));
  const tx = (x: number) => (chart.xLog ? Math.log10(x) : x);
  const xs = numeric ? pts.map((p) => tx(p.x as number)) : [];
  const [x0, x1] = numeric ? [Math.min(...xs), Math.max(...xs)] : [0, 0];
  const band = PW / cats.length;
  const sx = (p: ChartPoint) => (numeric
    ? M.l + XPAD + (x1 === x0 ? PW / 2 - XPAD : ((tx(p.x as number) - x0) / (x1 - x0)) * (PW - 2 * XPAD))
    : M.l + band * (cats.indexOf(String(p.x)) + 0.5));
  const every = Math.ceil(cats.length / 12);
  cats.forEach((c, i) => {
    if (i % every !== 0) return;
    const p = pts.find((q) => String(q.x) === c)!;
    out.push(`<text class="tick" x="${r1(sx(p))}" y="${M.t + PH + 16}" text-anchor="middle">${escapeHtml(c)}</text>`);
  });

  const n = chart.series.length;
  const barW = (band * 0.8) / Math.max(1, n);
  chart.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const good = s.points.filter((p) => Number.isFinite(p.y));
    out.push(`<g class="series" fill="${color}" stroke="${color}">`);
    if (bars) {
      for (const p of good) {
        const cx = sx(p) - band * 0.4 + barW * (si + 0.5);
        const top = Math.min(sy(p.y), sy(0));
        out.push(`<rect x="${r1(cx - barW / 2 + 1)}" y="${r1(top)}" width="${r1(Math.max(1, barW - 2))}" height="${r1(Math.abs(sy(p.y) - sy(0)))}" stroke="none">${pointTitle(s, p)}</rect>`);
        if (hasCI(p)) out.push(whisker(cx, sy(p.lo), sy(p.hi), '#333'));
      }
    } else {
      const d = good.map((p, i) => `${i === 0 ? 'M' : 'L'}${r1(sx(p))} ${r1(sy(p.y))}`).join('');
      if (d) out.push(`<path class="line" d="${d}" fill="none"/>`);
      for (const p of good) {
        if (hasCI(p)) out.push(whisker(sx(p), sy(p.lo), sy(p.hi)));
        out.push(`<circle cx="${r1(sx(p))}" cy="${r1(sy(p.y))}" r="3">${pointTitle(s, p)}</circle>`);
      }
    }
    out.push('</g>');
    // Four legend entries per row keep it inside the top margin for the usual 2-8 series.
    const lx = M.l + (si % 4) * 160;
    const ly = 4 + Math.floor(si / 4) * 15;
    out.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${color}"/>`,
      `<text class="legend" x="${lx + 18}" y="${ly + 10}">${escapeHtml(s.name)}</text>`);
  });
  out.push(`<line class="axisline" x1="${M.l}" x2="${M.l + PW}" y1="${r1(sy(bars ? 0 : y0))}" y2="${r1(sy(bars ? 0 : y0))}"/>`, '</svg>');
  return out.join('\n');
}

function renderTable(t: { headers: string[]; rows: (string | number)[][] }): string {
  const cell = (v: string | number | undefined, tag: string) =>
    `<${tag}${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(typeof v === 'number' ? fmtNum(v) : v ?? '')}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${t.headers.map((h) => cell(h, 'th')).join('')}</tr></thead>`,
    `<tbody>${t.rows.map((r) => `<tr>${r.map((v) => cell(v, 'td')).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:780px;margin:2em auto;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0;font-variant-numeric:tabular-nums}
th,td{padding:.25em .7em;border-bottom:1px solid #eee;text-align:left}th{border-bottom:1px solid #bbb;font-weight:600}
td.num,th.num{text-align:right}.note{color:#555}
svg.chart{max-width:100%;height:auto;font-size:12px}.grid{stroke:#e6e6e6}.axisline{stroke:#888}
.tick{fill:#555}.axis,.legend{fill:#333}.empty{fill:#999}.line{stroke-width:2}.ci{fill:none;stroke-width:1.2}
@media print{body{margin:0}}`;

/** A complete, self-contained HTML page; every caller-supplied string is escaped. */
export function renderHtmlReport(doc: ReportDoc): string {
  const body = doc.sections.map((s) => [
    `<section>\n<h2>${escapeHtml(s.heading)}</h2>`,
    s.chart ? renderChart(s.chart, s.heading) : '',
    s.table ? renderTable(s.table) : '',
    s.note ? `<p class="note">${escapeHtml(s.note)}</p>` : '',
    '</section>',
  ].filter(Boolean).join('\n'));
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(doc.title)}</title>\n<style>\n${CSS}\n</style>\n</head>`,
    `<body>\n<h1>${escapeHtml(doc.title)}</h1>`,
    ...body,
    '</body>\n</html>\n',
  ].join('\n');
}
