// Realistic compare results without running a scenario: synthetic runs of migration-entry-wait
// (wait-locked vs put-and-wait) with real hdr histograms and spectra, put through the real
// compareVariants, so the HTML report can be rendered and checked in a browser in milliseconds.
import * as hdr from 'hdr-histogram-js';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import {
  compareVariants, derivedMetric, histogramMetric, rateMetric, type MetricSpec, type RunSummary,
} from '../../src/report/compare.js';
import type { CompareResult, RunResult, SequentialLook, SequentialReport } from '../../src/report/schema.js';
import { mulberry32 } from '../../src/report/rng.js';
import { sequentialBounds, zOfP } from '../../src/report/stats/group-sequential.js';
import { mergeHistograms } from '../../src/run/histograms.js';

/** How one variant behaves: its migration success rate and latency medians (ns); runs scatter around these. */
export interface VariantModel { success: number; eagainPerFail: number; migrationNs: number; faultWaitNs: number; refHoldNs: number }

export const WAIT_LOCKED: VariantModel = { success: 0.35, eagainPerFail: 3.1, migrationNs: 150_000, faultWaitNs: 22_000, refHoldNs: 40_000 };
export const PUT_AND_WAIT: VariantModel = { success: 0.97, eagainPerFail: 1.4, migrationNs: 42_000, faultWaitNs: 19_000, refHoldNs: 320 };

const SCENARIO = 'migration-entry-wait';
const PARAMS = { faulters: 2, migrators: 1, pages: 1, mapcount: 0, backing: 'anon', moveMapping: 'check-under-lock' };
const HIST_UNITS = { migration: 'ns', faultWait: 'ns', refHold: 'ns', sleepsPerWait: 'count' };

/** The metrics the real compare uses for this scenario (metricsFor): primary rate, derived, ns p50/p99. */
export const FIXTURE_METRICS: MetricSpec[] = [
  rateMetric('migrationSuccess'),
  derivedMetric('eagainPerMigration', 'lower'), derivedMetric('attemptsPerMigration', 'lower'),
  ...['migration', 'faultWait', 'refHold'].flatMap((k) => [histogramMetric(k, 'p50'), histogramMetric(k, 'p99')]),
];

// Box–Muller on the seeded generator: one standard normal draw.
function gauss(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

// A latency histogram: log-normal body around `median` with a 3% tail 20x out, so the spectrum spans > 100x.
function latencyHistogram(rnd: () => number, median: number, n: number): string {
  const h = hdr.build();
  for (let i = 0; i < n; i++) {
    const tail = rnd() < 0.03;
    h.recordValue(Math.max(1, Math.round((tail ? 20 * median : median) * Math.exp((tail ? 0.8 : 0.35) * gauss(rnd)))));
  }
  return hdr.encodeIntoCompressedBase64(h);
}

function smallCounts(rnd: () => number, n: number): string {
  const h = hdr.build();
  for (let i = 0; i < n; i++) h.recordValue(1 + Math.floor(-Math.log(1 - rnd()) * 0.4));
  return hdr.encodeIntoCompressedBase64(h);
}

/** One synthetic run of `variant` with every RunResult field filled; deterministic in seed. */
export function fakeRun(variant: string, m: VariantModel, seed: number): RunResult {
  const rnd = mulberry32(seed);
  const runFactor = Math.exp(0.06 * gauss(rnd));
  const migratePages = 3000 + Math.floor(400 * rnd());
  const success = Math.min(0.999, Math.max(0.001, m.success + 0.03 * gauss(rnd)));
  const migrateSucceeded = Math.round(migratePages * success);
  const fails = migratePages - migrateSucceeded;
  const eagain = Math.round(fails * m.eagainPerFail * runFactor + 0.02 * migratePages);
  const migrateAttempts = migratePages + eagain;
  const faults = 40_000 + Math.floor(5000 * rnd());
  const counters = { migratePages, migrateSucceeded, migrateAttempts, eagain1: Math.min(eagain, migratePages), faults, migrationEntryWaits: Math.round(faults * 0.3), unmapRemap: migrateAttempts };
  const histograms = mergeHistograms([{
    migration: latencyHistogram(rnd, m.migrationNs * runFactor, migratePages),
    faultWait: latencyHistogram(rnd, m.faultWaitNs * runFactor, counters.migrationEntryWaits),
    refHold: latencyHistogram(rnd, m.refHoldNs * runFactor, counters.migrationEntryWaits),
    sleepsPerWait: smallCounts(rnd, counters.migrationEntryWaits),
  }], HIST_UNITS);
  return {
    scenario: SCENARIO, variant, knownBuggy: variant === 'wait-locked', params: { ...PARAMS, seed },
    memConfig: { pages: 16, tasks: 3, cpus: 3, mms: 2, ptesPerMm: 1, files: 1, slotsPerFile: 1, pagesPerBlock: 64, simulateCosts: true },
    seed, env: { cpuModel: 'Fixture CPU @ 2.0GHz', cores: 2, node: 'v20.20.2', platform: 'linux', gitCommit: 'bd6c637', hostname: 'fixture' },
    startedAt: new Date(Date.UTC(2025, 0, 1, 12, 0, seed % 60)).toISOString(), durationS: 5.01 + 0.01 * (seed % 3), warmupS: 0.5,
    counters,
    derived: { eagainPerMigration: eagain / migratePages, attemptsPerMigration: migrateAttempts / migratePages, unmapRemapPerSuccess: migrateAttempts / Math.max(1, migrateSucceeded) },
    rates: { migrationSuccess: { rate: migrateSucceeded / migratePages, successes: migrateSucceeded, trials: migratePages } },
    histograms, forbidden: [], quiescence: { checked: true, violations: [] },
    cpuShare: 0.97 + 0.02 * rnd(), threadCpuMs: [4810, 4795, 4902].map((x) => Math.round(x * runFactor)), warnings: [], interrupted: false, complete: true,
  };
}

export interface FixtureOptions {
  labels?: [string, string];
  models?: [VariantModel, VariantModel];
  /** Runs per side (default 6). */
  runs?: number;
  seed?: number;
}

// Run i of the ABBA order gets seed base + i, as compareRuns does.
function abbaRuns(labels: [string, string], models: [VariantModel, VariantModel], blocks: number, seed: number): { order: string[]; runs: Record<string, RunResult[]> } {
  const order: string[] = [];
  for (let i = 0; i < blocks; i++) order.push(...(i % 2 === 0 ? labels : [labels[1], labels[0]]));
  const runs: Record<string, RunResult[]> = { [labels[0]]: [], [labels[1]]: [] };
  order.forEach((l, i) => {
    const side = l === labels[0] ? 0 : 1;
    runs[l].push(fakeRun(l.replace(/′$/, ''), models[side], seed + i));
  });
  return { order, runs };
}

const asSummaries = (rs: RunResult[]): RunSummary[] => rs as unknown as RunSummary[];

/** A fixed-n compare: wait-locked (A) vs put-and-wait (B), 6 runs a side, primary migrationSuccess. */
export function fixtureCompare(o: FixtureOptions = {}): CompareResult {
  const labels = o.labels ?? ['wait-locked', 'put-and-wait'];
  const { order, runs } = abbaRuns(labels, o.models ?? [WAIT_LOCKED, PUT_AND_WAIT], o.runs ?? 6, o.seed ?? 1000);
  const table = compareVariants(FIXTURE_METRICS, asSummaries(runs[labels[0]]), asSummaries(runs[labels[1]]), { primary: 'migrationSuccess' });
  return {
    scenario: SCENARIO, variants: [labels[0], labels[1].replace(/′$/, '')], labels, params: PARAMS, repeat: o.runs ?? 6, order, runs,
    ...table, interrupted: false, warnings: [],
  };
}

/** An A/A compare of wait-locked with itself: labels ['wait-locked', 'wait-locked′']. */
export function fixtureAA(): CompareResult {
  return fixtureCompare({ labels: ['wait-locked', 'wait-locked′'], models: [WAIT_LOCKED, WAIT_LOCKED], seed: 2000 });
}

/**
 * A sequential compare (looks from block 3, at most maxRepeat blocks) with a modest effect, so it
 * takes a few looks: the same plan, looks and stopping rule as compareRuns, on synthetic runs.
 */
export function fixtureSequential(maxRepeat = 8, alpha = 0.05): CompareResult {
  const labels: [string, string] = ['wait-locked', 'put-and-wait'];
  const b: VariantModel = { ...WAIT_LOCKED, success: WAIT_LOCKED.success + 0.05, migrationNs: 140_000 };
  const all = abbaRuns(labels, [WAIT_LOCKED, b], maxRepeat, 3000);
  const blocks = Array.from({ length: maxRepeat - 2 }, (_, i) => 3 + i);
  const bounds = sequentialBounds(blocks.map((k) => k / maxRepeat), alpha);
  const plan = blocks.map((block, i) => ({ block, information: bounds.times[i], bound: bounds.z[i], nominalAlpha: 2 * (1 - normalCdf(bounds.z[i], 0, 1)), alphaSpent: bounds.spent[i] }));
  const upTo = (k: number, primaryAlpha: number) => compareVariants(FIXTURE_METRICS, asSummaries(all.runs[labels[0]].slice(0, k)), asSummaries(all.runs[labels[1]].slice(0, k)),
    { alpha, primary: 'migrationSuccess', primaryOnly: true, primaryAlpha });
  const looks: SequentialLook[] = [];
  let stoppedBy: SequentialReport['stoppedBy'] = 'max-repeat';
  for (const p of plan) {
    const row = upTo(p.block, p.nominalAlpha).rows.find((r) => r.metric === 'migrationSuccess')!;
    const z = row.p === null ? null : zOfP(row.p);
    looks.push({ block: p.block, information: p.information, bound: p.bound, nominalAlpha: p.nominalAlpha, p: row.p, z, crossed: z !== null && z >= p.bound });
    if (looks[looks.length - 1].crossed) { stoppedBy = 'boundary'; break; }
  }
  const last = looks[looks.length - 1];
  const runs = { [labels[0]]: all.runs[labels[0]].slice(0, last.block), [labels[1]]: all.runs[labels[1]].slice(0, last.block) };
  return {
    scenario: SCENARIO, variants: labels, labels, params: PARAMS, repeat: last.block, order: all.order.slice(0, 2 * last.block), runs,
    ...upTo(last.block, last.nominalAlpha), interrupted: false,
    warnings: ['sequential compare: the 95% CIs are not adjusted for the looks (they are a little too narrow after an early stop)'],
    sequential: { maxRepeat, spending: "Lan-DeMets, O'Brien-Fleming-like (alpha/2 a side)", plan, looks, stoppedAtBlock: last.block, stoppedBy },
  };
}
