// Merges the roles' histograms (compressed base64, integer ns) and reads their percentiles and spectrum.
// A long run folds each interval's histograms into running totals, so memory stays flat for days.
import * as hdr from 'hdr-histogram-js';

import type { HistogramSummary } from '../report/schema.js';
import { percentileSpectrum } from '../report/spectrum.js';

let ready = false;

export interface HistogramTotals {
  /** Adds one set of encoded histograms (name -> compressed base64) to the running totals. */
  add(part: Record<string, string>): void;
  /** The totals so far, summarised; `extra` parts are included without being kept. */
  summary(units: Record<string, string>, extra?: Record<string, string>[]): Record<string, HistogramSummary>;
  /** Frees the WebAssembly memory. */
  destroy(): void;
}

function summarise(total: hdr.Histogram, unit: string): HistogramSummary {
  const n = total.totalCount;
  const at = (q: number): number => (n ? total.getValueAtPercentile(q) : 0);
  return {
    count: n, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: n ? total.maxValue : 0, mean: n ? Math.round(total.mean) : 0, unit,
    ...(n ? { spectrum: percentileSpectrum(total), hdr: hdr.encodeIntoCompressedBase64(total) } : {}),
  };
}

function addEncoded(total: hdr.Histogram, encoded: string): void {
  const h = hdr.decodeFromCompressedBase64(encoded, 32, true);
  total.add(h);
  h.destroy();
}

export function makeHistogramTotals(): HistogramTotals {
  if (!ready) { hdr.initWebAssemblySync(); ready = true; }
  const totals = new Map<string, hdr.Histogram>();
  const get = (name: string): hdr.Histogram => {
    let h = totals.get(name);
    if (!h) { h = hdr.build({ useWebAssembly: true }); totals.set(name, h); }
    return h;
  };
  return {
    add(part) { for (const [name, enc] of Object.entries(part)) if (enc) addEncoded(get(name), enc); },
    summary(units, extra = []) {
      const out: Record<string, HistogramSummary> = {};
      const names = new Set([...totals.keys(), ...extra.flatMap((p) => Object.keys(p))]);
      for (const name of names) {
        const copy = hdr.build({ useWebAssembly: true });
        const kept = totals.get(name);
        if (kept) copy.add(kept);
        for (const p of extra) if (p[name]) addEncoded(copy, p[name]);
        out[name] = summarise(copy, units[name] ?? 'ns');
        copy.destroy();
      }
      return out;
    },
    destroy() { for (const h of totals.values()) h.destroy(); totals.clear(); },
  };
}

/** Merges encoded histograms per name and summarises each; unit is what the values were recorded in. */
export function mergeHistograms(parts: Record<string, string>[], units: Record<string, string>): Record<string, HistogramSummary> {
  const t = makeHistogramTotals();
  try {
    return t.summary(units, parts);
  } finally {
    t.destroy();
  }
}

/** Merges result histograms losslessly from their encodings (HistogramSummary.hdr); one without an encoding throws. */
export function mergeSummaries(parts: readonly Record<string, HistogramSummary>[], units: Record<string, string>): Record<string, HistogramSummary> {
  const encoded = parts.map((hs) => Object.fromEntries(Object.entries(hs).filter(([, h]) => h.count > 0).map(([k, h]) => {
    if (!h.hdr) throw new Error(`histogram ${k} has ${h.count} values but no hdr encoding (a result from before pagestorm carried them): it cannot be merged`);
    return [k, h.hdr];
  })));
  const names = new Set(parts.flatMap((hs) => Object.keys(hs)));
  const merged = mergeHistograms(encoded, Object.fromEntries([...names].map((k) => [k, units[k] ?? parts.find((hs) => hs[k])?.[k].unit ?? 'ns'])));
  for (const k of names) {
    merged[k] ??= { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, unit: units[k] ?? 'ns' };
    // A decoded histogram knows its max only to its bucket; each part's own max was exact, so the max of them is.
    const max = Math.max(0, ...parts.map((hs) => (hs[k]?.count ? hs[k].max : 0)));
    const h = merged[k];
    if (h.count) { h.max = max; if (h.spectrum?.length) h.spectrum[h.spectrum.length - 1] = [100, max]; }
  }
  return merged;
}
