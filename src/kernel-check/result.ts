// A kernel's boots as one result document shaped like `run`'s RunResult (counters summed, rates
// pooled, per-trial figures as histograms), plus the guest's trials, each of which is the unit
// when two kernels are compared.
import type { EnvReport, HistogramSummary, RunResult } from '../report/schema.js';
import type { RunSummary } from '../report/compare.js';
import type { GuestEnv, GuestTrial } from './console-parse.js';
import type { Accel } from './qemu-args.js';

export interface KernelCheckEnv extends EnvReport {
  /** The guest's uname -r and /proc/version. */
  guestRelease: string;
  guestVersion: string;
  guestNodes: number;
  guestCpus: number;
  accel: Accel;
  /** The first boot's QEMU command line, shell-quoted. */
  qemuCommand: string;
}

export interface BootRecord {
  /** Position in the ABBA order. */
  index: number;
  bootS: number;
  totalS: number;
  qemuExit: number | null;
}

export type TrialRecord = GuestTrial & { boot: number };

export interface KernelRunResult extends RunResult {
  env: KernelCheckEnv;
  /** What --kernel said: a path or debian:<package>. */
  kernelSpec: string;
  trials: TrialRecord[];
  boots: BootRecord[];
}

/** The sentence every kernel-check result carries under TCG. */
export const TCG_WARNING = 'TCG: each vCPU is a host thread and TLB flushes and IPIs are emulated, so read directions and orders of magnitude (fails every call vs never), not hardware timings or rates';
export const KVM_NOTE = 'KVM: vCPUs run on the host CPU, but the host is shared and small: timings are still not those of bare metal';

/** One trial as a compare unit: the call success rate, failures per 1000 calls, calls/s, the longest failure run. */
export function trialSummary(t: GuestTrial): RunSummary {
  return {
    counters: counterRow(t),
    rates: { movePagesSuccess: { successes: t.calls - t.failures, trials: t.calls } },
    histograms: {},
    derived: derivedOf(t.calls, t.failures, t.seconds, t.longestFailureRun),
  };
}

function counterRow(t: GuestTrial): Record<string, number> {
  const { calls, failures, retPositive, retError, statusError, statusOtherNode, pgmigrateSuccess, pgmigrateFail } = t;
  return { calls, failures, retPositive, retError, statusError, statusOtherNode, pgmigrateSuccess, pgmigrateFail };
}

function derivedOf(calls: number, failures: number, seconds: number, longest: number): Record<string, number> {
  return {
    failuresPer1000Calls: calls ? (1000 * failures) / calls : NaN,
    callsPerFailure: failures ? calls / failures : NaN, // the geometric MLE; NaN with no failure
    callsPerSecond: seconds > 0 ? calls / seconds : NaN,
    longestFailureRun: longest,
  };
}

/** A small exact summary of per-trial values (nearest-rank percentiles). */
export function summariseValues(values: readonly number[], unit: string): HistogramSummary {
  const v = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  const at = (p: number): number => (v.length ? v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))] : NaN);
  return { count: v.length, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: v.length ? v[v.length - 1] : NaN, mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN, unit };
}

/** Trials whose /proc/vmstat deltas cannot hold their calls: fewer pgmigrate_success than successful calls, or fewer pgmigrate_fail than ret > 0. */
export function counterMismatches(trials: readonly GuestTrial[]): string[] {
  return trials.flatMap((t) => {
    const ok = t.calls - t.failures;
    const out: string[] = [];
    if (t.pgmigrateSuccess < ok) out.push(`trial ${t.trial}: pgmigrate_success +${t.pgmigrateSuccess} < ${ok} successful calls`);
    if (t.pgmigrateFail < t.retPositive) out.push(`trial ${t.trial}: pgmigrate_fail +${t.pgmigrateFail} < ${t.retPositive} calls that returned > 0`);
    return out;
  });
}

export interface KernelRunInput {
  spec: string;
  label: string;
  workload: string;
  params: Record<string, number | string | boolean>;
  env: Omit<KernelCheckEnv, 'guestRelease' | 'guestVersion' | 'guestNodes' | 'guestCpus'>;
  guest: GuestEnv | undefined;
  trials: TrialRecord[];
  boots: BootRecord[];
  startedAt: string;
  interrupted: boolean;
  extraWarnings: string[];
}

export function kernelRunResult(i: KernelRunInput): KernelRunResult {
  const sum = (k: keyof GuestTrial): number => i.trials.reduce((a, t) => a + (t[k] as number), 0);
  const counters = Object.fromEntries(Object.keys(i.trials[0] ? counterRow(i.trials[0]) : counterRow({} as GuestTrial)).map((k) => [k, sum(k as keyof GuestTrial)]));
  const calls = sum('calls');
  const failures = sum('failures');
  const seconds = sum('seconds');
  const passed = i.trials.filter((t) => t.failures === 0).length;
  const mismatches = counterMismatches(i.trials);
  const warnings = [i.env.accel === 'tcg' ? TCG_WARNING : KVM_NOTE, ...i.extraWarnings,
    ...mismatches.map((m) => `/proc/vmstat: ${m} (another migration in the guest, or a counting bug)`)];
  return {
    scenario: i.workload,
    variant: i.label,
    kernelSpec: i.spec,
    knownBuggy: false,
    params: i.params,
    memConfig: { vcpus: i.params.vcpus as number, memMiB: i.params.memMiB as number, nodes: i.guest?.nodes ?? 0 },
    seed: 0,
    env: { ...i.env, guestRelease: i.guest?.release ?? '', guestVersion: i.guest?.version ?? '', guestNodes: i.guest?.nodes ?? 0, guestCpus: i.guest?.cpus ?? 0 },
    complete: !i.interrupted,
    startedAt: i.startedAt,
    durationS: seconds,
    warmupS: 0,
    counters,
    derived: { ...derivedOf(calls, failures, seconds, Math.max(0, ...i.trials.map((t) => t.longestFailureRun))), bootS: median(i.boots.map((b) => b.bootS)) },
    rates: {
      movePagesSuccess: { successes: calls - failures, trials: calls, rate: calls ? (calls - failures) / calls : NaN },
      trialPassed: { successes: passed, trials: i.trials.length, rate: i.trials.length ? passed / i.trials.length : NaN },
    },
    histograms: {
      callsToFailure: summariseValues(i.trials.map((t) => (t.callsToFirstFailure > 0 ? t.callsToFirstFailure : NaN)), 'count'),
      failureRun: summariseValues(i.trials.map((t) => t.longestFailureRun), 'count'),
      callsPerSecond: summariseValues(i.trials.map((t) => t.calls / t.seconds), 'count'),
    },
    forbidden: [],
    quiescence: { checked: false, violations: [] },
    cpuShare: NaN, // the guest's CPU time is not measured
    threadCpuMs: [],
    warnings,
    interrupted: i.interrupted,
    kernel: i.guest?.release,
    trials: i.trials,
    boots: i.boots,
  };
}

function median(xs: number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
}
