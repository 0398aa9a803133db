// Run-to-run dispersion of a rate: Pearson's chi-square over runs divided by its degrees of freedom.
// 1 means the runs vary only as binomial draws; 10 means a pooled (binomial) interval is √10 too narrow.

export interface Proportion { successes: number; trials: number }

/** φ̂ over one or more groups of runs, each group with its own pooled rate; NaN when no group has df. */
export function dispersion(groups: readonly (readonly Proportion[])[]): number {
  let chi2 = 0;
  let df = 0;
  for (const runs of groups) {
    const used = runs.filter((r) => r.trials > 0);
    const s = used.reduce((t, r) => t + r.successes, 0);
    const n = used.reduce((t, r) => t + r.trials, 0);
    const p = n ? s / n : NaN;
    // A pooled rate of 0 or 1 has no binomial variance to compare against.
    if (!(p > 0 && p < 1) || used.length < 2) continue;
    for (const r of used) chi2 += (r.successes - r.trials * p) ** 2 / (r.trials * p * (1 - p));
    df += used.length - 1;
  }
  return df ? chi2 / df : NaN;
}
