// A run-level interval for one variant's rate: the t interval of the per-run rates, so runs that
// differ more than binomial draws widen it (a pooled Wilson interval would not).
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface MeanCI { mean: number; lo: number; hi: number; n: number }

/** Mean of xs with its two-sided t interval; n < 2 gives an infinite interval. */
export function tInterval(xs: readonly number[], level = 0.95): MeanCI {
  const n = xs.length;
  const mean = n ? xs.reduce((s, x) => s + x, 0) / n : NaN;
  if (n < 2) return { mean, lo: -Infinity, hi: Infinity, n };
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * sd / Math.sqrt(n);
  return { mean, lo: mean - half, hi: mean + half, n };
}
