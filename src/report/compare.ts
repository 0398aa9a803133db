// Variant A vs variant B over repeated runs: one row per metric with medians, a CI of the
// difference (B - A) and a verdict, so the CLI and HTML report share one source of numbers.
import {
  bootstrapMedianDiff, median, rateDiffCI, verdict, wilson, zForLevel,
  type Better, type Verdict,
} from './statistics.js';
import { fmtNs, fmtNum, fmtPct, type Align } from './table.js';

export interface Proportion { successes: number; trials: number }

/** What one run reports; loose so runners can add fields. */
export interface RunSummary {
  counters: Record<string, number>;
  rates: Record<string, Proportion>;
  histograms: Record<string, { p50: number; p99: number; [key: string]: number }>;
}

export interface MetricSpec {
  name: string;
  unit: string;
  better: Better;
  kind: 'rate' | 'value';
  get: (r: RunSummary) => number | Proportion;
}

export interface CompareOptions { resamples?: number; seed?: number; level?: number }

export interface PooledRate extends Proportion { rate: number; lo: number; hi: number }

/** Per-variant summary: median over runs of the per-run value (per-run rate for 'rate'); n = runs that had it. */
export interface VariantStat { median: number; n: number; pooled?: PooledRate }

export interface ComparisonRow {
  metric: string;
  unit: string;
  better: Better;
  kind: 'rate' | 'value';
  a: VariantStat;
  b: VariantStat;
  /** 'value': median(B) - median(A); 'rate': pooled rate B - pooled rate A. */
  diff: number;
  lo: number;
  hi: number;
  verdict: Verdict;
}

const isProportion = (v: unknown): v is Proportion =>
  typeof v === 'object' && v !== null && typeof (v as Proportion).successes === 'number' && typeof (v as Proportion).trials === 'number';

function values(spec: MetricSpec, runs: readonly RunSummary[]): number[] {
  return runs.map((r) => {
    const v = spec.get(r);
    if (typeof v !== 'number') throw new TypeError(`metric ${spec.name} is kind 'value' but get() returned ${JSON.stringify(v)}`);
    return v;
  }).filter(Number.isFinite);
}

function proportions(spec: MetricSpec, runs: readonly RunSummary[], z: number): { stat: VariantStat; pooled: PooledRate } {
  const ps = runs.map((r) => {
    const v = spec.get(r);
    if (!isProportion(v)) throw new TypeError(`metric ${spec.name} is kind 'rate' but get() returned ${JSON.stringify(v)}`);
    return v;
  });
  const successes = ps.reduce((s, p) => s + p.successes, 0);
  const trials = ps.reduce((s, p) => s + p.trials, 0);
  const perRun = ps.filter((p) => p.trials > 0).map((p) => p.successes / p.trials);
  const pooled = { successes, trials, ...wilson(successes, trials, z) };
  return { stat: { median: median(perRun), n: perRun.length, pooled }, pooled };
}

/** One row per metric comparing runsA (before) with runsB (after); CIs at opts.level (default 0.95). */
export function compareVariants(
  metrics: readonly MetricSpec[], runsA: readonly RunSummary[], runsB: readonly RunSummary[], opts: CompareOptions = {},
): ComparisonRow[] {
  const z = zForLevel(opts.level ?? 0.95);
  return metrics.map((spec) => {
    const base = { metric: spec.name, unit: spec.unit, better: spec.better, kind: spec.kind };
    if (spec.kind === 'rate') {
      const A = proportions(spec, runsA, z);
      const B = proportions(spec, runsB, z);
      const ci = rateDiffCI(A.pooled.successes, A.pooled.trials, B.pooled.successes, B.pooled.trials, z);
      return { ...base, a: A.stat, b: B.stat, ...ci, verdict: verdict(ci, spec.better) };
    }
    const a = values(spec, runsA);
    const b = values(spec, runsB);
    const ci = bootstrapMedianDiff(a, b, opts);
    return {
      ...base,
      a: { median: median(a), n: a.length },
      b: { median: median(b), n: b.length },
      ...ci,
      verdict: verdict(ci, spec.better),
    };
  });
}

/** A metric reading a counter (missing counter -> NaN, so that run is left out). */
export function counterMetric(key: string, better: Better, extra: { name?: string; unit?: string } = {}): MetricSpec {
  return { name: extra.name ?? key, unit: extra.unit ?? 'count', better, kind: 'value', get: (r) => r.counters[key] ?? NaN };
}

/** A success-rate metric reading rates[key] (missing -> 0/0, so it adds nothing to the pool). */
export function rateMetric(key: string, better: Better = 'higher', extra: { name?: string } = {}): MetricSpec {
  return { name: extra.name ?? key, unit: '%', better, kind: 'rate', get: (r) => r.rates[key] ?? { successes: 0, trials: 0 } };
}

/** A metric reading one field (default p99) of histograms[key], in ns unless told. */
export function histogramMetric(
  key: string, field = 'p99', extra: { name?: string; unit?: string; better?: Better } = {},
): MetricSpec {
  return {
    name: extra.name ?? `${key} ${field}`, unit: extra.unit ?? 'ns', better: extra.better ?? 'lower', kind: 'value',
    get: (r) => r.histograms[key]?.[field] ?? NaN,
  };
}

function fmtIn(row: ComparisonRow, x: number, signed = false): string {
  const sign = signed && x > 0 ? '+' : '';
  if (row.kind === 'rate') return sign + (signed ? `${fmtNum(x * 100)} pp` : fmtPct(x));
  return sign + (row.unit === 'ns' ? fmtNs(x) : fmtNum(x));
}

/** Rows as formatted cells for formatTable or the HTML report (rates shown pooled, diffs in percentage points). */
export function comparisonTable(rows: readonly ComparisonRow[], level = 0.95): { headers: string[]; rows: string[][]; align: Align[] } {
  const headers = ['metric', 'unit', 'better', 'A', 'n A', 'B', 'n B', 'B - A', `${fmtNum(level * 100)}% CI`, 'verdict'];
  const align: Align[] = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
  const cells = rows.map((r) => {
    const shown = (v: VariantStat) => (r.kind === 'rate' ? v.pooled?.rate ?? NaN : v.median);
    return [
      r.metric, r.unit, r.better,
      fmtIn(r, shown(r.a)), String(r.a.n), fmtIn(r, shown(r.b)), String(r.b.n),
      fmtIn(r, r.diff, true), `[${fmtIn(r, r.lo, true)}, ${fmtIn(r, r.hi, true)}]`, r.verdict,
    ];
  });
  return { headers, rows: cells, align };
}
