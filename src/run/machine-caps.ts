// Role counts are bounded by what this machine can hold, not by constants: threads against the cores
// this process may run on, the SharedArrayBuffer against the largest buffer and the memory, and each
// role thread's own heap against the memory. --oversubscribe lifts the thread bound only.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { computeLayout } from '../shared/layout.js';
import type { Params, Scenario } from '../scenarios/types.js';
import { InputError } from './params.js';

/** Busy roles per core before a run is refused: past 2x the figures measure the scheduler, not the model. */
export const OVERSUBSCRIBE_FACTOR = 2;
/** What one role thread costs beyond the shared buffer (a V8 isolate, piscina, the histograms' wasm heap), measured at ~20 MB RSS. */
export const MB_PER_THREAD = 32;
/** Share of the memory a run may take (the rest is the OS, the main thread and other users). */
const MEMORY_SHARE = 0.5;
/** The largest SharedArrayBuffer V8 makes on 64-bit Linux (2^31 Int32 words would overflow the indices anyway). */
const SAB_MAX_BYTES = 2 ** 31 - 1;

export interface MachineLimits {
  cores: number;
  memoryBytes: number;
  /** Where memoryBytes came from: 'cgroup' (a container limit) or 'total'. */
  memorySource: 'cgroup' | 'total';
}

/** The cgroup v2 (or v1) memory limit of this process, when it has one lower than the machine's memory. */
function cgroupMemoryBytes(): number | undefined {
  for (const f of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const v = Number(readFileSync(f, 'utf8').trim());
      if (Number.isFinite(v) && v > 0 && v < os.totalmem()) return v;
    } catch { /* no such controller */ }
  }
  return undefined;
}

export function machineLimits(): MachineLimits {
  const cg = cgroupMemoryBytes();
  // availableParallelism honours the affinity mask (taskset), as the scheduler will.
  return { cores: os.availableParallelism(), memoryBytes: cg ?? os.totalmem(), memorySource: cg ? 'cgroup' : 'total' };
}

const mb = (b: number): string => `${Math.round(b / 2 ** 20)} MB`;

/** The role-count flags a user set, for the message (e.g. "--faulters 40 --migrators 8"). */
function roleFlags(sc: Scenario, p: Params): string {
  return sc.params.filter((s) => s.role).map((s) => `--${s.flag} ${p[s.key]}`).join(' ');
}

/**
 * Throws InputError (exit 2) when the scenario at these parameters needs more than the machine holds:
 * threads > OVERSUBSCRIBE_FACTOR x cores (unless oversubscribe), a buffer over the V8 maximum, or
 * buffer + threads over half the memory. Returns the roles' count.
 */
export function checkMachineCaps(sc: Scenario, p: Params, variant: string, o: { oversubscribe?: boolean; limits?: MachineLimits } = {}): number {
  const lim = o.limits ?? machineLimits();
  const roles = sc.roles(p, variant).length;
  const flags = roleFlags(sc, p);
  const threadCap = OVERSUBSCRIBE_FACTOR * lim.cores;
  if (roles > threadCap && !o.oversubscribe) {
    throw new InputError(`${sc.name} ${flags}: ${roles} role threads, but this process may run on ${lim.cores} core(s) and past ${threadCap} (${OVERSUBSCRIBE_FACTOR}x) the figures measure the scheduler, not the contention; use fewer, run where more cores are allowed (taskset), or pass --oversubscribe for an oversubscription experiment`);
  }
  const sabBytes = computeLayout(sc.memConfig({ ...p, seed: 0 })).totalWords * 4;
  if (sabBytes > SAB_MAX_BYTES) throw new InputError(`${sc.name} ${flags}: the shared memory would be ${mb(sabBytes)}, over the largest SharedArrayBuffer (${mb(SAB_MAX_BYTES)}); use fewer pages or roles`);
  const need = sabBytes + roles * MB_PER_THREAD * 2 ** 20;
  const have = lim.memoryBytes * MEMORY_SHARE;
  if (need > have) {
    throw new InputError(`${sc.name} ${flags}: needs about ${mb(need)} (${mb(sabBytes)} shared memory + ${roles} threads x ${MB_PER_THREAD} MB), over half of this machine's ${mb(lim.memoryBytes)} (${lim.memorySource === 'cgroup' ? 'the container\'s cgroup limit' : 'total memory'}); use fewer roles or pages`);
  }
  return roles;
}
