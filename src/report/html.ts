// Self-contained HTML report with hand-written inline SVG charts (ecosystem-notes §5): no scripts,
// no external URLs, deterministic output so it can be asserted on and opened from a file.
import { fmtNum } from './table.js';
import type { Chart, ChartPoint, ChartSeries } from './chart-types.js';
import { M, PALETTE, PH, PW, escapeHtml, legendEntry, niceTicks, r1, svgEmpty, svgOpen, yFrame } from './svg.js';
import { renderStrip } from './chart-strip.js';
import { renderSpectrum } from './chart-spectrum.js';

export type { Chart, ChartPoint, ChartSeries };
export { escapeHtml };
export interface ReportSection {
  heading: string;
  table?: { headers: string[]; rows: (string | number)[][] };
  chart?: Chart;
  note?: string;
}
export interface ReportDoc { title: string; sections: ReportSection[] }

// Keeps end points and their whiskers off the plot edges on numeric x axes.
const XPAD = 16;

const hasCI = (p: ChartPoint): p is ChartPoint & { lo: number; hi: number } => Number.isFinite(p.lo) && Number.isFinite(p.hi);

function pointTitle(s: ChartSeries, p: ChartPoint): string {
  const ci = hasCI(p) ? ` [${fmtNum(p.lo)}, ${fmtNum(p.hi)}]` : '';
  return `<title>${escapeHtml(`${s.name} · ${p.x}: ${fmtNum(p.y)}${ci}`)}</title>`;
}

// Bars get dark whiskers because a whisker in the bar's own colour vanishes inside the bar.
function whisker(x: number, ylo: number, yhi: number, stroke?: string): string {
  return `<path class="ci"${stroke ? ` stroke="${stroke}"` : ''} d="M${r1(x)} ${r1(ylo)}V${r1(yhi)}M${r1(x - 4)} ${r1(ylo)}h8M${r1(x - 4)} ${r1(yhi)}h8"/>`;
}

/** One inline <svg> for a chart; bars and lines here, strip and spectrum in their own files. */
export function renderChart(chart: Chart, label: string): string {
  if (chart.kind === 'strip') return renderStrip(chart, label);
  if (chart.kind === 'spectrum') return renderSpectrum(chart, label);
  const pts = chart.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const ys = pts.flatMap((p) => (hasCI(p) ? [p.y, p.lo, p.hi] : [p.y]));
  const bars = chart.kind === 'bars';
  if (ys.length === 0) return svgEmpty(label);
  const out = svgOpen(label);
  const ticks = niceTicks(chart.yMin ?? Math.min(bars ? 0 : Infinity, ...ys), chart.yMax ?? Math.max(bars ? 0 : -Infinity, ...ys));
  const y0 = ticks[0];
  const y1 = ticks[ticks.length - 1];
  const sy = (v: number) => M.t + PH - ((Math.min(Math.max(v, y0), y1) - y0) / (y1 - y0)) * PH;
  out.push(...yFrame(chart, ticks, sy, fmtNum));

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
    out.push('</g>', ...legendEntry(si, color, s.name));
  });
  out.push(`<line class="axisline" x1="${M.l}" x2="${M.l + PW}" y1="${r1(sy(bars ? 0 : y0))}" y2="${r1(sy(bars ? 0 : y0))}"/>`, '</svg>');
  return out.join('\n');
}

function renderTable(t: { headers: string[]; rows: (string | number)[][] }): string {
  // Figures never wrap ('+7.1 pp [+2.26, +11.9]' stays one line), words may; the wrapper scrolls
  // sideways where a wide table (the compare table) still does not fit.
  const cell = (v: string | number | undefined, tag: string) =>
    `<${tag}${typeof v === 'number' ? ' class="num"' : /\d/.test(v ?? '') ? ' class="nw"' : ''}>${escapeHtml(typeof v === 'number' ? fmtNum(v) : v ?? '')}</${tag}>`;
  return [
    '<div class="tw"><table>',
    `<thead><tr>${t.headers.map((h) => cell(h, 'th')).join('')}</tr></thead>`,
    `<tbody>${t.rows.map((r) => `<tr>${r.map((v) => cell(v, 'td')).join('')}</tr>`).join('\n')}</tbody>`,
    '</table></div>',
  ].join('\n');
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:780px;margin:2em auto;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.tw{overflow-x:auto;margin:.8em 0}table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px}
th,td{padding:.25em .45em;border-bottom:1px solid #eee;text-align:left}.num,.nw,td:first-child{white-space:nowrap}th{border-bottom:1px solid #bbb;font-weight:600}
td.num,th.num{text-align:right}.note{color:#555;white-space:pre-line}
svg.chart{max-width:100%;height:auto;font-size:12px}.grid{stroke:#e6e6e6}.axisline{stroke:#888}
.tick{fill:#555}.axis,.legend{fill:#333}.empty{fill:#999}.line{stroke-width:2}.ci{fill:none;stroke-width:1.2}
.band{fill:#0072B2;fill-opacity:.07;stroke:#0072B2;stroke-opacity:.45;stroke-dasharray:5 4}.bandlabel{fill:#557;font-size:11px}
.median{stroke:#222;stroke-width:2.5}.run{stroke-width:1.4;stroke-opacity:.7;stroke-linejoin:round}
.dot{fill-opacity:.8}
@media print{body{margin:0}.num,.nw{white-space:normal}}`;

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
