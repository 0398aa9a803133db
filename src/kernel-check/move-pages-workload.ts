// kernel-check move-pages-race: the selftest's twin (kernel-check/workloads/move-pages-race.c), one
// page ping-ponged between the nodes by move_pages(2) while readers load it; a trial's call success
// rate is the compare unit, and pgmigrate_* must cover the calls.
import { InputError } from '../run/params.js';
import { derivedMetric, rateMetric, type RunSummary } from '../report/compare.js';
import { fmtNum, fmtPct, formatTable } from '../report/table.js';
import type { RunResult } from '../report/schema.js';
import type { GuestTrialBase } from './console-parse.js';
import { medianOf, pooled, sumOf, summariseValues, type GuestWorkload } from './guest-workload.js';
import { modelTwin } from './model-twin.js';
import type { KernelRunResult } from './result.js';

export const MAPPINGS = ['shared-anon', 'private-anon'] as const;

/** One trial as the guest printed it. */
export interface MovePagesTrial extends GuestTrialBase {
  calls: number;
  failures: number;
  /** move_pages returned > 0: pages not migrated. */
  retPositive: number;
  /** move_pages returned < 0 (lastErrno holds the errno). */
  retError: number;
  /** status[0] < 0: a -errno for the page. */
  statusError: number;
  /** status[0] a node other than the target. */
  statusOtherNode: number;
  /** 1-based index of the first failed call; -1 when none failed. */
  callsToFirstFailure: number;
  longestFailureRun: number;
  lastErrno: number;
  lastStatus: number;
}

const COUNTERS = ['calls', 'failures', 'retPositive', 'retError', 'statusError', 'statusOtherNode', 'pgmigrateSuccess', 'pgmigrateFail'] as const;

function derivedOf(calls: number, failures: number, seconds: number, longest: number): Record<string, number> {
  return {
    failuresPer1000Calls: calls ? (1000 * failures) / calls : NaN,
    callsPerFailure: failures ? calls / failures : NaN, // the geometric MLE; NaN with no failure
    callsPerSecond: seconds > 0 ? calls / seconds : NaN,
    longestFailureRun: longest,
  };
}

/** One trial as a compare unit: the call success rate, failures per 1000 calls, calls/s, the longest failure run. */
export function movePagesTrialSummary(t: MovePagesTrial): RunSummary {
  return {
    counters: Object.fromEntries(COUNTERS.map((k) => [k, t[k]])),
    rates: { movePagesSuccess: { successes: t.calls - t.failures, trials: t.calls } },
    histograms: {},
    derived: derivedOf(t.calls, t.failures, t.seconds, t.longestFailureRun),
  };
}

/** Trials whose /proc/vmstat deltas cannot hold their calls: fewer pgmigrate_success than successful calls, or fewer pgmigrate_fail than ret > 0. */
export function counterMismatches(trials: readonly MovePagesTrial[]): string[] {
  return trials.flatMap((t) => {
    const ok = t.calls - t.failures;
    const out: string[] = [];
    if (t.pgmigrateSuccess < ok) out.push(`trial ${t.trial}: pgmigrate_success +${t.pgmigrateSuccess} < ${ok} successful calls`);
    if (t.pgmigrateFail < t.retPositive) out.push(`trial ${t.trial}: pgmigrate_fail +${t.pgmigrateFail} < ${t.retPositive} calls that returned > 0`);
    return out;
  });
}

export const movePagesWorkload: GuestWorkload<MovePagesTrial> = {
  name: 'move-pages-race',
  scenario: 'move-pages-race',
  validate(o) {
    if (!(MAPPINGS as readonly string[]).includes(o.mapping)) throw new InputError(`--mapping ${JSON.stringify(o.mapping)}: expected one of ${MAPPINGS.join(', ')}`);
    if (!Number.isInteger(o.readers) || o.readers < 0 || o.readers > 64) throw new InputError(`--readers ${o.readers}: expected a whole number 0..64`);
  },
  args: (o) => ['--mapping', o.mapping, '--readers', String(o.readers), '--duration', String(o.durationS), '--trials', String(o.trials)],
  guest: () => ({}),
  runTimeoutS: (o) => o.trials * (o.durationS + 30) + 30, // a move_pages call can outlast --duration under TCG
  params: (o) => ({ mapping: o.mapping, readers: o.readers }),
  metrics: [
    rateMetric('movePagesSuccess'),
    derivedMetric('failuresPer1000Calls', 'lower'),
    derivedMetric('longestFailureRun', 'lower'),
    derivedMetric('callsPerSecond', 'higher'),
  ],
  trialSummary: movePagesTrialSummary,
  runParts(trials) {
    const calls = sumOf(trials, 'calls');
    const failures = sumOf(trials, 'failures');
    const passed = trials.filter((t) => t.failures === 0).length;
    return {
      counters: Object.fromEntries(COUNTERS.map((k) => [k, sumOf(trials, k)])),
      rates: { movePagesSuccess: pooled(calls - failures, calls), trialPassed: pooled(passed, trials.length) },
      derived: derivedOf(calls, failures, sumOf(trials, 'seconds'), Math.max(0, ...trials.map((t) => t.longestFailureRun))),
      histograms: {
        callsToFailure: summariseValues(trials.map((t) => (t.callsToFirstFailure > 0 ? t.callsToFirstFailure : NaN)), 'count'),
        failureRun: summariseValues(trials.map((t) => t.longestFailureRun), 'count'),
        callsPerSecond: summariseValues(trials.map((t) => t.calls / t.seconds), 'count'),
      },
      warnings: counterMismatches(trials).map((m) => `/proc/vmstat: ${m} (another migration in the guest, or a counting bug)`),
    };
  },
  bootLine: (trials) => trials.map((t) => `${t.failures}/${t.calls} failed`).join(', '),
  headline: (p) => `--mapping ${p.mapping} --readers ${p.readers}`,
  tableHead: ['kernel', 'uname -r', 'trials', 'calls', 'failures', 'how', 'failed calls', 'calls/failure', 'first failure (median)', 'longest run', 'calls/s (median)', 'pgmigrate ok/fail', 'trials passed'],
  tableRow(label, r) {
    const c = r.counters;
    const firsts = r.trials.map((t) => (t.callsToFirstFailure > 0 ? t.callsToFirstFailure : NaN));
    const how = [c.retPositive && `ret>0 ${c.retPositive}`, c.retError && `ret<0 ${c.retError}`, c.statusError && `status<0 ${c.statusError}`, c.statusOtherNode && `other node ${c.statusOtherNode}`].filter(Boolean).join(', ');
    return [label, r.env.guestRelease || '?', r.trials.length, c.calls ?? 0, c.failures ?? 0, how || '–', fmtPct(1 - (r.rates.movePagesSuccess?.rate ?? NaN), 2),
      fmtNum(r.derived.callsPerFailure), fmtNum(medianOf(firsts)), fmtNum(r.derived.longestFailureRun), fmtNum(medianOf(r.trials.map((t) => t.calls / t.seconds))),
      `${c.pgmigrateSuccess ?? 0}/${c.pgmigrateFail ?? 0}`, `${r.rates.trialPassed?.successes ?? 0}/${r.rates.trialPassed?.trials ?? 0}`];
  },
  modelTwin: (o, release, signal) => modelTwin({ mapping: o.mapping, readers: o.readers, release, durationS: Math.min(o.durationS, 5), signal }),
  modelLines(labels, kernels, model, width) {
    const rows = labels.map((l) => {
      const m = model[l] as RunResult;
      const ok = m.rates.movePagesSuccess;
      const k: KernelRunResult<MovePagesTrial> = kernels[l];
      return [l, `${m.variant} --tlb-flush ${m.params.tlbFlush}`, ok?.trials ?? 0, fmtPct(1 - (ok?.rate ?? NaN), 2), fmtNum(m.derived.callsPerFailure), fmtPct(k.rates.movePagesSuccess ? 1 - k.rates.movePagesSuccess.rate : NaN, 2)];
    });
    return ['', 'the model beside it (x86 defers the migration unmap\'s TLB flush from v6.4 on, so older kernels are matched with --tlb-flush eager):',
      formatTable(['kernel', 'model run', 'model calls', 'model failed calls', 'model calls/failure', 'kernel failed calls'], rows, { width, lead: 1 })];
  },
};
