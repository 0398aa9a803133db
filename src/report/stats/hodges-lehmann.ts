// Hodges–Lehmann shift of B against A with its distribution-free (Moses) confidence interval: the
// median of all pairwise differences, and the order statistics the rank-sum critical value picks.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { subsetSumDistribution } from './rank-sum.js';
import { EXACT_MAX_RUNS } from './mann-whitney.js';

export interface ShiftEstimate {
  /** 'log': estimate and CI are ratios B/A minus 1 (a relative change); 'raw': differences B − A in the metric's unit. */
  scale: 'log' | 'raw';
  estimate: number;
  lo: number;
  hi: number;
  /** The interval's exact coverage (at least the level asked for; 1 when it is infinite). */
  coverage: number;
}

function quantile7(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[sorted.length - 1];
}

/** k = the number of pairwise differences cut off each end: the largest k with P(U <= k - 1) <= (1 - level) / 2. */
export function mosesCutoff(nA: number, nB: number, level: number): { k: number; coverage: number } {
  const half = (1 - level) / 2;
  if (nA + nB <= EXACT_MAX_RUNS) {
    // U = (doubled rank sum of B)/2 - nB(nB+1)/2 with untied ranks 1..N.
    const ranks2 = Array.from({ length: nA + nB }, (_, i) => 2 * (i + 1));
    const dist = subsetSumDistribution(ranks2, nB);
    const base = nB * (nB + 1);
    let cum = 0;
    let k = 0;
    for (let u = 0; ; u++) {
      const next = cum + (dist[2 * u + base] ?? 0);
      if (next > half + 1e-12) break;
      cum = next;
      k = u + 1;
    }
    return { k, coverage: k === 0 ? 1 : 1 - 2 * cum };
  }
  const z = normalQuantile(1 - half, 0, 1);
  const k = Math.floor((nA * nB) / 2 - z * Math.sqrt((nA * nB * (nA + nB + 1)) / 12));
  return { k: Math.max(0, k), coverage: level };
}

/** HL shift of b against a; by default on the log scale (ratios) when every value is > 0, else on the raw scale. */
export function hodgesLehmann(a: readonly number[], b: readonly number[], level = 0.95, want?: 'log' | 'raw'): ShiftEstimate {
  if (a.length === 0 || b.length === 0) return { scale: 'raw', estimate: NaN, lo: -Infinity, hi: Infinity, coverage: 1 };
  const scale = want === 'raw' || [...a, ...b].some((x) => !(x > 0)) ? 'raw' : 'log';
  const f = scale === 'log' ? Math.log : (x: number) => x;
  const diffs = new Float64Array(a.length * b.length);
  let i = 0;
  for (const y of b) for (const x of a) diffs[i++] = f(y) - f(x);
  diffs.sort();
  const { k, coverage } = mosesCutoff(a.length, b.length, level);
  const back = scale === 'log' ? (d: number) => Math.exp(d) - 1 : (d: number) => d;
  const m = diffs.length;
  return {
    scale,
    estimate: back(quantile7(diffs, 0.5)),
    lo: k >= 1 ? back(diffs[k - 1]) : scale === 'log' ? -1 : -Infinity,
    hi: k >= 1 ? back(diffs[m - k]) : Infinity,
    coverage,
  };
}
