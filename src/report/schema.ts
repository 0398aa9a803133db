// The result document of one run (what `pagestorm run --json` prints and --out writes). Types only.

export interface HistogramSummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  unit: string;
}

export interface RateReport {
  rate: number;
  successes: number;
  trials: number;
}

export interface ForbiddenReport {
  kind: string;
  count: number;
  firstAtMs: number;
  detail: string;
}

export interface EnvReport {
  cpuModel: string;
  cores: number;
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
}
