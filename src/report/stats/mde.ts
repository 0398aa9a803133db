// Minimum detectable effect: the true change a row would catch with 80% power at its own alpha,
// from the spread it observed (the t approximation: (t_{1−α/2} + t_{power}) · SE).
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export const POWER = 0.8;
// Mann–Whitney's efficiency against t on normal data is 3/π ≈ 0.955: it needs 1/0.955 the runs.
const MW_EFFICIENCY = 3 / Math.PI;

const meanVar = (xs: readonly number[]): [number, number] => {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return [m, xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)];
};

/** MDE of a rank test on values, on the scale of f (log for ratios); NaN below 2 runs a side. */
export function rankTestMde(a: readonly number[], b: readonly number[], alpha: number, f: (x: number) => number = (x) => x): number {
  if (a.length < 2 || b.length < 2) return NaN;
  const [, va] = meanVar(a.map(f));
  const [, vb] = meanVar(b.map(f));
  const df = a.length + b.length - 2;
  const pooled = ((a.length - 1) * va + (b.length - 1) * vb) / df;
  const se = Math.sqrt(pooled * (1 / a.length + 1 / b.length) / MW_EFFICIENCY);
  return (tQuantile(1 - alpha / 2, df) + tQuantile(POWER, df)) * se;
}

/** MDE of Welch's t on per-run rates, in rate units; NaN below 2 runs a side. */
export function welchMde(a: readonly number[], b: readonly number[], alpha: number): number {
  if (a.length < 2 || b.length < 2) return NaN;
  const [, va] = meanVar(a);
  const [, vb] = meanVar(b);
  const sa = va / a.length;
  const sb = vb / b.length;
  const se = Math.sqrt(sa + sb);
  if (se === 0) return 0;
  const df = (sa + sb) ** 2 / (sa ** 2 / (a.length - 1) + sb ** 2 / (b.length - 1));
  return (tQuantile(1 - alpha / 2, df) + tQuantile(POWER, df)) * se;
}
