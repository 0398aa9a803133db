// One run of one scenario variant: boot the page world, start every role on its own thread at a
// barrier, warm up, measure, stop, join, check the invariants, and build the result document.
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemory, type Mem } from '../shared/memory.js';
import { C_BARRIER, C_GO, C_MEASURE, C_STOP, FORBIDDEN_KINDS } from '../shared/layout.js';
import { STAT_NAMES, sumStats } from '../shared/stats.js';
import { readForbidden, recordForbidden } from '../shared/forbidden.js';
import { makeLostWakeupWatchdog } from '../shared/watchdog.js';
import type { RolePayload, RoleResult } from '../workers/context.js';
import type { Params, Scenario } from '../scenarios/types.js';
import { createRolePool } from './pool.js';
import { runEnv } from './env.js';
import { mergeHistograms } from './histograms.js';
import { describeForbidden } from './forbidden-report.js';
import type { RunResult } from '../report/schema.js';

export type { RunResult };

export interface RunOptions {
  durationS: number;
  warmupS: number;
  seed: number;
  /** Aborting ends the run early; the partial result is still returned (interrupted = true). */
  signal?: AbortSignal;
  /** End the run as soon as a forbidden outcome is seen (for "caught in X ms"). */
  stopOnForbidden?: boolean;
  /** How long stopped roles may take to return before the run is declared hung. */
  stopGraceS?: number;
  onProgress?: (p: { elapsedS: number; phase: 'warmup' | 'measure' | 'drain'; counters: Record<string, number> }) => void;
}

const delta = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
  Object.fromEntries(STAT_NAMES.map((n) => [n, b[n] - a[n]]));

export async function runOnce(sc: Scenario, variant: string, params: Params, o: RunOptions): Promise<RunResult> {
  const v = sc.variants.find((x) => x.name === variant);
  if (!v) throw new RangeError(`unknown variant '${variant}' for ${sc.name}`);
  const p: Params = { ...params, seed: o.seed };
  const m: Mem = createMemory(sc.memConfig(p));
  sc.setup(m, p, variant);
  const roles = sc.roles(p, variant);
  if (roles.length > m.L.cfg.tasks) throw new RangeError(`${roles.length} roles but only ${m.L.cfg.tasks} tasks in memory`);
  const w = m.w;
  const c = m.L.control;
  const warnings: string[] = [];
  const startedAt = new Date().toISOString();
  const epochMs = performance.timeOrigin + performance.now();
  const pool = createRolePool(roles.length);
  const histNames = Object.keys(sc.histograms);
  let error: string | undefined;
  let interrupted = false;
  const results: (RoleResult | undefined)[] = new Array(roles.length);
  const runs = roles.map((r, tid) => {
    const payload: RolePayload = { sab: m.sab, mem: m.L.cfg, tid, role: r.role, config: r.config, task: r.task ?? {}, epochMs, histograms: histNames };
    return pool.run(payload).then(
      (res: RoleResult) => { results[tid] = res; },
      (e: Error) => { error ??= `${r.role} (task ${tid}) failed: ${e.message}`; Atomics.store(w, c + C_STOP, 1); },
    );
  });
  const allDone = Promise.all(runs);
  const stopRequested = (): boolean => interrupted || error !== undefined || o.signal?.aborted === true;
  o.signal?.addEventListener('abort', () => { interrupted = true; }, { once: true });

  // The main thread never blocks: piscina still needs its event loop to start the threads.
  while (Atomics.load(w, c + C_BARRIER) < roles.length && !stopRequested()) await sleep(2);
  const dog = makeLostWakeupWatchdog(m, sc.lostWakeupMs ?? 1000);
  const runMs = (): number => performance.timeOrigin + performance.now() - epochMs;
  const t0 = performance.now();
  Atomics.store(w, c + C_GO, 1);
  Atomics.notify(w, c + C_GO);
  const elapsedS = (): number => (performance.now() - t0) / 1000;
  const forbiddenSeen = (): boolean => o.stopOnForbidden === true && readForbidden(m).some((f) => forbiddenFor(sc, variant, f.kind));
  while (elapsedS() < o.warmupS && !stopRequested()) { dog.sample(runMs()); await sleep(20); }
  let before = sumStats(m);
  Atomics.store(w, c + C_MEASURE, 1);
  const cpu0 = process.cpuUsage();
  const tm = performance.now();
  let lastProgress = tm;
  while ((performance.now() - tm) / 1000 < o.durationS && !stopRequested() && !forbiddenSeen()) {
    dog.sample(runMs());
    await sleep(20);
    if (o.onProgress && performance.now() - lastProgress > 1000) {
      lastProgress = performance.now();
      o.onProgress({ elapsedS: elapsedS(), phase: 'measure', counters: delta(before, sumStats(m)) });
    }
  }
  if (Atomics.load(w, c + C_MEASURE) === 0) before = sumStats(m);
  const measuredS = (performance.now() - tm) / 1000;
  const cpu = process.cpuUsage(cpu0);
  Atomics.store(w, c + C_STOP, 1);
  Atomics.notify(w, c + C_GO);
  // Drain: roles finish their current operation; the watchdog keeps rescuing lost wakeups meanwhile.
  const graceMs = (o.stopGraceS ?? 10) * 1000;
  const tStop = performance.now();
  let settled = false;
  void allDone.then(() => { settled = true; });
  while (!settled && performance.now() - tStop < graceMs) { dog.sample(runMs()); await sleep(10); }
  if (!settled) {
    const missing = roles.map((r, tid) => (results[tid] ? null : `${r.role} (task ${tid})`)).filter(Boolean);
    error ??= `roles did not stop within ${graceMs / 1000} s: ${missing.join(', ')}`;
    interrupted = true;
  }
  await pool.destroy();
  if (error) interrupted = true;
  const counters = delta(before, sumStats(m));
  const quiescence = settled ? { checked: true, violations: sc.checkQuiescent(m, p, variant) } : { checked: false, violations: [] };
  for (const q of quiescence.violations) {
    if ((FORBIDDEN_KINDS as readonly string[]).includes(q.kind)) recordForbidden(m, q.kind, -1, -1, -1, -1);
  }
  const busy = Math.min(roles.length, os.availableParallelism());
  const cpuShare = measuredS > 0 ? (cpu.user + cpu.system) / 1e6 / (busy * measuredS) : 0;
  if (cpuShare < 0.9) warnings.push(`CPU share ${cpuShare.toFixed(2)} < 0.9: the machine was noisy or roles slept; contention figures may be optimistic`);
  if (roles.length > os.availableParallelism()) warnings.push(`${roles.length} busy roles on ${os.availableParallelism()} cores: oversubscribed`);
  const rates = Object.fromEntries(Object.entries(sc.rates(counters)).map(([k, r]) => [k, { rate: r.trials ? r.successes / r.trials : NaN, ...r }]));
  const done = results.filter((r): r is RoleResult => r !== undefined);
  return {
    scenario: sc.name, variant, knownBuggy: v.knownBuggy === true, params: p, seed: o.seed, env: runEnv(), startedAt,
    durationS: measuredS, warmupS: o.warmupS, counters, derived: sc.derived ? sc.derived(counters) : {}, rates,
    histograms: mergeHistograms(done.map((r) => r.histograms), Object.fromEntries(Object.entries(sc.histograms).map(([k, h]) => [k, h.unit]))),
    forbidden: describeForbidden(m, quiescence.violations).filter((f) => forbiddenFor(sc, variant, f.kind)),
    quiescence, cpuShare, threadCpuMs: done.map((r) => r.cpuMs), warnings, interrupted, error,
  };
}

/** Whether a kind counts as forbidden for this variant (scenarios may exempt, e.g. an expected livelock). */
function forbiddenFor(sc: Scenario, variant: string, kind: string): boolean {
  return sc.forbiddenFor ? sc.forbiddenFor(variant, kind) : true;
}
