// A soak as text and HTML: the drift tests as a table, and every rate, every latency's p50/p99/max
// and the main process's memory plotted against time, interval by interval.
import type { RunResult } from './schema.js';
import type { DriftReport, IntervalSummary } from './drift.js';
import { comparisonCells } from './compare-text.js';
import { fmtNum, fmtPct, formatTable } from './table.js';
import type { ReportDoc, ReportSection } from './html.js';
import { runReportDoc } from './run-html.js';
import { fmtP } from './compare-text.js';

/** The soak's results document: the run so far (or whole), its intervals and, at the end, drift. */
export interface SoakDoc extends RunResult { intervalS: number; intervals: IntervalSummary[]; drift?: DriftReport }

const fmtSlope = (t: DriftReport['trends'][number]): string =>
  (Number.isFinite(t.relativePerHour) ? `${t.relativePerHour > 0 ? '+' : ''}${fmtNum(100 * t.relativePerHour, 3)}%/h` : '–');

export function renderDriftText(d: DriftReport): string {
  const out = [`drift (intervals as units, first ${d.window} vs last ${d.window} of ${d.intervals}; trend: Mann–Kendall + Sen's slope; each Holm-adjusted, α = ${d.alpha}):`];
  if (d.note) return `${out[0]}\n  ${d.note}`;
  const cells = comparisonCells({ alpha: d.alpha, primary: '', family: d.windows.map((w) => w.metric), rows: d.windows }, ['first', 'last']);
  const trend = new Map(d.trends.map((t) => [t.metric, t]));
  const headers = [...cells.headers.slice(0, 4), 'p adj', 'window verdict', 'trend', 'trend p adj'];
  const rows = d.windows.map((w, i) => {
    const t = trend.get(w.metric);
    return [...cells.rows[i].slice(0, 4), cells.rows[i][5], w.verdict === 'better' || w.verdict === 'worse' ? `DRIFT (${w.verdict})` : w.verdict, t ? fmtSlope(t) : '–', t ? `${fmtP(t.pAdjusted)}${t.drift ? ' DRIFT' : ''}` : '–'];
  });
  out.push(formatTable(headers, rows, { align: ['l', 'r', 'r', 'r', 'r', 'l', 'r', 'l'] }));
  out.push(d.drift ? `DRIFT in: ${d.drifted.join(', ')}` : 'no drift detected');
  return out.join('\n');
}

export function soakReportDoc(doc: SoakDoc): ReportDoc {
  const base = runReportDoc(doc);
  const t = doc.intervals.map((iv) => Math.round(iv.endS * 10) / 10);
  const sections: ReportSection[] = [];
  const rateNames = Object.keys(doc.intervals[0]?.rates ?? {});
  if (rateNames.length) {
    sections.push({ heading: 'Rates per interval', chart: { kind: 'lines', xLabel: 'seconds', yLabel: '%', yUnit: '%', series: rateNames.map((k) => ({
      name: k, points: doc.intervals.map((iv, i) => ({ x: t[i], y: 100 * (iv.rates[k]?.rate ?? NaN) })) })) } });
  }
  for (const [k, h] of Object.entries(doc.intervals[0]?.histograms ?? {})) {
    if (h.unit !== 'ns') continue;
    sections.push({ heading: `${k}: p50, p99 and max per interval`, chart: { kind: 'lines', xLabel: 'seconds', yLabel: 'latency', yUnit: 'ns', series: (['p50', 'p99', 'max'] as const).map((f) => ({
      name: f, points: doc.intervals.map((iv, i) => ({ x: t[i], y: iv.histograms[k]?.count ? iv.histograms[k][f] : NaN })) })) } });
  }
  sections.push({ heading: 'Main process per interval', chart: { kind: 'lines', xLabel: 'seconds', yLabel: 'MB', series: [
    { name: 'RSS', points: doc.intervals.map((iv, i) => ({ x: t[i], y: iv.process.rssMB })) },
    { name: 'heap used', points: doc.intervals.map((iv, i) => ({ x: t[i], y: iv.process.heapUsedMB })) }] } });
  if (doc.drift) {
    sections.push({ heading: 'Drift', note: renderDriftText(doc.drift) });
  }
  const rates = rateNames.map((k) => `${k} ${fmtPct(doc.rates[k]?.rate ?? NaN)}`).join(', ');
  return { title: `pagestorm soak: ${doc.scenario} / ${doc.variant}`, sections: [...base.sections.slice(0, 1), { heading: 'Soak', note: `${doc.intervals.length} intervals of ${doc.intervalS} s; ${rates}` }, ...sections, ...base.sections.slice(1)] };
}
