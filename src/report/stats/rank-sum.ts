// Exact permutation distribution of a two-sample rank sum, ties included (mid-ranks, doubled so they
// stay integers): the null distribution behind Mann–Whitney U and the Hodges–Lehmann interval.

/** Mid-ranks (1-based) of xs, doubled so tied groups stay integers; plus each tie group's size. */
export function doubledMidRanks(xs: readonly number[]): { ranks2: number[]; tieSizes: number[] } {
  const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks2 = new Array<number>(xs.length);
  const tieSizes: number[] = [];
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    // Positions i..j (0-based) share the mid-rank ((i+1)+(j+1))/2; doubled: i+j+2.
    for (let k = i; k <= j; k++) ranks2[order[k][1]] = i + j + 2;
    tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks2, tieSizes };
}

/**
 * P(sum of k items drawn without replacement from `scores` = s), for every s: a dynamic programme
 * over (items taken, sum), in doubles (probabilities, not counts, so C(60,30) cannot overflow).
 */
export function subsetSumDistribution(scores: readonly number[], k: number): Float64Array {
  const total = scores.reduce((a, b) => a + b, 0);
  // ways[j][s] = number of j-subsets of the scores seen so far with sum s, scaled as probabilities at the end.
  const ways = Array.from({ length: k + 1 }, () => new Float64Array(total + 1));
  ways[0][0] = 1;
  let reach = 0;
  for (const sc of scores) {
    reach += sc;
    // Downwards in j, so each score joins a subset at most once (0/1 knapsack, in place).
    for (let j = k; j >= 1; j--) {
      const from = ways[j - 1];
      const to = ways[j];
      for (let s = reach - sc; s >= 0; s--) if (from[s] !== 0) to[s + sc] += from[s];
    }
  }
  const row = ways[k];
  let n = 0;
  for (let s = 0; s <= total; s++) n += row[s];
  for (let s = 0; s <= total; s++) row[s] /= n;
  return row;
}

/** C(n, k) as a double. */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Smallest two-sided p the rank-sum test can give at nA + nB runs without ties: 2 / C(nA+nB, nA). */
export function minRankSumP(nA: number, nB: number): number {
  if (nA < 1 || nB < 1) return 1;
  return Math.min(1, 2 / binomial(nA + nB, nA));
}

/** Runs per variant (equal n) the rank-sum test needs before a two-sided p can reach alpha. */
export function runsNeededForRankSum(alpha: number): number {
  let n = 1;
  while (minRankSumP(n, n) > alpha && n < 1000) n++;
  return n;
}
