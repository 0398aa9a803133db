// Merges the roles' histograms (compressed base64, integer ns) and reads their percentiles and spectrum.
import * as hdr from 'hdr-histogram-js';

import type { HistogramSummary } from '../report/schema.js';
import { percentileSpectrum } from '../report/spectrum.js';

let ready = false;

/** Merges encoded histograms per name and summarises each; unit is what the values were recorded in. */
export function mergeHistograms(parts: Record<string, string>[], units: Record<string, string>): Record<string, HistogramSummary> {
  if (!ready) { hdr.initWebAssemblySync(); ready = true; }
  const out: Record<string, HistogramSummary> = {};
  const names = new Set(parts.flatMap((p) => Object.keys(p)));
  for (const name of names) {
    const total = hdr.build({ useWebAssembly: true });
    for (const p of parts) {
      if (!p[name]) continue;
      const h = hdr.decodeFromCompressedBase64(p[name], 32, true);
      total.add(h);
      h.destroy();
    }
    const n = total.totalCount;
    const at = (q: number): number => (n ? total.getValueAtPercentile(q) : 0);
    out[name] = { count: n, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: n ? total.maxValue : 0, mean: n ? Math.round(total.mean) : 0, unit: units[name] ?? 'ns', ...(n ? { spectrum: percentileSpectrum(total) } : {}) };
    total.destroy();
  }
  return out;
}
