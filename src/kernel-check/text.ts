// kernel-check as text: each kernel's figures (one row per kernel), the compare table and verdict
// for two, the model's matching run beside them, and what the numbers can mean.
import { comparisonCells, comparisonFootnotes } from '../report/compare-text.js';
import { formatComparisonTable } from '../report/compare-table.js';
import { fmtNum, fmtPct, formatTable } from '../report/table.js';
import { fitLines } from '../report/wrap.js';
import type { RunResult } from '../report/schema.js';
import type { KernelCheckResult } from './check.js';
import type { KernelRunResult } from './result.js';

const median = (xs: number[]): number => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
};

function kernelRow(label: string, r: KernelRunResult): (string | number)[] {
  const c = r.counters;
  const firsts = r.trials.map((t) => (t.callsToFirstFailure > 0 ? t.callsToFirstFailure : NaN));
  const how = [c.retPositive && `ret>0 ${c.retPositive}`, c.retError && `ret<0 ${c.retError}`, c.statusError && `status<0 ${c.statusError}`, c.statusOtherNode && `other node ${c.statusOtherNode}`].filter(Boolean).join(', ');
  return [label, r.env.guestRelease || '?', r.trials.length, c.calls ?? 0, c.failures ?? 0, how || '–', fmtPct(1 - (r.rates.movePagesSuccess?.rate ?? NaN), 2),
    fmtNum(r.derived.callsPerFailure), fmtNum(median(firsts)), fmtNum(r.derived.longestFailureRun), fmtNum(median(r.trials.map((t) => t.calls / t.seconds))),
    `${c.pgmigrateSuccess ?? 0}/${c.pgmigrateFail ?? 0}`, `${r.rates.trialPassed?.successes ?? 0}/${r.rates.trialPassed?.trials ?? 0}`];
}

const HEAD = ['kernel', 'uname -r', 'trials', 'calls', 'failures', 'how', 'failed calls', 'calls/failure', 'first failure (median)', 'longest run', 'calls/s (median)', 'pgmigrate ok/fail', 'trials passed'];

function modelLines(res: KernelCheckResult, width: number): string[] {
  if (!res.model) return [];
  const rows = res.labels.map((l) => {
    const m = res.model![l] as RunResult;
    const ok = m.rates.movePagesSuccess;
    return [l, `${m.variant} --tlb-flush ${m.params.tlbFlush}`, ok?.trials ?? 0, fmtPct(1 - (ok?.rate ?? NaN), 2), fmtNum(m.derived.callsPerFailure), fmtPct(res.kernels[l].rates.movePagesSuccess ? 1 - res.kernels[l].rates.movePagesSuccess.rate : NaN, 2)];
  });
  return ['', 'the model beside it (x86 defers the migration unmap\'s TLB flush from v6.4 on, so older kernels are matched with --tlb-flush eager):',
    formatTable(['kernel', 'model run', 'model calls', 'model failed calls', 'model calls/failure', 'kernel failed calls'], rows, { width, lead: 1 })];
}

export function renderKernelCheckText(res: KernelCheckResult, width = Infinity): string {
  const p = res.params;
  const out = [`kernel-check ${res.workload} --mapping ${p.mapping} --readers ${p.readers}: ${p.trials} trial(s) of ${p.durationS} s per boot, ${res.order.length} boot(s) (${res.order.join(' ')}), ${p.vcpus} vCPUs on 2 nodes, ${res.accel.toUpperCase()}`, ''];
  out.push(formatTable(HEAD, res.labels.map((l) => kernelRow(l, res.kernels[l])), { width, lead: 1 }));
  if (res.comparison) {
    out.push('', `A = ${res.labels[0]}, B = ${res.labels[1]}; the trial is the unit`, formatComparisonTable(comparisonCells(res.comparison, [res.labels[0], res.labels[1]] as [string, string]), width), '', ...comparisonFootnotes(res.comparison).map((l) => l.replace('The run is the unit: n = runs per variant.', 'The trial is the unit: n = trials per kernel.')), '', `verdict: ${res.verdict}`);
  }
  out.push(...modelLines(res, width));
  out.push('');
  const warnings = [...new Set([...res.warnings, ...res.labels.flatMap((l) => res.kernels[l].warnings)])];
  for (const w of warnings) out.push(`note: ${w}`);
  if (res.interrupted) out.push('interrupted: the figures cover the boots that finished');
  return fitLines(out.join('\n'), width);
}
