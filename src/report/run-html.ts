// HTML report documents for a run (here) and for a comparison (compare-html.ts); html.ts renders them.
import type { RunResult } from './schema.js';
import type { ReportDoc, ReportSection } from './html.js';
import { fmtNs, fmtNum } from './table.js';
import { wilson } from './statistics.js';
import { spectrumNames, spectrumSection } from './spectrum-chart.js';

export { compareReportDoc } from './compare-html.js';

function runSections(r: RunResult): ReportSection[] {
  const sections: ReportSection[] = [];
  const params = Object.entries(r.params).map(([k, v]) => [k, String(v)]);
  sections.push({ heading: `${r.scenario} / ${r.variant}`, table: { headers: ['parameter', 'value'], rows: params },
    note: `measured ${r.durationS.toFixed(2)} s; CPU share ${r.cpuShare.toFixed(2)}; ${r.env.cpuModel}, ${r.env.cores} cores, node ${r.env.node}, commit ${r.env.gitCommit ?? 'unknown'}` });
  const rates = Object.entries(r.rates);
  if (rates.length) {
    // One run has only its trials' binomial noise; the run-to-run noise a compare measures is usually larger.
    const note = 'Wilson intervals over this run\'s trials: one run cannot show run-to-run noise, which is usually larger; '
      + 'compare repeated runs (pagestorm compare) before drawing a conclusion.';
    sections.push({ heading: 'Rates, within-run 95% CI (binomial only)', note, chart: { kind: 'bars', yLabel: '%', yMin: 0, yMax: 100, series: rates.map(([k, x]) => {
      const ci = wilson(x.successes, x.trials);
      return { name: k, points: [{ x: r.variant, y: 100 * x.rate, lo: 100 * ci.lo, hi: 100 * ci.hi }] };
    }) } });
  }
  const hists = Object.entries(r.histograms).filter(([, h]) => h.count > 0);
  if (hists.length) {
    sections.push({ heading: 'Latency histograms', table: { headers: ['histogram', 'count', 'p50', 'p99', 'p99.9', 'max'],
      rows: hists.map(([k, h]) => [k, h.count, ...[h.p50, h.p99, h.p999, h.max].map((v) => (h.unit === 'ns' ? fmtNs(v) : fmtNum(v)))]) } });
  }
  for (const name of spectrumNames([r.histograms])) {
    const s = spectrumSection(name, [{ name: r.variant, group: r.variant, hist: r.histograms[name] }]);
    if (s) sections.push(s);
  }
  sections.push({ heading: 'Forbidden outcomes', table: { headers: ['kind', 'count', 'first at ms', 'detail'],
    rows: r.forbidden.map((f) => [f.kind, f.count, f.firstAtMs, f.detail]) }, note: r.forbidden.length ? undefined : 'none' });
  return sections;
}

export function runReportDoc(r: RunResult): ReportDoc {
  return { title: `pagestorm: ${r.scenario} / ${r.variant}`, sections: runSections(r) };
}
