// What crosses the queue: data only. A job names the scenario, variant(s), parameters, block id, seeds
// and each patch file's SHA-256; a worker runs it only with its own built-ins and --patch files of
// the same hashes, and only at the same pagestorm version. A result is the runs and the machine.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Params, Scenario } from '../scenarios/types.js';
import type { RunResult } from '../report/schema.js';
import type { Registry } from '../patch/registry.js';

export const QUEUE_NAME = 'pagestorm';

/** This install's version (package.json), which a job must match. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface BlockJob {
  version: string;
  scenario: string;
  params: Params;
  /** compare: the block's two runs in ABBA order; sweep: one run. */
  runs: { variant: string; seed: number; label: string }[];
  block: number;
  durationS: number;
  warmupS: number;
  patches: { file: string; sha256: string }[];
  /** soak: seconds per interval; the worker returns the run with its interval summaries. */
  intervalS?: number;
}

export interface BlockResult {
  machine: string;
  runs: (RunResult & { label: string })[];
}

/** The patch files a scenario runs with, by file name and hash (paths stay on each machine). */
export function patchesOf(sc: Scenario): BlockJob['patches'] {
  return (sc.patches ?? []).map((p) => ({ file: basename(p.path), sha256: p.sha256 })).sort((a, b) => a.sha256.localeCompare(b.sha256));
}

/** Why this worker must not run the job, or undefined when it may. */
export function refusalOf(job: BlockJob, reg: Registry): string | undefined {
  if (job.version !== VERSION) return `pagestorm ${job.version} on the coordinator, ${VERSION} on this worker: versions must match`;
  const sc = reg.find(job.scenario);
  if (!sc) return `scenario ${JSON.stringify(job.scenario)} is not known here (a patch scenario: start the worker with its --patch file)`;
  const mine = patchesOf(sc);
  const have = new Set(mine.map((p) => p.sha256));
  const missing = job.patches.find((p) => !have.has(p.sha256));
  if (missing) return `patch ${missing.file} (sha256 ${missing.sha256.slice(0, 12)}…) is not among this worker's files: give the worker the same file with --patch`;
  const want = new Set(job.patches.map((p) => p.sha256));
  const extra = mine.find((p) => !want.has(p.sha256));
  if (extra) return `this worker loads patch ${extra.file} (sha256 ${extra.sha256.slice(0, 12)}…), which the coordinator does not: the runs would differ`;
  const unknown = job.runs.find((r) => !sc.variants.some((v) => v.name === r.variant));
  if (unknown) return `variant ${JSON.stringify(unknown.variant)} is not known here for ${sc.name}`;
  return undefined;
}
