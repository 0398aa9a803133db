// Variant A vs variant B over repeated runs, the run as the unit: one row per metric with each
// side's median (pooled rate for rates), the change with its 95% CI, p, the Holm-adjusted p, the
// verdict and the minimum detectable effect. The scenario's primary metric is tested alone at α; the
// other rows form one Holm family at family-wise α. The CLI, JSON and HTML all read these rows.
import { valueTest, type RowTest, type TestName } from './compare-value.js';
import { rateTest } from './compare-rate.js';
import { holm } from './stats/holm.js';
import { dispersion, type Proportion } from './stats/dispersion.js';
import { stratifiedTest } from './compare-stratified.js';

export type Better = 'higher' | 'lower';
export type Verdict = 'better' | 'worse' | 'no significant change' | 'too few runs' | 'not tested';
export type { Proportion };

/** What one run reports; loose so runners can add fields. */
export interface RunSummary {
  counters: Record<string, number>;
  rates: Record<string, Proportion>;
  histograms: Record<string, { p50: number; p99: number; [key: string]: unknown }>;
  derived?: Record<string, number>;
}

export interface MetricSpec {
  name: string;
  unit: string;
  better: Better;
  kind: 'rate' | 'value';
  get: (r: RunSummary) => number | Proportion;
}

export interface SideSummary {
  /** Runs that had the metric. */
  n: number;
  /** Median over runs of the per-run value (per-run rate for rates). */
  median: number;
  /** The per-run values (per-run rates for rates), in run order. */
  values: number[];
  /** Rates: every trial of every run pooled (the point estimate shown). */
  pooled?: Proportion & { rate: number };
  /** Rates: this side's run-to-run dispersion φ̂ (1 = binomial). */
  phi?: number;
}

export interface ComparisonRow {
  metric: string;
  kind: 'rate' | 'value';
  unit: string;
  better: Better;
  /** 'primary': tested alone at α; 'family': Holm-adjusted with the others; 'descriptive': shown, not tested. */
  role: 'primary' | 'family' | 'descriptive';
  test: TestName;
  nA: number;
  nB: number;
  a: SideSummary;
  b: SideSummary;
  /** See RowTest.scale: 'log' = relative change, 'raw' = difference in unit, 'rate' = difference of rates. */
  scale: RowTest['scale'];
  estimate: number;
  /** 95% CI of the estimate, per row (not adjusted for the family). */
  ci: [number, number];
  p: number | null;
  pAdjusted: number | null;
  /** The level the row's p was held against before the family decided (α, or α/m for Holm's first step). */
  alphaRow: number;
  verdict: Verdict;
  /** Why 'too few runs' or 'not tested'. */
  reason?: string;
  /** Runs per variant the row's test needs to reach alphaRow. */
  runsNeeded?: number;
  /** Minimum detectable effect at 80% power and alphaRow, on the estimate's scale (Infinity: unreachable at this n). */
  mde: number | null;
  /** Rates: run-to-run dispersion over both variants (Pearson χ² / df). */
  phi?: number;
  warnings: string[];
}

export interface CompareOptions {
  /** Family-wise α (default 0.05); CIs are at 95% whatever it is. */
  alpha?: number;
  /** The metric tested alone at α (default: the first metric). */
  primary?: string;
  /** The names of the Holm family (default: every metric but the primary); others are left out. */
  family?: readonly string[];
  /** Sequential mode: only the primary is tested; the rest are shown with their p, verdict 'not tested'. */
  primaryOnly?: boolean;
  /** The level the primary is held against (a sequential look's nominal alpha); default α. */
  primaryAlpha?: number;
  /** No primary: every metric is one Holm family (e.g. a soak's drift checks). */
  noPrimary?: boolean;
  /** The block a run belongs to (its machine, in a merged compare): with two or more, rows are tested within blocks. */
  strata?: (r: RunSummary) => string;
}

export interface ComparisonTable {
  alpha: number;
  primary: string;
  family: string[];
  rows: ComparisonRow[];
}

export const CI_LEVEL = 0.95;

const isProportion = (v: unknown): v is Proportion =>
  typeof v === 'object' && v !== null && typeof (v as Proportion).successes === 'number' && typeof (v as Proportion).trials === 'number';

function medianOf(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((x, y) => x - y);
  const h = (s.length - 1) / 2;
  return (s[Math.floor(h)] + s[Math.ceil(h)]) / 2;
}

function valuesOf(spec: MetricSpec, runs: readonly RunSummary[]): number[] {
  return runs.map((r) => {
    const v = spec.get(r);
    if (typeof v !== 'number') throw new TypeError(`metric ${spec.name} is kind 'value' but get() returned ${JSON.stringify(v)}`);
    return v;
  }).filter(Number.isFinite);
}

function proportionsOf(spec: MetricSpec, runs: readonly RunSummary[]): Proportion[] {
  return runs.map((r) => {
    const v = spec.get(r);
    if (!isProportion(v)) throw new TypeError(`metric ${spec.name} is kind 'rate' but get() returned ${JSON.stringify(v)}`);
    return v;
  }).filter((p) => p.trials > 0);
}

function rateSide(ps: readonly Proportion[]): SideSummary {
  const successes = ps.reduce((s, p) => s + p.successes, 0);
  const trials = ps.reduce((s, p) => s + p.trials, 0);
  const values = ps.map((p) => p.successes / p.trials);
  return { n: ps.length, median: medianOf(values), values, pooled: { successes, trials, rate: trials ? successes / trials : NaN }, phi: dispersion([ps]) };
}

interface Draft { spec: MetricSpec; a: SideSummary; b: SideSummary; t: RowTest; phi?: number }

/** Per-stratum per-run numbers (per-run rates for rates) of one metric, strata in first-seen order. */
function strataOf(spec: MetricSpec, runsA: readonly RunSummary[], runsB: readonly RunSummary[], key: (r: RunSummary) => string): { a: number[]; b: number[] }[] {
  const by = new Map<string, { a: number[]; b: number[] }>();
  const put = (r: RunSummary, side: 'a' | 'b'): void => {
    const v = spec.get(r);
    const x = typeof v === 'number' ? v : v.trials > 0 ? v.successes / v.trials : NaN;
    if (!Number.isFinite(x)) return;
    const k = key(r);
    if (!by.has(k)) by.set(k, { a: [], b: [] });
    by.get(k)![side].push(x);
  };
  for (const r of runsA) put(r, 'a');
  for (const r of runsB) put(r, 'b');
  return [...by.values()];
}

function draft(spec: MetricSpec, runsA: readonly RunSummary[], runsB: readonly RunSummary[], strata?: (r: RunSummary) => string): Draft {
  const blocks = strata ? new Set([...runsA, ...runsB].map(strata)).size : 1;
  if (spec.kind === 'rate') {
    const pa = proportionsOf(spec, runsA);
    const pb = proportionsOf(spec, runsB);
    const t = blocks > 1 ? stratifiedTest(strataOf(spec, runsA, runsB, strata!), 'rate', CI_LEVEL) : rateTest(pa, pb, CI_LEVEL);
    return { spec, a: rateSide(pa), b: rateSide(pb), t, phi: dispersion([pa, pb]) };
  }
  if (blocks > 1) {
    const a = valuesOf(spec, runsA);
    const b = valuesOf(spec, runsB);
    return { spec, a: { n: a.length, median: medianOf(a), values: a }, b: { n: b.length, median: medianOf(b), values: b }, t: stratifiedTest(strataOf(spec, runsA, runsB, strata!), 'value', CI_LEVEL) };
  }
  const a = valuesOf(spec, runsA);
  const b = valuesOf(spec, runsB);
  return { spec, a: { n: a.length, median: medianOf(a), values: a }, b: { n: b.length, median: medianOf(b), values: b }, t: valueTest(a, b, CI_LEVEL) };
}

function direction(d: Draft): Verdict {
  const sign = Math.sign(d.t.estimate) || Math.sign(d.b.median - d.a.median);
  return (sign > 0) === (d.spec.better === 'higher') ? 'better' : 'worse';
}

function finish(d: Draft, role: ComparisonRow['role'], pAdjusted: number | null, alphaRow: number, alpha: number): ComparisonRow {
  const { spec, t } = d;
  const warnings: string[] = [];
  if (d.phi !== undefined && d.phi > 2) warnings.push(`run-to-run dispersion ×${d.phi.toFixed(1)}: a binomial-only interval would be ${Math.sqrt(d.phi).toFixed(1)}× too narrow`);
  let verdict: Verdict;
  let reason = t.reason;
  let runsNeeded: number | undefined;
  if (t.p === null) {
    verdict = 'too few runs';
    runsNeeded = t.runsNeeded(alphaRow);
  } else if (role === 'descriptive') {
    verdict = 'not tested';
    reason = 'sequential compare: only the primary metric is tested';
  } else if (pAdjusted !== null && pAdjusted <= alpha) {
    verdict = direction(d);
  } else if (t.minP > alphaRow) {
    verdict = 'too few runs';
    runsNeeded = t.runsNeeded(alphaRow);
    reason = `the ${t.test} test cannot reach p <= ${fmtAlpha(alphaRow)} with ${d.a.n}+${d.b.n} runs (smallest p ${fmtAlpha(t.minP)})`;
  } else {
    verdict = 'no significant change';
  }
  const mde = t.p === null || role === 'descriptive' ? null : t.mdeAt(alphaRow);
  return {
    metric: spec.name, kind: spec.kind, unit: spec.unit, better: spec.better, role, test: t.test,
    nA: d.a.n, nB: d.b.n, a: d.a, b: d.b, scale: t.scale, estimate: t.estimate, ci: t.ci,
    p: t.p, pAdjusted: role === 'descriptive' ? null : pAdjusted, alphaRow, verdict,
    ...(reason ? { reason } : {}), ...(runsNeeded !== undefined ? { runsNeeded } : {}),
    mde, ...(d.phi !== undefined ? { phi: d.phi } : {}), warnings,
  };
}

const fmtAlpha = (x: number): string => String(Number(x.toPrecision(2)));

/** One row per metric comparing runsA (before) with runsB (after): primary alone at α, the family under Holm. */
export function compareVariants(
  metrics: readonly MetricSpec[], runsA: readonly RunSummary[], runsB: readonly RunSummary[], opts: CompareOptions = {},
): ComparisonTable {
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha ${alpha} is not in (0, 1)`);
  if (metrics.length === 0) throw new RangeError('compareVariants needs at least one metric');
  const primary = opts.noPrimary ? '' : opts.primary ?? metrics[0].name;
  const byName = new Map(metrics.map((m) => [m.name, m]));
  if (!opts.noPrimary && !byName.has(primary)) throw new RangeError(`primary metric ${JSON.stringify(primary)} is not among ${[...byName.keys()].join(', ')}`);
  for (const f of opts.family ?? []) if (!byName.has(f)) throw new RangeError(`metric ${JSON.stringify(f)} is not among ${[...byName.keys()].join(', ')}`);
  const familyNames = (opts.family ?? metrics.map((m) => m.name)).filter((n) => n !== primary);
  const chosen = metrics.filter((m) => m.name === primary || familyNames.includes(m.name));
  const drafts = chosen.map((m) => draft(m, runsA, runsB, opts.strata));
  const fam = drafts.filter((d) => d.spec.name !== primary);
  const testedFam = fam.filter((d) => d.t.p !== null);
  const adj = opts.primaryOnly ? fam.map(() => null) : holm(fam.map((d) => d.t.p));
  const m = Math.max(1, testedFam.length);
  const rows = drafts.map((d) => {
    if (d.spec.name === primary) return finish(d, 'primary', d.t.p, opts.primaryAlpha ?? alpha, opts.primaryAlpha ?? alpha);
    const i = fam.indexOf(d);
    return finish(d, opts.primaryOnly ? 'descriptive' : 'family', adj[i], alpha / m, alpha);
  });
  return { alpha, primary, family: opts.primaryOnly ? [] : fam.map((d) => d.spec.name), rows };
}

/** A metric reading a counter (missing counter -> NaN, so that run is left out). */
export function counterMetric(key: string, better: Better, extra: { name?: string; unit?: string } = {}): MetricSpec {
  return { name: extra.name ?? key, unit: extra.unit ?? 'count', better, kind: 'value', get: (r) => r.counters[key] ?? NaN };
}

/** A figure from the run's derived block (missing -> NaN, so that run is left out). */
export function derivedMetric(key: string, better: Better): MetricSpec {
  return { name: key, unit: 'count', better, kind: 'value', get: (r) => r.derived?.[key] ?? NaN };
}

/** A success-rate metric reading rates[key] (missing -> 0/0, so that run is left out). */
export function rateMetric(key: string, better: Better = 'higher', extra: { name?: string } = {}): MetricSpec {
  return { name: extra.name ?? key, unit: '%', better, kind: 'rate', get: (r) => r.rates[key] ?? { successes: 0, trials: 0 } };
}

/** A metric reading one field (default p99) of histograms[key], in ns unless told. */
export function histogramMetric(
  key: string, field = 'p99', extra: { name?: string; unit?: string; better?: Better } = {},
): MetricSpec {
  return {
    name: extra.name ?? `${key} ${field}`, unit: extra.unit ?? 'ns', better: extra.better ?? 'lower', kind: 'value',
    get: (r) => {
      const h = r.histograms[key] as Record<string, unknown> | undefined;
      const v = h?.[field];
      // An empty histogram has no percentiles: leave that run out rather than count a 0.
      return typeof v === 'number' && (h?.count === undefined || (h.count as number) > 0) ? v : NaN;
    },
  };
}
