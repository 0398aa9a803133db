// HTML report documents for a run and for a comparison (rendered by html.ts).
import type { CompareResult, RunResult } from './schema.js';
import { comparisonCells, comparisonFootnotes, fmtEstimate } from './compare-text.js';
import type { ReportDoc, ReportSection } from './html.js';
import { fmtNs, fmtNum } from './table.js';
import { wilson } from './statistics.js';

function runSections(r: RunResult): ReportSection[] {
  const sections: ReportSection[] = [];
  const params = Object.entries(r.params).map(([k, v]) => [k, String(v)]);
  sections.push({ heading: `${r.scenario} / ${r.variant}`, table: { headers: ['parameter', 'value'], rows: params },
    note: `measured ${r.durationS.toFixed(2)} s; CPU share ${r.cpuShare.toFixed(2)}; ${r.env.cpuModel}, ${r.env.cores} cores, node ${r.env.node}, commit ${r.env.gitCommit ?? 'unknown'}` });
  const rates = Object.entries(r.rates);
  if (rates.length) {
    sections.push({ heading: 'Rates', chart: { kind: 'bars', yLabel: '%', yMin: 0, yMax: 100, series: rates.map(([k, x]) => {
      const ci = wilson(x.successes, x.trials);
      return { name: k, points: [{ x: r.variant, y: 100 * x.rate, lo: 100 * ci.lo, hi: 100 * ci.hi }] };
    }) } });
  }
  const hists = Object.entries(r.histograms).filter(([, h]) => h.count > 0);
  if (hists.length) {
    sections.push({ heading: 'Latency histograms', table: { headers: ['histogram', 'count', 'p50', 'p99', 'p99.9', 'max'],
      rows: hists.map(([k, h]) => [k, h.count, ...[h.p50, h.p99, h.p999, h.max].map((v) => (h.unit === 'ns' ? fmtNs(v) : fmtNum(v)))]) } });
  }
  sections.push({ heading: 'Forbidden outcomes', table: { headers: ['kind', 'count', 'first at ms', 'detail'],
    rows: r.forbidden.map((f) => [f.kind, f.count, f.firstAtMs, f.detail]) }, note: r.forbidden.length ? undefined : 'none' });
  return sections;
}

export function runReportDoc(r: RunResult): ReportDoc {
  return { title: `pagestorm: ${r.scenario} / ${r.variant}`, sections: runSections(r) };
}

export function compareReportDoc(res: CompareResult): ReportDoc {
  const [la, lb] = res.labels;
  const t = comparisonCells(res, [la, lb]);
  const sections: ReportSection[] = [{ heading: `${res.scenario}: ${la} (A) vs ${lb} (B)`, table: { headers: t.headers, rows: t.rows }, note: comparisonFootnotes(res).join('\n') }];
  for (const row of res.rows.filter((r) => r.kind === 'rate')) {
    sections.push({ heading: row.metric, chart: { kind: 'bars', yLabel: '%', yMin: 0, yMax: 100, series: [
      { name: row.metric, points: [row.a, row.b].map((v, i) => ({ x: res.labels[i], y: 100 * (v.pooled?.rate ?? NaN) })) },
    ] }, note: `pooled over ${row.nA} + ${row.nB} runs; B - A = ${fmtEstimate(row)} (${row.verdict})` });
  }
  for (const v of res.labels) for (const r of res.runs[v] ?? []) if (r.forbidden.length) sections.push(...runSections(r).slice(-1));
  return { title: `pagestorm compare: ${res.scenario}`, sections };
}
