// Pure statistics for comparing variants: order statistics, a seeded percentile bootstrap for the
// difference of medians, and Wilson / Newcombe score intervals for success rates.
import { mulberry32 } from './rng.js';

export type Better = 'higher' | 'lower';
export type Verdict = 'better' | 'worse' | 'no significant change';
export interface Interval { lo: number; hi: number }
export interface DiffCI extends Interval { diff: number }
export interface RateCI extends Interval { rate: number }
export interface BootstrapOptions { resamples?: number; seed?: number; level?: number }

export const DEFAULT_SEED = 0x5eed;

// NaN means "no sample" (a run that lacked the metric), so it is dropped rather than poisoning the sort.
function cleanSorted(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs.filter((x) => !Number.isNaN(x))).sort();
}

function quantileSorted(s: ArrayLike<number>, q: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const i = Math.floor(h);
  return i + 1 < n ? s[i] + (h - i) * (s[i + 1] - s[i]) : s[n - 1];
}

/** Quantile with linear interpolation between order statistics (R type 7); NaN entries are ignored, empty gives NaN. */
export function quantile(xs: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`);
  return quantileSorted(cleanSorted(xs), q);
}

/** Median (quantile 0.5); NaN entries are ignored, empty gives NaN. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Arithmetic mean; NaN entries are ignored, empty gives NaN. */
export function mean(xs: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const x of xs) if (!Number.isNaN(x)) { s += x; n++; }
  return n === 0 ? NaN : s / n;
}

/** Percentile bootstrap CI of median(b) - median(a), deterministic per seed (default DEFAULT_SEED); an empty group gives NaN. */
export function bootstrapMedianDiff(a: readonly number[], b: readonly number[], opts: BootstrapOptions = {}): DiffCI {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const A = cleanSorted(a);
  const B = cleanSorted(b);
  if (A.length === 0 || B.length === 0) return { diff: NaN, lo: NaN, hi: NaN };
  const rand = mulberry32(opts.seed ?? DEFAULT_SEED);
  const ra = new Float64Array(A.length);
  const rb = new Float64Array(B.length);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < ra.length; i++) ra[i] = A[Math.floor(rand() * A.length)];
    for (let i = 0; i < rb.length; i++) rb[i] = B[Math.floor(rand() * B.length)];
    diffs[r] = quantileSorted(rb.sort(), 0.5) - quantileSorted(ra.sort(), 0.5);
  }
  diffs.sort();
  const alpha = (1 - level) / 2;
  return {
    diff: quantileSorted(B, 0.5) - quantileSorted(A, 0.5),
    lo: quantileSorted(diffs, alpha),
    hi: quantileSorted(diffs, 1 - alpha),
  };
}

/** Wilson score interval for a proportion; trials 0 gives rate NaN with the vacuous [0, 1]. */
export function wilson(successes: number, trials: number, z = 1.96): RateCI {
  if (!(trials >= 0 && successes >= 0 && successes <= trials)) {
    throw new RangeError(`wilson needs 0 <= successes <= trials, got ${successes}/${trials}`);
  }
  if (trials === 0) return { rate: NaN, lo: 0, hi: 1 };
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt(p * (1 - p) / trials + z2n / (4 * trials))) / (1 + z2n);
  // The closed form only lands on 0 / 1 up to rounding at the extremes, so pin them exactly.
  return {
    rate: p,
    lo: successes === 0 ? 0 : Math.max(0, center - half),
    hi: successes === trials ? 1 : Math.min(1, center + half),
  };
}

/** Newcombe hybrid score CI (method 10) of s2/n2 - s1/n1 from two Wilson intervals; n = 0 gives diff NaN in [-1, 1]. */
export function rateDiffCI(s1: number, n1: number, s2: number, n2: number, z = 1.96): DiffCI {
  const w1 = wilson(s1, n1, z);
  const w2 = wilson(s2, n2, z);
  if (n1 === 0 || n2 === 0) return { diff: NaN, lo: -1, hi: 1 };
  const d = w2.rate - w1.rate;
  return {
    diff: d,
    lo: d - Math.sqrt((w2.rate - w2.lo) ** 2 + (w1.hi - w1.rate) ** 2),
    hi: d + Math.sqrt((w2.hi - w2.rate) ** 2 + (w1.rate - w1.lo) ** 2),
  };
}

/** Verdict on a CI of (b - a): significant iff it excludes 0; its sign and `better` give the direction. */
export function verdict(ci: Interval, better: Better): Verdict {
  const up = ci.lo > 0;
  const down = ci.hi < 0;
  if (!up && !down) return 'no significant change';
  return up === (better === 'higher') ? 'better' : 'worse';
}

// Acklam's rational approximation (relative error < 1.2e-9): enough for CI widths.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Inverse standard normal CDF for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile p must be in (0, 1), got ${p}`);
  const tail = (q: number) =>
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/** Two-sided z for a confidence level, e.g. 0.95 -> 1.95996. */
export function zForLevel(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  return normalQuantile(1 - (1 - level) / 2);
}
