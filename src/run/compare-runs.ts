// compare: two variants run interleaved in ABBA blocks, each run in a fresh pool, so drift and
// noise fall on both alike; then every metric compared with the run as the unit (report/compare.ts).
// With untilVerdict, blocks are added until the primary metric crosses a group-sequential boundary
// fixed before the first run (Lan–DeMets, O'Brien–Fleming-like), or the block budget is spent.
import type { Params, Scenario } from '../scenarios/types.js';
import type { CompareResult, RunResult, SequentialLook, SequentialReport } from '../report/schema.js';
import {
  compareVariants, derivedMetric, histogramMetric, rateMetric,
  type ComparisonRow, type ComparisonTable, type MetricSpec, type RunSummary,
} from '../report/compare.js';
import { FIRST_LOOK, lookAt, sequentialPlan, SPENDING } from '../report/sequential.js';
import { runOnce, type RunOptions } from './run-once.js';

export interface CompareSpec {
  alpha?: number;
  /** Overrides the scenario's primary metric. */
  primary?: string;
  /** Narrows the Holm family to these metrics. */
  metrics?: string[];
  /** Sequential mode: add blocks until the primary's verdict, at most maxRepeat blocks. */
  untilVerdict?: { maxRepeat: number };
  /** Only these ABBA blocks (a shard); each keeps the order and seeds it has in the whole compare. */
  blocks?: number[];
  /** The shard label each run is marked with. */
  shard?: string;
}

/** Block b's two runs: AB when b is even, BA when odd; run k of block b has seed + 2b + k. */
export function blockPlan(labels: readonly [string, string], b: number): [string, string] {
  return b % 2 === 0 ? [labels[0], labels[1]] : [labels[1], labels[0]];
}

/** The metrics a scenario is compared on: its primary first, then its rates, derived figures and ns histograms' p50/p99. */
export function metricsFor(sc: Scenario): MetricSpec[] {
  const probe = sc.rates(new Proxy({}, { get: () => 0 }) as Record<string, number>);
  const rates = Object.keys(probe).map((k) => rateMetric(k));
  const derived = Object.entries(sc.better ?? {}).map(([k, better]) => derivedMetric(k, better));
  const hists = Object.entries(sc.histograms).filter(([, h]) => h.unit === 'ns')
    .flatMap(([k]) => [histogramMetric(k, 'p50'), histogramMetric(k, 'p99')]);
  const all = [...rates, ...derived, ...hists];
  const primary = primaryMetricOf(sc);
  return [...all.filter((m) => m.name === primary), ...all.filter((m) => m.name !== primary)];
}

/** The metric the scenario's claim is about (declared, else its first rate). */
export function primaryMetricOf(sc: Scenario): string {
  if (sc.primary) return sc.primary;
  const probe = sc.rates(new Proxy({}, { get: () => 0 }) as Record<string, number>);
  return Object.keys(probe)[0] ?? Object.keys(sc.better ?? {})[0] ?? '';
}

/** ABBA order for repeat r: A B, B A, A B, ... (r blocks of two runs). */
export function abbaOrder(a: string, b: string, repeat: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < repeat; i++) out.push(...(i % 2 === 0 ? [a, b] : [b, a]));
  return out;
}

/** Design warnings for a fixed-n compare. */
export function repeatWarnings(repeat: number): string[] {
  const w: string[] = [];
  if (repeat < 6) w.push(`--repeat ${repeat}: fewer than 6 runs per variant; value rows cannot reach a Holm-adjusted verdict and rates have few degrees of freedom (see README: compare)`);
  if (repeat % 2 === 1) w.push(`--repeat ${repeat} is odd: the ABBA order is not balanced, so a linear drift leans on one variant`);
  return w;
}

export async function compareRuns(
  sc: Scenario, a: string, b: string, params: Params, repeat: number,
  o: RunOptions & CompareSpec & { onRun?: (r: RunResult, i: number, n: number, label: string) => void; onLook?: (l: SequentialLook) => void },
): Promise<CompareResult> {
  const labels: [string, string] = a === b ? [a, `${b}′`] : [a, b];
  const metrics = metricsFor(sc);
  const primary = o.primary ?? primaryMetricOf(sc);
  const alpha = o.alpha ?? 0.05;
  const seq = o.untilVerdict;
  const blocks = seq ? seq.maxRepeat : repeat;
  const plan = seq ? sequentialPlan(seq.maxRepeat, alpha) : undefined;
  const blockIds = o.blocks ?? Array.from({ length: blocks }, (_, b) => b);
  const order = blockIds.flatMap((b) => blockPlan(labels, b));
  const runs: Record<string, RunResult[]> = { [labels[0]]: [], [labels[1]]: [] };
  const looks: SequentialLook[] = [];
  const variantOf = (label: string) => (label === labels[0] ? a : b);
  let interrupted = false;
  let stoppedBy: SequentialReport['stoppedBy'] = 'max-repeat';
  let done = 0;
  const table = (primaryAlpha?: number): ComparisonTable => compareVariants(metrics, runs[labels[0]] as unknown as RunSummary[], runs[labels[1]] as unknown as RunSummary[],
    { alpha, primary, family: o.metrics, primaryOnly: seq !== undefined, primaryAlpha });
  for (let i = 0; i < order.length; i++) {
    if (o.signal?.aborted) { interrupted = true; break; }
    const block = blockIds[i >> 1];
    const r: RunResult = { ...(await runOnce(sc, variantOf(order[i]), params, { ...o, seed: o.seed + 2 * block + (i % 2) })), block, ...(o.shard ? { shard: o.shard } : {}) };
    runs[order[i]].push(r);
    o.onRun?.(r, i, order.length, order[i]);
    if (r.interrupted) { interrupted = true; break; }
    if (i % 2 === 0) continue;
    done = (i + 1) / 2;
    const l = plan ? lookAt(plan, done, primary, table) : undefined;
    if (!l) continue;
    looks.push(l);
    o.onLook?.(l);
    if (l.crossed) { stoppedBy = 'boundary'; break; }
  }
  if (interrupted) stoppedBy = 'interrupted';
  const last = looks[looks.length - 1];
  const final = table(seq ? last?.nominalAlpha ?? plan![plan!.length - 1].nominalAlpha : undefined);
  const warnings = seq ? [] : repeatWarnings(repeat);
  if (seq) warnings.push('sequential compare: the 95% CIs are not adjusted for the looks (they are a little too narrow after an early stop)');
  return {
    scenario: sc.name, variants: [a, b], labels, params, repeat: seq ? done : o.blocks ? o.blocks.length : repeat, order: order.slice(0, runs[labels[0]].length + runs[labels[1]].length), runs,
    ...final, interrupted, warnings,
    ...(seq ? { sequential: { maxRepeat: seq.maxRepeat, spending: SPENDING, plan: plan!, looks, stoppedAtBlock: done, stoppedBy } } : {}),
  };
}

export { FIRST_LOOK };
export type { ComparisonRow, CompareResult, SequentialLook, SequentialReport };
