// One soak interval as the result document keeps it: the counters that moved, the rates, each
// histogram's count/p50/p99/max, the forbidden outcomes so far, the process figures. Used by soak and
// by a queue worker running a soak block.
import type { IntervalReport } from './run-once.js';
import { mergeHistograms } from './histograms.js';
import type { IntervalSummary } from '../report/drift.js';
import type { Scenario } from '../scenarios/types.js';

export function intervalSummary(sc: Scenario, iv: IntervalReport): IntervalSummary {
  const units = Object.fromEntries(Object.entries(sc.histograms).map(([k, h]) => [k, h.unit]));
  const merged = mergeHistograms(iv.encoded, units);
  const rates = Object.fromEntries(Object.entries(sc.rates(iv.counters)).map(([k, r]) => [k, { ...r, rate: r.trials ? r.successes / r.trials : NaN }]));
  return {
    // Only the counters that moved: a day of 10-s intervals stays a few MB in memory and in --out.
    index: iv.index, startS: iv.startS, endS: iv.endS, counters: Object.fromEntries(Object.entries(iv.counters).filter(([, v]) => v !== 0)), rates,
    histograms: Object.fromEntries(Object.entries(merged).map(([k, h]) => [k, { count: h.count, p50: h.p50, p99: h.p99, max: h.max, unit: h.unit }])),
    forbiddenSoFar: iv.forbiddenSoFar, process: iv.process,
  };
}
