// Pure statistics for one sample: order statistics, and the Wilson score interval for a success rate
// within one run (binomial only: across runs use the run-level tests in stats/).

export interface Interval { lo: number; hi: number }
export interface RateCI extends Interval { rate: number }

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
