// A soak's results document without running one: a run from the compare fixture, twelve synthetic
// intervals (one rate, two latency histograms, the main process) and the drift report over them.
import type { IntervalSummary } from '../../src/report/drift.js';
import { driftReport } from '../../src/report/drift.js';
import type { SoakDoc } from '../../src/report/soak-report.js';
import { fakeRun, WAIT_LOCKED } from './compare-fixture.js';
import { mulberry32 } from '../../src/report/rng.js';

/** n intervals of 10 s; `rssGrowth` MB per interval makes the memory drift. */
export function fixtureIntervals(n = 12, rssGrowth = 0): IntervalSummary[] {
  const rnd = mulberry32(5);
  return Array.from({ length: n }, (_, i) => {
    const trials = 20_000 + Math.floor(1000 * rnd());
    const successes = Math.round(trials * (0.9 + 0.01 * (rnd() - 0.5)));
    const lat = (base: number) => ({ count: 10_000, p50: Math.round(base * (1 + 0.05 * rnd())), p99: Math.round(base * 8 * (1 + 0.2 * rnd())), max: Math.round(base * 40 * (1 + rnd())), unit: 'ns' });
    return {
      index: i, startS: 10 * i, endS: 10 * (i + 1), counters: { migratePages: trials, migrateSucceeded: successes },
      rates: { migrationSuccess: { successes, trials, rate: successes / trials } },
      histograms: { migration: lat(5600), faultWait: lat(4000) }, forbiddenSoFar: 0,
      process: { rssMB: 115 + rssGrowth * i + 0.3 * (i % 3), heapUsedMB: 20 + 0.2 * (i % 4), loopDelayMs: { p50: 10.1, p99: 11, max: 12 + rnd() } },
    };
  });
}

export function fixtureSoak(): SoakDoc {
  const intervals = fixtureIntervals();
  return { ...fakeRun('put-and-wait', WAIT_LOCKED, 3), intervalS: 10, intervals, drift: driftReport(intervals) };
}
