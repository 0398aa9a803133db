// What a kernel-check workload (a scenario's real-kernel twin, kernel-check/workloads/<name>.c) tells
// the check: its /init words, the guest it needs, how a trial becomes a compare unit, how a kernel's
// trials become a run-shaped result, its table row, and the model run that matches a kernel.
import type { MetricSpec, RunSummary } from '../report/compare.js';
import type { HistogramSummary, RunResult } from '../report/schema.js';
import type { GuestTrialBase } from './console-parse.js';
import type { KernelCheckOptions } from './check.js';
import type { KernelRunResult } from './result.js';

/** Memory beyond the two nodes' RAM: a pc-dimm on node 1, and kernel words. */
export interface GuestExtras {
  dimmMiB?: number;
  append?: string[];
}

/** A kernel's trials summed and pooled, in RunResult's fields. */
export interface WorkloadRunParts {
  counters: Record<string, number>;
  rates: Record<string, { successes: number; trials: number; rate: number }>;
  derived: Record<string, number>;
  histograms: Record<string, HistogramSummary>;
  /** Figures that do not hold together (e.g. /proc/vmstat deltas below what the trials did). */
  warnings: string[];
}

export interface GuestWorkload<T extends GuestTrialBase = GuestTrialBase> {
  name: string;
  /** The model scenario it is the twin of. */
  scenario: string;
  validate(o: KernelCheckOptions): void;
  /** /init's argv after "--". */
  args(o: KernelCheckOptions): string[];
  guest(o: KernelCheckOptions): GuestExtras;
  /** The longest one boot's trials may take (s), past which QEMU is ended. */
  runTimeoutS(o: KernelCheckOptions): number;
  /** The options that shape the workload, recorded in the result's params. */
  params(o: KernelCheckOptions): Record<string, number | string | boolean>;
  /** Compared with the trial as the unit; the first is the primary. */
  metrics: MetricSpec[];
  trialSummary(t: T): RunSummary;
  runParts(trials: readonly T[]): WorkloadRunParts;
  /** One boot's trials in a few words (progress on stderr). */
  bootLine(trials: readonly T[]): string;
  /** The text's first words after "kernel-check <workload>". */
  headline(p: Record<string, number | string | boolean>): string;
  tableHead: string[];
  tableRow(label: string, r: KernelRunResult<T>): (string | number)[];
  /** --with-model: the model's run matching the guest's release. */
  modelTwin(o: KernelCheckOptions, release: string, signal?: AbortSignal): Promise<RunResult>;
  /** The model's runs beside the kernels' figures, as text lines. */
  modelLines(labels: string[], kernels: Record<string, KernelRunResult<T>>, model: Record<string, RunResult>, width: number): string[];
}

/** Trials whose per-trial values are summarised (nearest-rank percentiles). */
export function summariseValues(values: readonly number[], unit: string): HistogramSummary {
  const v = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  const at = (p: number): number => (v.length ? v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))] : NaN);
  return { count: v.length, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: v.length ? v[v.length - 1] : NaN, mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN, unit };
}

/** The sum of one numeric field over trials. */
export function sumOf<T>(trials: readonly T[], key: keyof T): number {
  return trials.reduce((a, t) => a + (t[key] as unknown as number), 0);
}

export function medianOf(xs: readonly number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
}

/** A rate with its pooled value. */
export function pooled(successes: number, trials: number): { successes: number; trials: number; rate: number } {
  return { successes, trials, rate: trials ? successes / trials : NaN };
}
