// Drift over a soak, with the intervals as the units: each metric's first window of intervals
// against its last (the compare tests, one Holm family), and its trend over all intervals
// (Mann–Kendall with Sen's slope, Holm-adjusted too). Drift is flagged when either fires.
import { compareVariants, histogramMetric, rateMetric, type ComparisonRow, type MetricSpec, type RunSummary } from './compare.js';
import { mannKendall } from './stats/mann-kendall.js';
import { holm } from './stats/holm.js';

/** What a soak keeps of each interval. */
export interface IntervalSummary {
  index: number;
  startS: number;
  endS: number;
  counters: Record<string, number>;
  rates: Record<string, { successes: number; trials: number; rate: number }>;
  histograms: Record<string, { count: number; p50: number; p99: number; max: number; unit: string }>;
  forbiddenSoFar: number;
  process: { rssMB: number; heapUsedMB: number; loopDelayMs: { p50: number; p99: number; max: number } };
}

export interface TrendRow { metric: string; unit: string; n: number; slopePerHour: number; relativePerHour: number; p: number | null; pAdjusted: number | null; drift: boolean }

export interface DriftReport {
  alpha: number;
  /** Intervals in each window (first and last). */
  window: number;
  intervals: number;
  windows: ComparisonRow[];
  trends: TrendRow[];
  drift: boolean;
  /** The metrics that drifted, by either test. */
  drifted: string[];
  note?: string;
}

const summaryOf = (iv: IntervalSummary): RunSummary => ({
  counters: { ...iv.counters, rssMB: iv.process.rssMB, heapUsedMB: iv.process.heapUsedMB },
  rates: iv.rates, histograms: iv.histograms,
});

/** The metrics a soak is watched on: its rates, its ns histograms' p50 and p99, and the main process's RSS. */
export function driftMetrics(intervals: readonly IntervalSummary[]): MetricSpec[] {
  const last = intervals[intervals.length - 1];
  if (!last) return [];
  const rates = Object.keys(last.rates).map((k) => rateMetric(k));
  const hists = Object.entries(last.histograms).filter(([, h]) => h.unit === 'ns').flatMap(([k]) => [histogramMetric(k, 'p50'), histogramMetric(k, 'p99')]);
  const rss: MetricSpec = { name: 'rssMB', unit: 'MB', better: 'lower', kind: 'value', get: (r) => r.counters.rssMB ?? NaN };
  return [...rates, ...hists, rss];
}

function seriesOf(spec: MetricSpec, intervals: readonly IntervalSummary[]): number[] {
  return intervals.map((iv) => {
    const v = spec.get(summaryOf(iv));
    return typeof v === 'number' ? v : v.trials > 0 ? v.successes / v.trials : NaN;
  });
}

/** First vs last window and the trend of every metric; too few intervals (< 12) gives no tests and says so. */
export function driftReport(intervals: readonly IntervalSummary[], alpha = 0.05): DriftReport {
  const n = intervals.length;
  // 6 intervals a window at least: the exact test's smallest p at 6+6 (0.0022) passes Holm over ~20 rows.
  const window = Math.max(6, Math.floor(n / 4));
  const metrics = driftMetrics(intervals);
  if (n < 2 * window || metrics.length === 0) {
    return { alpha, window, intervals: n, windows: [], trends: [], drift: false, drifted: [], note: `too few intervals for drift tests (${n}; need >= ${2 * window})` };
  }
  const first = intervals.slice(0, window).map(summaryOf);
  const last = intervals.slice(n - window).map(summaryOf);
  const windows = compareVariants(metrics, first, last, { alpha, noPrimary: true }).rows;
  const hours = (intervals[n - 1].endS - intervals[0].startS) / 3600 / (n - 1 || 1);
  const raw = metrics.map((spec) => {
    const ys = seriesOf(spec, intervals).filter(Number.isFinite);
    const mk = mannKendall(ys);
    const mid = [...ys].sort((a, b) => a - b)[ys.length >> 1];
    return { spec, n: ys.length, mk, mid };
  });
  const adj = holm(raw.map((r) => r.mk?.p ?? null));
  const trends: TrendRow[] = raw.map((r, i) => {
    const perHour = r.mk ? r.mk.slope / hours : NaN;
    return {
      metric: r.spec.name, unit: r.spec.unit, n: r.n, slopePerHour: perHour, relativePerHour: r.mid ? perHour / Math.abs(r.mid) : NaN,
      p: r.mk?.p ?? null, pAdjusted: adj[i], drift: adj[i] !== null && adj[i]! <= alpha,
    };
  });
  const drifted = [...new Set([...windows.filter((w) => w.verdict === 'better' || w.verdict === 'worse').map((w) => w.metric), ...trends.filter((t) => t.drift).map((t) => t.metric)])];
  return { alpha, window, intervals: n, windows, trends, drift: drifted.length > 0, drifted };
}
