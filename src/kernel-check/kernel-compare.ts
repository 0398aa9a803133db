// Several kernels in one check: their boot order (mirrored blocks, ABBA for two), and each kernel
// after the first judged against the first with compare's statistics, the primaries Holm-adjusted
// across those comparisons so that more kernels do not mean more false verdicts.
import { compareVariants, type ComparisonTable, type MetricSpec, type RunSummary } from '../report/compare.js';
import { holm } from '../report/stats/holm.js';

/** One kernel against the baseline (the first --kernel). */
export interface KernelComparison {
  baseline: string;
  label: string;
  table: ComparisonTable;
  /** The primary's p, Holm-adjusted across the comparisons (equal to its p with one comparison). */
  pAdjusted: number | null;
  verdict: string;
}

/** Labels of the --kernel values: a repeated one gets ′ marks (6.1, 6.1′, 6.1′′...). */
export function distinctLabels(short: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return short.map((s) => {
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    return n === 0 ? s : `${s}${'′'.repeat(n)}`;
  });
}

/** Block r boots the kernels in order when r is even and in reverse when odd: ABBA for two, ABC CBA for three. */
export function mirrorOrder(labels: readonly string[], repeat: number): string[] {
  const out: string[] = [];
  for (let r = 0; r < repeat; r++) out.push(...(r % 2 === 0 ? labels : [...labels].reverse()));
  return out;
}

function verdictText(t: ComparisonTable, base: string, label: string, pAdj: number | null, family: number): string {
  const row = t.rows.find((r) => r.role === 'primary');
  if (!row) return 'no verdict';
  const a = (row.a.pooled?.rate ?? NaN) * 100;
  const b = (row.b.pooled?.rate ?? NaN) * 100;
  const figures = `(${row.metric}: ${base} ${a.toFixed(1)}%, ${label} ${b.toFixed(1)}%)`;
  const holmNote = family > 1 ? `, Holm-adjusted over ${family} kernels p ${pAdj?.toPrecision(2)}` : '';
  if (row.verdict === 'better' || row.verdict === 'worse') {
    if (family > 1 && (pAdj ?? 1) > t.alpha) return `no significant change on ${row.metric} after Holm over ${family} kernels (p ${row.p?.toPrecision(2)}, adjusted ${pAdj?.toPrecision(2)}) ${figures}`;
    return `${label} is ${row.verdict} than ${base} on ${row.metric} at α ${t.alpha}, p ${row.p?.toPrecision(2)}${holmNote} ${figures}`;
  }
  return `${row.verdict} on ${row.metric} ${figures}`;
}

/** Every kernel after the first against the first, trial summaries as the units. */
export function compareKernels(metrics: MetricSpec[], labels: readonly string[], units: Record<string, RunSummary[]>, alpha: number): KernelComparison[] {
  const [base, ...rest] = labels;
  const tables = rest.map((l) => compareVariants(metrics, units[base], units[l], { alpha }));
  const adj = holm(tables.map((t) => t.rows.find((r) => r.role === 'primary')?.p ?? null));
  return rest.map((label, i) => ({ baseline: base, label, table: tables[i], pAdjusted: adj[i], verdict: verdictText(tables[i], base, label, adj[i], rest.length) }));
}
