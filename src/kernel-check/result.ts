// A kernel's boots as one result document shaped like `run`'s RunResult (counters summed, rates
// pooled, per-trial figures as histograms), plus the guest's trials, each of which is the unit
// when two kernels are compared.
import type { EnvReport, RunResult } from '../report/schema.js';
import type { GuestEnv, GuestTrialBase } from './console-parse.js';
import { medianOf, sumOf, type GuestWorkload } from './guest-workload.js';
import type { MovePagesTrial } from './move-pages-workload.js';
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

export type TrialRecord<T extends GuestTrialBase = MovePagesTrial> = T & { boot: number };

export interface KernelRunResult<T extends GuestTrialBase = MovePagesTrial> extends RunResult {
  env: KernelCheckEnv;
  /** What --kernel said: a path or debian:<package>. */
  kernelSpec: string;
  trials: TrialRecord<T>[];
  boots: BootRecord[];
}

/** The sentence every kernel-check result carries under TCG. */
export const TCG_WARNING = 'TCG: each vCPU is a host thread and TLB flushes and IPIs are emulated, so read directions and orders of magnitude (fails every call vs never), not hardware timings or rates';
export const KVM_NOTE = 'KVM: vCPUs run on the host CPU, but the host is shared and small: timings are still not those of bare metal';

export interface KernelRunInput<T extends GuestTrialBase> {
  workloadSpec: GuestWorkload<T>;
  spec: string;
  label: string;
  workload: string;
  params: Record<string, number | string | boolean>;
  env: Omit<KernelCheckEnv, 'guestRelease' | 'guestVersion' | 'guestNodes' | 'guestCpus'>;
  guest: GuestEnv | undefined;
  trials: TrialRecord<T>[];
  boots: BootRecord[];
  startedAt: string;
  interrupted: boolean;
  extraWarnings: string[];
}

export function kernelRunResult<T extends GuestTrialBase>(i: KernelRunInput<T>): KernelRunResult<T> {
  const parts = i.workloadSpec.runParts(i.trials);
  const warnings = [i.env.accel === 'tcg' ? TCG_WARNING : KVM_NOTE, ...i.extraWarnings, ...parts.warnings];
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
    durationS: sumOf(i.trials, 'seconds'),
    warmupS: 0,
    counters: parts.counters,
    derived: { ...parts.derived, bootS: medianOf(i.boots.map((b) => b.bootS)) },
    rates: parts.rates,
    histograms: parts.histograms,
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
