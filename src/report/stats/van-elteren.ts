// van Elteren's stratified Wilcoxon test: a rank-sum test within each stratum (here: each machine),
// combined with weights 1/(N_i + 1), so a machine's offset never leaks into the comparison.
// Reference: P. H. van Elteren (1960), "On the combination of independent two-sample tests of
// Wilcoxon", Bull. Int. Statist. Inst. 37, 351-361; Lehmann (1975), Nonparametrics, §3.3.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { doubledMidRanks } from './rank-sum.js';

export interface Stratum {
  a: readonly number[];
  b: readonly number[];
}

export interface VanElterenResult {
  /** Σ W_i / (N_i + 1), W_i the rank sum of b in stratum i. */
  statistic: number;
  expected: number;
  variance: number;
  z: number;
  /** Two-sided, normal approximation, tie-corrected within each stratum. */
  p: number;
  /** Strata that had both sides (the others carry no information about the shift). */
  strata: number;
}

export function vanElteren(strata: readonly Stratum[]): VanElterenResult {
  let statistic = 0;
  let expected = 0;
  let variance = 0;
  let used = 0;
  for (const { a, b } of strata) {
    const m = a.length;
    const n = b.length;
    if (m === 0 || n === 0) continue;
    const N = m + n;
    const { ranks2, tieSizes } = doubledMidRanks([...a, ...b]);
    const W = ranks2.slice(m).reduce((s, r) => s + r, 0) / 2;
    const ties = tieSizes.reduce((s, t) => s + t ** 3 - t, 0);
    const varW = (m * n * (N + 1)) / 12 - (N > 1 ? (m * n * ties) / (12 * N * (N - 1)) : 0);
    statistic += W / (N + 1);
    expected += n / 2; // E[W_i] / (N_i + 1) = n_i (N_i + 1) / 2 / (N_i + 1)
    variance += varW / (N + 1) ** 2;
    used++;
  }
  const z = variance > 0 ? (statistic - expected) / Math.sqrt(variance) : 0;
  return { statistic, expected, variance, z, p: variance > 0 ? Math.min(1, 2 * (1 - normalCdf(Math.abs(z), 0, 1))) : 1, strata: used };
}
