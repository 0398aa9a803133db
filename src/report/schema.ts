// The result documents: one run (what `pagestorm run --json` prints and --out writes) and a compare. Types only.
import type { ComparisonTable } from './compare.js';
import type { PlannedLook, SequentialLook } from './sequential.js';

export type { SequentialLook };

export interface HistogramSummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  unit: string;
  /** The whole histogram in HdrHistogram's compressed base64 encoding (V2), so merged results lose nothing. */
  hdr?: string;
  /** [percentile 0..100, value] log-spaced in 1/(1 − p) up to count, the max last (report/spectrum.ts); absent when empty or older. */
  spectrum?: [number, number][];
}

export interface RateReport {
  rate: number;
  successes: number;
  trials: number;
  /** The run's spin before Atomics.wait (--spin-ns): wake latency, and so every contention rate, depends on it. */
  spinNs?: number;
}

export interface ForbiddenReport {
  kind: string;
  count: number;
  firstAtMs: number;
  detail: string;
}

export interface EnvReport {
  cpuModel: string;
  /** Cores this process may run on (the affinity mask honoured). */
  cores: number;
  /** CPUs the machine has online, whatever the mask. */
  onlineCpus?: number;
  /** /proc/self/status Cpus_allowed_list: the affinity a user set with taskset (null off Linux). */
  cpusAllowed?: string | null;
  /** The label merged results group runs by (PAGESTORM_MACHINE, else the hostname). */
  machine?: string;
  node: string;
  platform: string;
  gitCommit: string | null;
  hostname: string;
}

export interface RunResult {
  scenario: string;
  variant: string;
  knownBuggy: boolean;
  params: Record<string, number | string | boolean>;
  /** The shared memory's sizes (pages, tasks, cpus, mms, ...). */
  memConfig: Record<string, number | boolean>;
  seed: number;
  env: EnvReport;
  /** false in a snapshot written while the run goes on (a kill leaves the last one). */
  complete: boolean;
  startedAt: string;
  durationS: number;
  warmupS: number;
  counters: Record<string, number>;
  derived: Record<string, number>;
  rates: Record<string, RateReport>;
  histograms: Record<string, HistogramSummary>;
  forbidden: ForbiddenReport[];
  quiescence: { checked: boolean; violations: { kind: string; detail: string }[] };
  cpuShare: number;
  threadCpuMs: number[];
  warnings: string[];
  interrupted: boolean;
  error?: string;
  /** The role that crashed, with its stack, when one did. */
  crashed?: { role: string; tid: number; stack: string };
  /** The kernel commit or version the variant models (its VariantSpec.kernel). */
  kernel?: string;
  /** compare: the ABBA block the run belongs to; sweep: the run's index in the unsharded plan. */
  block?: number;
  /** The shard (--shard i/n) or queue worker that ran it. */
  shard?: string;
  /** The patch files (--patch) loaded for the run, with their SHA-256. */
  patches?: { path: string; sha256: string }[];
}

export interface SequentialReport {
  maxRepeat: number;
  spending: string;
  /** Every planned look (block numbers), with the bound in |z| and as a nominal two-sided alpha. */
  plan: PlannedLook[];
  looks: SequentialLook[];
  stoppedAtBlock: number;
  /** 'boundary' (a verdict), 'max-repeat' (no verdict within the budget) or 'interrupted'. */
  stoppedBy: 'boundary' | 'max-repeat' | 'interrupted';
}

export interface CompareResult extends ComparisonTable {
  scenario: string;
  variants: [string, string];
  /** How the two sides are labelled: the variant names, or 'x' and 'x′' for an A/A compare of x with itself. */
  labels: [string, string];
  params: Record<string, number | string | boolean>;
  /** ABBA blocks run (each variant ran this many times, fewer if interrupted). */
  repeat: number;
  order: string[];
  runs: Record<string, RunResult[]>;
  interrupted: boolean;
  warnings: string[];
  sequential?: SequentialReport;
}

