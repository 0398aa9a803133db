// A rate metric compared with the run as the unit: Welch's t on the per-run rates (the pooled rate
// stays the point estimate shown per variant, with the run-to-run dispersion φ̂ beside it). Rare
// events (about 10 or fewer per run, in both variants) and runs without spread get the exact rank test instead.
import { welch } from './stats/welch.js';
import { welchMde } from './stats/mde.js';
import { rankTest, noTest, type RowTest } from './compare-value.js';
import type { Proportion } from './stats/dispersion.js';

/** Runs per variant before Welch's t gets a rate verdict (df >= 2; at 2 runs a 93 pp gap only just passes α/10). */
export const MIN_RATE_RUNS = 3;
/** At or below this many of the rarer outcome per run (median over runs) in both variants, a rate is tested by ranks. */
export const RARE_EVENTS = 10;

const perRun = (ps: readonly Proportion[]): number[] => ps.filter((p) => p.trials > 0).map((p) => p.successes / p.trials);

/** The median over runs of the rarer outcome's count is at most RARE_EVENTS. */
function isRare(ps: readonly Proportion[]): boolean {
  const events = ps.filter((p) => p.trials > 0).map((p) => Math.min(p.successes, p.trials - p.successes)).sort((x, y) => x - y);
  return events.length > 0 && events[(events.length - 1) >> 1] <= RARE_EVENTS;
}

export function rateTest(a: readonly Proportion[], b: readonly Proportion[], level: number): RowTest {
  const ra = perRun(a);
  const rb = perRun(b);
  // Rare on both sides: per-run rates are a few discrete steps, too coarse for t. One rare side alone
  // (a variant near 0% or 100%) is fine: the other side's spread carries Welch's t.
  const rare = isRare(a) && isRare(b);
  if (rare) return rankTest(ra, rb, level, 'rank-test-rare', true);
  if (ra.length < MIN_RATE_RUNS || rb.length < MIN_RATE_RUNS) {
    return noTest('rate', ra.length < 2 || rb.length < 2
      ? '1 run per variant: run-to-run noise cannot be estimated'
      : `a rate needs >= ${MIN_RATE_RUNS} runs per variant (Welch's t has too few degrees of freedom)`, () => MIN_RATE_RUNS);
  }
  const w = welch(ra, rb, level);
  // No spread on either side: the t statistic is undefined, ranks still order the runs.
  if (!w) return rankTest(ra, rb, level, 'rank-test-no-spread', true);
  return {
    test: 'welch-t', scale: 'rate', estimate: w.estimate, ci: [w.lo, w.hi], p: w.p, minP: 0,
    mdeAt: (alpha) => welchMde(ra, rb, alpha), runsNeeded: () => MIN_RATE_RUNS,
  };
}
