// The chart description every HTML chart kind reads (types only; html.ts re-exports them).

export interface ChartPoint { x: string | number; y: number; lo?: number; hi?: number }
export interface ChartSeries {
  name: string;
  points: ChartPoint[];
  /** strip/spectrum: series of one group share a colour and one legend entry (default: the series' own name). */
  group?: string;
}
export interface Chart {
  /**
   * 'bars' and 'lines': categories or numeric x, optional CI whiskers. 'strip': one column per series,
   * one dot per point (a run) and a tick at the series' median. 'spectrum': y against a percentile x
   * (0..100) on HdrHistogram's "number of nines" axis, one line per series.
   */
  kind: 'bars' | 'lines' | 'strip' | 'spectrum';
  yLabel: string;
  series: ChartSeries[];
  xLabel?: string;
  /** Lines with numeric x only: log10 x axis (thread counts 1, 2, 4, 8 read well this way). */
  xLog?: boolean;
  yMin?: number;
  yMax?: number;
  /** 'ns': y ticks and point titles via fmtNs (5 µs, 1.2 ms); '%': with a % sign; else bare numbers. */
  yUnit?: string;
  /** spectrum: log y axis; default: log when the values span more than 100x. */
  yLog?: boolean;
  /** strip: a shaded y range across the plot (e.g. the MDE around A's median). */
  band?: { lo: number; hi: number; label: string };
}
