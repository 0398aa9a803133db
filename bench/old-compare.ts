// The compare method before the run-as-unit rewrite (commit af01057), kept only so the statistics
// bench can measure before against after on the same synthetic draws: a percentile bootstrap of the
// difference of medians for values, Newcombe's interval from pooled Wilson intervals for rates, each
// row on its own at 95%. Not used by pagestorm itself.
import { wilson } from '../src/report/statistics.js';
import { mulberry32 } from '../src/report/rng.js';

const sortedMedian = (s: Float64Array): number => {
  const h = (s.length - 1) / 2;
  return (s[Math.floor(h)] + s[Math.ceil(h)]) / 2;
};

/** The old value verdict: does the 2000-resample percentile bootstrap CI of median(b) − median(a) exclude 0? Returns its sign or 0. */
export function oldValueVerdict(a: readonly number[], b: readonly number[], seed = 1): number {
  const rand = mulberry32(seed);
  const ra = new Float64Array(a.length);
  const rb = new Float64Array(b.length);
  const diffs = new Float64Array(2000);
  for (let r = 0; r < diffs.length; r++) {
    for (let i = 0; i < ra.length; i++) ra[i] = a[Math.floor(rand() * a.length)];
    for (let i = 0; i < rb.length; i++) rb[i] = b[Math.floor(rand() * b.length)];
    diffs[r] = sortedMedian(rb.sort()) - sortedMedian(ra.sort());
  }
  diffs.sort();
  const q = (p: number) => { const h = (diffs.length - 1) * p; const i = Math.floor(h); return diffs[i] + (h - i) * (diffs[i + 1] - diffs[i]); };
  const lo = q(0.025);
  const hi = q(0.975);
  return lo > 0 ? 1 : hi < 0 ? -1 : 0;
}

/** The old rate verdict: Newcombe's hybrid interval of the pooled rates; its sign when it excludes 0, else 0. */
export function oldRateVerdict(a: readonly { successes: number; trials: number }[], b: readonly { successes: number; trials: number }[]): number {
  const pool = (xs: readonly { successes: number; trials: number }[]) => [xs.reduce((s, x) => s + x.successes, 0), xs.reduce((s, x) => s + x.trials, 0)];
  const [s1, n1] = pool(a);
  const [s2, n2] = pool(b);
  const w1 = wilson(s1, n1);
  const w2 = wilson(s2, n2);
  const d = w2.rate - w1.rate;
  const lo = d - Math.sqrt((w2.rate - w2.lo) ** 2 + (w1.hi - w1.rate) ** 2);
  const hi = d + Math.sqrt((w2.hi - w2.rate) ** 2 + (w1.rate - w1.lo) ** 2);
  return lo > 0 ? 1 : hi < 0 ? -1 : 0;
}
