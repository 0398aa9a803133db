// The Mann–Kendall trend test over a series in time order (two-sided, normal approximation with the
// tie correction and a continuity correction), and Sen's slope as the trend's size: the run-as-unit
// idea applied to a soak's intervals.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

export interface TrendResult {
  /** Kendall's S: concordant minus discordant pairs. */
  s: number;
  p: number;
  /** Sen's slope: the median of the pairwise slopes, per step of the series. */
  slope: number;
}

/** Mann–Kendall over ys (index = time); null below 4 points. */
export function mannKendall(ys: readonly number[]): TrendResult | null {
  const n = ys.length;
  if (n < 4) return null;
  let s = 0;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      s += Math.sign(ys[j] - ys[i]);
      slopes.push((ys[j] - ys[i]) / (j - i));
    }
  }
  const counts = new Map<number, number>();
  for (const y of ys) counts.set(y, (counts.get(y) ?? 0) + 1);
  let ties = 0;
  for (const t of counts.values()) ties += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  const z = variance > 0 ? (s === 0 ? 0 : (Math.abs(s) - 1) / Math.sqrt(variance)) : 0;
  slopes.sort((a, b) => a - b);
  const h = (slopes.length - 1) / 2;
  return { s, p: Math.min(1, 2 * (1 - normalCdf(z, 0, 1))), slope: (slopes[Math.floor(h)] + slopes[Math.ceil(h)]) / 2 };
}
