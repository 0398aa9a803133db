// compare: two variants run interleaved in ABBA blocks, each run in a fresh pool, so drift and
// noise fall on both alike; then every metric's difference with a confidence interval and verdict.
import type { Params, Scenario } from '../scenarios/types.js';
import type { RunResult } from '../report/schema.js';
import { compareVariants, histogramMetric, rateMetric, type ComparisonRow, type MetricSpec, type RunSummary } from '../report/compare.js';
import { runOnce, type RunOptions } from './run-once.js';

export interface CompareResult {
  scenario: string;
  variants: [string, string];
  params: Params;
  repeat: number;
  order: string[];
  runs: Record<string, RunResult[]>;
  rows: ComparisonRow[];
  interrupted: boolean;
}

/** The metrics a scenario is compared on: its rates, its derived figures, its histograms' p50/p99. */
export function metricsFor(sc: Scenario): MetricSpec[] {
  const probe = sc.rates(new Proxy({}, { get: () => 0 }) as Record<string, number>);
  const rates = Object.keys(probe).map((k) => rateMetric(k));
  const derived = Object.entries(sc.better ?? {}).map(([k, better]): MetricSpec => ({
    name: k, unit: 'count', better, kind: 'value', get: (r) => (r as unknown as RunResult).derived[k] ?? NaN,
  }));
  const hists = Object.entries(sc.histograms).filter(([, h]) => h.unit === 'ns')
    .flatMap(([k]) => [histogramMetric(k, 'p50'), histogramMetric(k, 'p99')]);
  return [...rates, ...derived, ...hists];
}

/** ABBA order for repeat r: A B, B A, A B, ... (r blocks of two runs). */
export function abbaOrder(a: string, b: string, repeat: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < repeat; i++) out.push(...(i % 2 === 0 ? [a, b] : [b, a]));
  return out;
}

export async function compareRuns(
  sc: Scenario, a: string, b: string, params: Params, repeat: number, o: RunOptions & { onRun?: (r: RunResult, i: number, n: number) => void },
): Promise<CompareResult> {
  const order = abbaOrder(a, b, repeat);
  const runs: Record<string, RunResult[]> = { [a]: [], [b]: [] };
  let interrupted = false;
  for (let i = 0; i < order.length; i++) {
    if (o.signal?.aborted) { interrupted = true; break; }
    const r = await runOnce(sc, order[i], params, { ...o, seed: o.seed + i });
    runs[order[i]].push(r);
    o.onRun?.(r, i, order.length);
    if (r.interrupted) { interrupted = true; break; }
  }
  const rows = compareVariants(metricsFor(sc), runs[a] as unknown as RunSummary[], runs[b] as unknown as RunSummary[], { seed: o.seed });
  return { scenario: sc.name, variants: [a, b], params, repeat, order, runs, rows, interrupted };
}
