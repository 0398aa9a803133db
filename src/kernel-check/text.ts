// kernel-check as text: each kernel's figures (one row per kernel, the workload's columns), the
// compare table and verdict for two, the model's matching run beside them, and what they can mean.
import { comparisonCells, comparisonFootnotes } from '../report/compare-text.js';
import { formatComparisonTable } from '../report/compare-table.js';
import { formatTable } from '../report/table.js';
import { fitLines } from '../report/wrap.js';
import { guestWorkload, type KernelCheckResult } from './check.js';

export function renderKernelCheckText(res: KernelCheckResult, width = Infinity): string {
  const p = res.params;
  const w = guestWorkload(res.workload);
  const out = [`kernel-check ${res.workload} ${w.headline(p)}: ${p.trials} trial(s) of ${p.durationS} s per boot, ${res.order.length} boot(s) (${res.order.join(' ')}), ${p.vcpus} vCPUs on 2 nodes, ${res.accel.toUpperCase()}`, ''];
  out.push(formatTable(w.tableHead, res.labels.map((l) => w.tableRow(l, res.kernels[l])), { width, lead: 1 }));
  for (const c of res.comparisons ?? []) {
    out.push('', `A = ${c.baseline}, B = ${c.label}; the trial is the unit`, formatComparisonTable(comparisonCells(c.table, [c.baseline, c.label]), width), '',
      ...comparisonFootnotes(c.table).map((l) => l.replace('The run is the unit: n = runs per variant.', 'The trial is the unit: n = trials per kernel.')), '', `verdict: ${c.verdict}`);
  }
  if (res.model) out.push(...w.modelLines(res.labels, res.kernels, res.model, width));
  out.push('');
  const warnings = [...new Set([...res.warnings, ...res.labels.flatMap((l) => res.kernels[l].warnings)])];
  for (const w of warnings) out.push(`note: ${w}`);
  if (res.interrupted) out.push('interrupted: the figures cover the boots that finished');
  return fitLines(out.join('\n'), width);
}
