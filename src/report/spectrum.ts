// A latency histogram's percentile spectrum sampled the way HdrHistogram's plotter reads one: points
// log-spaced in 1/(1 − p) ("number of nines"), no finer than one sample in totalCount, the max last.

/** What the sampler reads from a histogram (hdr-histogram-js histograms, JS or WebAssembly, have these). */
export interface PercentileSource {
  readonly totalCount: number;
  readonly maxValue: number;
  getValueAtPercentile(percentile: number): number;
}

/** Grid steps at most (10 a decade up to 10^6.7 samples, fewer a decade beyond), so a spectrum stays <= 70 points. */
export const SPECTRUM_MAX_STEPS = 67;

/**
 * The percentiles (0..100) sampled for n values: 1/(1 − p) on a fixed grid 10^(k/d), d = 10 a decade
 * (fewer for huge n), below n, then 1/(1 − p) = n itself. A fixed grid lines runs up at the same
 * percentiles (90, 99, 99.9 among them) so their curves can be read against each other.
 */
export function spectrumPercentiles(n: number): number[] {
  if (!(n >= 1)) return [];
  const decades = Math.log10(n);
  const perDecade = Math.max(1, Math.min(10, Math.floor(SPECTRUM_MAX_STEPS / Math.max(decades, 1e-9))));
  const pct = (x: number) => Number((100 * (1 - 1 / x)).toPrecision(12));
  const out: number[] = [];
  // The relative slack keeps a grid point equal to n (n = 10, 100, ...) from appearing twice.
  for (let k = 0; 10 ** (k / perDecade) < n * (1 - 1e-9); k++) out.push(pct(10 ** (k / perDecade)));
  out.push(pct(n));
  return out;
}

/** [percentile, value] points, integer values, the max as [100, max]; [] for an empty histogram. */
export function percentileSpectrum(h: PercentileSource): [number, number][] {
  const n = h.totalCount;
  if (!(n > 0)) return [];
  const pts = spectrumPercentiles(n).map((p): [number, number] => [p, Math.round(h.getValueAtPercentile(p))]);
  pts.push([100, Math.round(h.maxValue)]);
  return pts;
}
