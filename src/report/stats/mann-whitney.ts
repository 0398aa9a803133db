// Two-sided Mann–Whitney U (Wilcoxon rank-sum) test on per-run values: the permutation distribution
// exactly (ties through mid-ranks) up to EXACT_MAX_RUNS runs in all, else the normal approximation
// with the tie correction and a continuity correction, as R's wilcox.test does.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { doubledMidRanks, subsetSumDistribution } from './rank-sum.js';

export const EXACT_MAX_RUNS = 60;

export interface MannWhitneyResult {
  /** U of sample B: the number of (a, b) pairs with b > a, ties counting one half. */
  u: number;
  p: number;
  method: 'exact' | 'normal';
  ties: boolean;
}

export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0) throw new RangeError(`mannWhitney needs two non-empty samples, got ${nA} and ${nB}`);
  const n = nA + nB;
  const { ranks2, tieSizes } = doubledMidRanks([...a, ...b]);
  const ties = tieSizes.some((t) => t > 1);
  const sumB2 = ranks2.slice(nA).reduce((s, r) => s + r, 0);
  const u = sumB2 / 2 - (nB * (nB + 1)) / 2;
  const mean2 = nB * (n + 1);
  if (n <= EXACT_MAX_RUNS) {
    const dist = subsetSumDistribution(ranks2, nB);
    const d = Math.abs(sumB2 - mean2);
    let p = 0;
    // Doubled sums are integers, so "at least as far from the mean" needs no tolerance.
    for (let s = 0; s < dist.length; s++) if (dist[s] !== 0 && Math.abs(s - mean2) >= d) p += dist[s];
    return { u, p: Math.min(1, p), method: 'exact', ties };
  }
  const tieTerm = tieSizes.reduce((s, t) => s + t * t * t - t, 0) / (n * (n - 1));
  const sd = Math.sqrt(((nA * nB) / 12) * (n + 1 - tieTerm));
  if (sd === 0) return { u, p: 1, method: 'normal', ties };
  const z = Math.max(0, Math.abs(u - (nA * nB) / 2) - 0.5) / sd;
  return { u, p: Math.min(1, 2 * (1 - normalCdf(z, 0, 1))), method: 'normal', ties };
}
