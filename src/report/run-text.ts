// The human view of one run: what was run, the rates with their Wilson interval, the histograms,
// the derived figures, and every forbidden outcome and warning.
import type { RunResult } from './schema.js';
import { fmtNs, fmtNum, fmtPct, formatTable } from './table.js';
import { wilson } from './statistics.js';
import { spinNsOf } from '../shared/sleep.js';

const fmtValue = (v: number, unit: string): string => (unit === 'ns' ? fmtNs(v) : fmtNum(v));

export function renderRunText(r: RunResult): string {
  const out: string[] = [];
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  out.push(`${r.scenario} / ${r.variant}${r.knownBuggy ? ' (known-buggy control)' : ''}`);
  out.push(`  ${params}`);
  out.push(`  measured ${r.durationS.toFixed(2)} s after ${r.warmupS} s warm-up; CPU share ${r.cpuShare.toFixed(2)}; ${r.env.cores} cores, node ${r.env.node}`);
  const rateRows = Object.entries(r.rates).map(([k, x]) => {
    const ci = wilson(x.successes, x.trials);
    return [k, `${x.successes}/${x.trials}`, fmtPct(x.rate), String(x.spinNs ?? spinNsOf(r.params)), `${fmtPct(ci.lo)} – ${fmtPct(ci.hi)}`];
  });
  if (rateRows.length) out.push('', formatTable(['rate', 'n', 'value', 'spinNs', 'within-run 95% CI (binomial only)'], rateRows, { align: ['l', 'r', 'r', 'r', 'l'] }));
  const derived = Object.entries(r.derived).filter(([k, v]) => Number.isFinite(v) && !k.startsWith('eagainRatePass'));
  if (derived.length) out.push('', formatTable(['figure', 'value'], derived.map(([k, v]) => [k, fmtNum(v)]), { align: ['l', 'r'] }));
  const passes = Array.from({ length: 10 }, (_, i) => r.derived[`eagainRatePass${i + 1}`]);
  if (passes.some((x) => Number.isFinite(x))) {
    out.push('', formatTable(['pass', ...passes.map((_, i) => String(i + 1))], [['-EAGAIN rate', ...passes.map((x) => (Number.isFinite(x) ? fmtNum(x, 2) : '–'))]]));
  }
  const hists = Object.entries(r.histograms).filter(([, h]) => h.count > 0);
  if (hists.length) {
    out.push('', formatTable(['histogram', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'],
      hists.map(([k, h]) => [k, h.count, fmtValue(h.p50, h.unit), fmtValue(h.p90, h.unit), fmtValue(h.p99, h.unit), fmtValue(h.p999, h.unit), fmtValue(h.max, h.unit)]),
      { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r'] }));
  }
  const counters = Object.entries(r.counters).filter(([k, v]) => v !== 0 && !/^eagain\d+$/.test(k));
  if (counters.length) {
    const cells = counters.map(([k, v]) => `${k} ${v}`);
    out.push('', 'counters: ' + cells.join(', '));
  }
  out.push('');
  if (r.forbidden.length === 0) out.push('forbidden outcomes: none');
  for (const f of r.forbidden) out.push(`FORBIDDEN ${f.kind} x${f.count}, first at ${f.firstAtMs} ms: ${f.detail}`);
  for (const v of r.quiescence.violations.slice(0, 10)) out.push(`  quiescence: ${v.kind}: ${v.detail}`);
  if (!r.quiescence.checked) out.push('quiescence: not checked (the roles did not all stop)');
  for (const w of r.warnings) out.push(`warning: ${w}`);
  if (r.error) out.push(`error: ${r.error}`);
  if (r.interrupted) out.push('interrupted: partial results');
  return out.join('\n');
}
