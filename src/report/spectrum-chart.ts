// One latency histogram's percentile spectra as a report section: a line per run, coloured by group.
import type { HistogramSummary } from './schema.js';
import type { ReportSection } from './html.js';

export interface SpectrumLine {
  /** The run, e.g. 'wait-locked run 3'. */
  name: string;
  /** What colours and labels it in the legend, e.g. 'A: wait-locked'. */
  group: string;
  hist: HistogramSummary | undefined;
}

const NOTE = 'x: percentile on a log scale of 1/(1 − p), as HdrHistogram plots it, so each step is one more nine; '
  + 'each line is sampled about 10 points a decade up to its run\'s sample count and ends at that run\'s max.';

/** The section for histogram `name`, or undefined when no line has spectrum data. */
export function spectrumSection(name: string, lines: SpectrumLine[], heading = `${name}: latency by percentile`): ReportSection | undefined {
  const series = lines.filter((l) => l.hist?.spectrum?.length).map((l) => ({
    name: l.name, group: l.group, points: l.hist!.spectrum!.map(([x, y]) => ({ x, y })),
  }));
  if (series.length === 0) return undefined;
  const unit = lines.find((l) => l.hist)?.hist?.unit;
  return {
    heading, note: NOTE,
    chart: { kind: 'spectrum', yLabel: unit === 'ns' ? 'latency' : `value (${unit})`, yUnit: unit, xLabel: 'percentile', series },
  };
}

/** The names of histograms in ns with a spectrum in any of the runs, in first-appearance order. */
export function spectrumNames(hists: Record<string, HistogramSummary>[]): string[] {
  return [...new Set(hists.flatMap((h) => Object.entries(h).filter(([, x]) => x.unit === 'ns' && x.spectrum?.length).map(([k]) => k)))];
}
