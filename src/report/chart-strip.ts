// Strip chart: one column per series (variant A, B), one dot per run, a tick at the median. With
// six runs a side the dots themselves are the honest picture; a bar or a box would hide them.
import type { Chart } from './chart-types.js';
import { M, PH, PW, escapeHtml, fmtY, groupColors, niceTicks, r1, svgEmpty, svgOpen, yFrame } from './svg.js';

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) / 2;
  return (s[Math.floor(h)] + s[Math.ceil(h)]) / 2;
}

// Golden-ratio offsets: deterministic, spread evenly, so runs with equal values stay side by side.
const jitter = (i: number): number => ((i * 0.6180339887498949) % 1) - 0.5;

export function renderStrip(chart: Chart, label: string): string {
  const cols = chart.series.map((s) => ({ s, pts: s.points.filter((p) => Number.isFinite(p.y)) }));
  const ys = cols.flatMap((c) => c.pts.map((p) => p.y));
  if (ys.length === 0) return svgEmpty(label);
  const band = chart.band && Number.isFinite(chart.band.lo) && Number.isFinite(chart.band.hi) ? chart.band : undefined;
  // The band widens the y range by at most the data's own span, so a huge MDE cannot squash the dots.
  const [dMin, dMax] = [Math.min(...ys), Math.max(...ys)];
  const span = dMax - dMin || Math.abs(dMax) || 1;
  const lo = chart.yMin ?? (band ? Math.min(dMin, Math.max(band.lo, dMin - span)) : dMin);
  const hi = chart.yMax ?? (band ? Math.max(dMax, Math.min(band.hi, dMax + span)) : dMax);
  const ticks = niceTicks(lo, hi);
  const y0 = ticks[0];
  const y1 = ticks[ticks.length - 1];
  const sy = (v: number) => M.t + PH - ((Math.min(Math.max(v, y0), y1) - y0) / (y1 - y0)) * PH;
  const out = svgOpen(label);
  out.push(...yFrame(chart, ticks, sy, (v) => fmtY(chart, v)));
  if (band) {
    const top = sy(band.hi);
    out.push(`<rect class="band" x="${M.l}" y="${r1(top)}" width="${PW}" height="${r1(Math.max(1, sy(band.lo) - top))}"><title>${escapeHtml(band.label)}</title></rect>`,
      `<text class="bandlabel" x="${M.l + PW - 4}" y="${r1(top - 3)}" text-anchor="end">${escapeHtml(band.label)}</text>`);
  }
  const colW = PW / cols.length;
  const spread = Math.min(colW * 0.4, 90);
  const { color } = groupColors(chart);
  cols.forEach(({ s, pts }, si) => {
    const cx = M.l + colW * (si + 0.5);
    const c = color(si);
    out.push(`<text class="tick" x="${r1(cx)}" y="${M.t + PH + 16}" text-anchor="middle">${escapeHtml(s.name)}</text>`,
      `<g class="series" fill="${c}" stroke="${c}">`);
    pts.forEach((p, i) => {
      out.push(`<circle class="dot" cx="${r1(cx + jitter(i) * spread)}" cy="${r1(sy(p.y))}" r="4.5"><title>${escapeHtml(`${s.name} · ${p.x}: ${fmtY(chart, p.y)}`)}</title></circle>`);
    });
    if (pts.length) {
      const m = medianOf(pts.map((p) => p.y));
      out.push(`<path class="median" d="M${r1(cx - spread * 0.7)} ${r1(sy(m))}h${r1(spread * 1.4)}"><title>${escapeHtml(`${s.name} median: ${fmtY(chart, m)}`)}</title></path>`);
    }
    out.push('</g>');
  });
  out.push(`<line class="axisline" x1="${M.l}" x2="${M.l + PW}" y1="${r1(sy(y0))}" y2="${r1(sy(y0))}"/>`, '</svg>');
  return out.join('\n');
}
