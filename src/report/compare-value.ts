// A value metric (one number per run: a derived figure, a histogram's p50 or p99) compared with the
// run as the unit: Mann–Whitney U for the verdict, the Hodges–Lehmann shift with its Moses interval
// for the estimate (a % change when every value is positive), and the MDE from the spread seen.
import { mannWhitney } from './stats/mann-whitney.js';
import { hodgesLehmann } from './stats/hodges-lehmann.js';
import { minRankSumP, runsNeededForRankSum } from './stats/rank-sum.js';
import { rankTestMde } from './stats/mde.js';

export type TestName = 'mann-whitney-exact' | 'mann-whitney-normal' | 'welch-t' | 'rank-test-rare' | 'rank-test-no-spread' | 'van-elteren' | 'none';

/** What a row's own test gives before the family decides its alpha. */
export interface RowTest {
  test: TestName;
  /** 'log': estimate and ci are relative changes (B/A − 1); 'raw': B − A in the metric's unit; 'rate': B − A as a fraction. */
  scale: 'log' | 'raw' | 'rate';
  estimate: number;
  ci: [number, number];
  /** Two-sided p; null when no test can be made at these run counts. */
  p: number | null;
  /** The smallest p the test could give at these run counts (0 when n does not limit it). */
  minP: number;
  /** MDE at a given alpha, on the estimate's scale; Infinity when the test cannot reach alpha. */
  mdeAt(alpha: number): number;
  /** Runs per variant needed before the test can reach alpha. */
  runsNeeded(alpha: number): number;
  /** Why there is no test (p null). */
  reason?: string;
}

export const ONE_RUN = '1 run per variant: run-to-run noise cannot be estimated';

/** No test at these run counts: the row still shows its medians. */
export function noTest(scale: RowTest['scale'], reason: string, runsNeeded: (alpha: number) => number): RowTest {
  return { test: 'none', scale, estimate: NaN, ci: [-Infinity, Infinity], p: null, minP: 1, mdeAt: () => Infinity, runsNeeded, reason };
}

/** The rank test of b against a on per-run numbers, with the HL shift and its Moses CI (rates: on the raw scale). */
export function rankTest(a: readonly number[], b: readonly number[], level: number, test: TestName, rates = false): RowTest {
  if (a.length < 2 || b.length < 2) return noTest(rates ? 'rate' : 'raw', ONE_RUN, runsNeededForRankSum);
  const mw = mannWhitney(a, b);
  const hl = hodgesLehmann(a, b, level, rates ? 'raw' : undefined);
  const minP = minRankSumP(a.length, b.length);
  const log = hl.scale === 'log';
  return {
    test: test === 'mann-whitney-exact' && mw.method === 'normal' ? 'mann-whitney-normal' : test,
    scale: rates ? 'rate' : hl.scale, estimate: hl.estimate, ci: [hl.lo, hl.hi], p: mw.p, minP,
    mdeAt: (alpha) => {
      if (minP > alpha) return Infinity;
      const d = rankTestMde(a, b, alpha, log ? Math.log : (x) => x);
      return log ? Math.exp(d) - 1 : d;
    },
    runsNeeded: runsNeededForRankSum,
  };
}

/** A value metric's row test: exact (or large-n normal) Mann–Whitney U and the HL % change. */
export function valueTest(a: readonly number[], b: readonly number[], level: number): RowTest {
  return rankTest(a, b, level, 'mann-whitney-exact');
}
