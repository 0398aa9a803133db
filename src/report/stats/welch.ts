// Welch's two-sample t on per-run rates (the run is the unit: runs are over-dispersed, so pooling
// their trials into one binomial would be far too narrow); stdlib's ttest2 does the arithmetic.
import ttest2 from '@stdlib/stats-ttest2';

export interface WelchResult {
  /** mean(b) − mean(a). */
  estimate: number;
  lo: number;
  hi: number;
  p: number;
  df: number;
}

const variance = (xs: readonly number[]): number => {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

/** Welch's t of b against a at the two-sided level; null when either side has < 2 runs or both have no spread. */
export function welch(a: readonly number[], b: readonly number[], level = 0.95): WelchResult | null {
  if (a.length < 2 || b.length < 2) return null;
  if (variance(a) === 0 && variance(b) === 0) return null;
  const r = ttest2(b as number[], a as number[], { alpha: 1 - level });
  return { estimate: r.xmean - r.ymean, lo: r.ci[0], hi: r.ci[1], p: r.pValue, df: r.df };
}
