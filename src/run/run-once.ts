// One run of one scenario variant: boot the page world, start every role on its own thread at a
// barrier, warm up, measure, stop, join, check the invariants, and build the result document.
import { spinNsOf } from '../shared/sleep.js';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemory, type Mem } from '../shared/memory.js';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { C_BARRIER, C_GO, C_INTERVAL, C_MEASURE, C_STOP, FORBIDDEN_KINDS, LINE, WAIT_TABLE_SIZE, WQ_MAX_HOLD } from '../shared/layout.js';
import { markMeasureStart } from '../shared/stats.js';
import { forbiddenTotal, readForbidden, recordForbidden } from '../shared/forbidden.js';
import { makeLostWakeupWatchdog } from '../shared/watchdog.js';
import { setRunEpoch } from '../shared/clock.js';
import type { IntervalMessage, RolePayload, RoleResult } from '../workers/context.js';
import type { Params, RoleSpec, Scenario, Violation } from '../scenarios/types.js';
import type { Piscina } from 'piscina';
import { createRolePool } from './pool.js';
import { runEnv } from './env.js';
import { makeHistogramTotals } from './histograms.js';
import { makeStatFolder, seedCounters } from './stat-folder.js';
import { makeProcessMonitor, type ProcessSample } from './process-stats.js';
import { describeForbidden } from './forbidden-report.js';
import { makeQuiesceAuditor } from './quiesce-audit.js';
import type { ForbiddenReport, RunResult } from '../report/schema.js';

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
  /** Soak: cut the measured part into intervals of this many seconds, reported through onInterval. */
  intervalS?: number;
  onInterval?: (iv: IntervalReport) => void;
  /** Every snapshotS seconds while measuring (at interval ends when intervalS is set): the result so far, complete: false. */
  snapshotS?: number;
  onSnapshot?: (partial: RunResult) => void;
  /** The first occurrence of each forbidden kind, as soon as the runner sees it (with its detail and state dump). */
  onForbidden?: (f: ForbiddenReport) => void;
  /** Test hook: every counter word starts at this value, so a short run drives counts past 2^31 and 2^32. */
  counterStart?: number;
}

export interface IntervalReport {
  index: number;
  /** Seconds since measuring began. */
  startS: number;
  endS: number;
  counters: Record<string, number>;
  /** Per histogram name: the roles' encoded interval histograms (merge with mergeHistograms). */
  encoded: Record<string, string>[];
  forbiddenSoFar: number;
  /** The main process at the interval's end: RSS, heap, event-loop delay. */
  process: ProcessSample;
}

const delta = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.keys(b).map((n) => [n, b[n] - (a[n] ?? 0)])); // built-in and patch counters

export async function runOnce(sc: Scenario, variant: string, params: Params, o: RunOptions): Promise<RunResult> {
  const v = sc.variants.find((x) => x.name === variant);
  if (!v) throw new RangeError(`unknown variant '${variant}' for ${sc.name}`);
  const p: Params = { ...params, seed: o.seed };
  const m: Mem = createMemory(sc.memConfig(p));
  sc.setup(m, p, variant);
  if (o.counterStart !== undefined) seedCounters(m, o.counterStart);
  const roles = sc.roles(p, variant);
  if (roles.length > m.L.cfg.tasks) throw new RangeError(`${roles.length} roles but only ${m.L.cfg.tasks} tasks in memory`);
  const w = m.w;
  const c = m.L.control;
  const warnings: string[] = [];
  const startedAt = new Date().toISOString();
  const epochMs = performance.timeOrigin + performance.now();
  setRunEpoch(epochMs); // the main thread records forbidden outcomes too (watchdog, quiescence)
  const pool = createRolePool(roles.length);
  try {
    return await runWithPool(sc, v.knownBuggy === true, variant, p, o, m, roles, pool, epochMs, startedAt, warnings);
  } finally {
    Atomics.store(w, c + C_STOP, 1); // a throw anywhere above must not leave roles running
    await pool.destroy().catch(() => {}); // idempotent: the normal path destroyed it already
  }
}

async function runWithPool(
  sc: Scenario, knownBuggy: boolean, variant: string, p: Params, o: RunOptions, m: Mem, roles: RoleSpec[],
  pool: Piscina, epochMs: number, startedAt: string, warnings: string[],
): Promise<RunResult> {
  const w = m.w;
  const c = m.L.control;
  const spinNs = spinNsOf(p); // reported next to every rate (kernel-model-v6.md D4)
  const histNames = Object.keys(sc.histograms);
  let error: string | undefined;
  let crashed: RunResult['crashed'];
  let interrupted = false;
  const results: (RoleResult | undefined)[] = new Array(roles.length);
  const intervalMsgs: IntervalMessage[] = [];
  const ports: MessagePort[] = [];
  const folder = makeStatFolder(m, sc.counters);
  const hists = makeHistogramTotals();
  const units = Object.fromEntries(Object.entries(sc.histograms).map(([k, h]) => [k, h.unit]));
  const proc = makeProcessMonitor();
  // Snapshots need the roles' histograms as they go: they ship them at interval ends.
  const intervalS = o.intervalS ?? (o.onSnapshot ? o.snapshotS ?? 10 : undefined);
  try {
    return await measureAndJoin();
  } finally {
    hists.destroy();
    proc.stop();
  }

  async function measureAndJoin(): Promise<RunResult> {
  const runs = roles.map((r, tid) => {
    const payload: RolePayload = { sab: m.sab, mem: m.L.cfg, tid, role: r.role, config: r.config, task: r.task ?? {}, epochMs, histograms: histNames, ...(r.patch ? { patch: r.patch } : {}) };
    let transferList: MessagePort[] | undefined;
    if (intervalS) {
      const ch = new MessageChannel();
      ch.port1.on('message', (msg: IntervalMessage) => intervalMsgs.push(msg));
      ports.push(ch.port1);
      payload.port = ch.port2;
      transferList = [ch.port2];
    }
    return pool.run(payload, transferList ? { transferList } : {}).then(
      (res: RoleResult) => { results[tid] = res; },
      (e: Error) => {
        if (!error) { error = `${r.role} (task ${tid}) failed: ${e.message}`; crashed = { role: r.role, tid, stack: e.stack ?? String(e) }; }
        Atomics.store(w, c + C_STOP, 1);
      },
    );
  });
  const allDone = Promise.all(runs);
  const stopRequested = (): boolean => interrupted || error !== undefined || o.signal?.aborted === true;

  // The main thread never blocks: piscina still needs its event loop to start the threads.
  while (Atomics.load(w, c + C_BARRIER) < roles.length && !stopRequested()) { folder.fold(); await sleep(2); }
  const dog = makeLostWakeupWatchdog(m, sc.lostWakeupMs ?? 1000);
  // Opt-in periodic FO4 audit (Scenario.auditEveryMs): pauses the roles that park, counts in a spare task row.
  const auditMs = sc.auditEveryMs?.(p) ?? 0;
  const auditor = auditMs > 0
    ? makeQuiesceAuditor(m, { parkers: roles.filter((r) => r.parks).length, statTid: m.L.cfg.tasks > roles.length ? roles.length : -1, stopped: stopRequested })
    : undefined;
  let lastAudit = performance.now();
  const runMs = (): number => performance.timeOrigin + performance.now() - epochMs;
  const t0 = performance.now();
  const goMs = runMs(); // forbidden outcomes are reported in ms since the roles were released
  Atomics.store(w, c + C_GO, 1);
  Atomics.notify(w, c + C_GO);
  const elapsedS = (): number => (performance.now() - t0) / 1000;
  const forbiddenSeen = (): boolean => o.stopOnForbidden === true && readForbidden(m).some((f) => forbiddenFor(sc, variant, f.kind));
  const forbiddenSeenKinds = new Set<string>();
  // Each kind's first occurrence goes out as soon as it is seen (soak: stderr and the snapshot at once).
  const watchForbidden = (): void => {
    if (!o.onForbidden) return;
    for (const f of describeForbidden(m, [], goMs)) {
      if (forbiddenSeenKinds.has(f.kind) || !forbiddenFor(sc, variant, f.kind)) continue;
      forbiddenSeenKinds.add(f.kind);
      o.onForbidden(f);
    }
  };
  while (elapsedS() < o.warmupS && !stopRequested()) { dog.sample(runMs()); folder.fold(); watchForbidden(); await sleep(20); }
  // Intervals are cut on the measured counters (zeros here), so they add up to the run's counters exactly.
  let before = folder.measured();
  // Rows no role owns (e.g. the audit's, written by this thread) are marked here; each role marks its own.
  for (let t = roles.length; t < m.L.cfg.tasks; t++) markMeasureStart(m, t);
  folder.startMeasure();
  if (!stopRequested()) Atomics.store(w, c + C_MEASURE, 1); // interrupted in the warm-up: nothing was measured
  const cpu0 = process.cpuUsage();
  const tm = performance.now();
  let lastProgress = tm;
  // Interval boundaries by index; an emitted interval's start is dropped, so a days-long soak holds two or three.
  const cuts = new Map<number, { at: number; stats: Record<string, number> }>([[0, { at: tm, stats: before }]]);
  let cutCount = 1;
  const lastCut = () => cuts.get(cutCount - 1)!;
  const addCut = (stats: Record<string, number>): void => { cuts.set(cutCount++, { at: performance.now(), stats }); };
  let emitted = 0;
  // An interval is reported once every role has shipped it, or once the next one has begun.
  const emitIntervals = (final: boolean): void => {
    while (emitted < cutCount - 1) {
      const k = emitted;
      const msgs = intervalMsgs.filter((x) => x.interval === k);
      const from = cuts.get(k)!;
      const to = cuts.get(k + 1)!;
      if (msgs.length < roles.length && !final && cutCount - 1 === k + 1 && performance.now() - to.at < 2000) return;
      const encoded = msgs.map((x) => x.histograms);
      o.onInterval?.({ index: k, startS: (from.at - tm) / 1000, endS: (to.at - tm) / 1000, counters: delta(from.stats, to.stats), encoded, forbiddenSoFar: forbiddenTotal(m), process: proc.sample() });
      // Fold the interval into the running totals and let it go: memory stays flat however long the run.
      for (const e of encoded) hists.add(e);
      for (let i = intervalMsgs.length - 1; i >= 0; i--) if (intervalMsgs[i].interval === k) intervalMsgs.splice(i, 1);
      emitted++;
      cuts.delete(k);
      if (o.onSnapshot && !final) o.onSnapshot(result(false, (to.at - tm) / 1000));
    }
  };
  while ((performance.now() - tm) / 1000 < o.durationS && !stopRequested() && !forbiddenSeen()) {
    dog.sample(runMs());
    folder.fold();
    watchForbidden();
    await sleep(20);
    if (auditor && performance.now() - lastAudit >= auditMs && !forbiddenSeen()) { await auditor.audit(); lastAudit = performance.now(); }
    if (intervalS && performance.now() - lastCut().at >= intervalS * 1000) {
      addCut(folder.measured());
      Atomics.add(w, c + C_INTERVAL, 1);
    }
    if (intervalS) emitIntervals(false);
    if (o.onProgress && performance.now() - lastProgress > 1000) {
      lastProgress = performance.now();
      o.onProgress({ elapsedS: elapsedS(), phase: 'measure', counters: folder.measured() });
    }
  }
  if (Atomics.load(w, c + C_MEASURE) === 0) before = folder.measured();
  const measuredS = (performance.now() - tm) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (intervalS) {
    addCut(folder.measured());
    Atomics.add(w, c + C_INTERVAL, 1); // the roles ship their last interval as they finish
  }
  Atomics.store(w, c + C_STOP, 1);
  Atomics.notify(w, c + C_GO);
  // Drain: roles finish their current operation; the watchdog keeps rescuing lost wakeups meanwhile.
  const graceMs = (o.stopGraceS ?? 10) * 1000;
  const tStop = performance.now();
  let settled = false;
  void allDone.then(() => { settled = true; });
  while (!settled && performance.now() - tStop < graceMs) { dog.sample(runMs()); folder.fold(); await sleep(10); }
  const allStopped = settled; // destroy() below settles the stuck tasks too: remember whether they stopped
  if (!allStopped) {
    const missing = roles.map((r, tid) => (results[tid] ? null : `${r.role} (task ${tid})`)).filter(Boolean);
    error ??= `roles did not stop within ${graceMs / 1000} s: ${missing.join(', ')}`;
    interrupted = true;
  }
  await pool.destroy();
  // Read the signal rather than listen on it: one listener per run on a long-lived signal leaks (MaxListenersExceededWarning).
  if (error || o.signal?.aborted) interrupted = true;
  // Each role copied its own row between two operations when it saw the measure word: no split operation.
  const counters: Record<string, number> = Atomics.load(w, c + C_MEASURE) === 0 ? delta(before, before) : folder.measured();
  if (intervalS) {
    lastCut().stats = counters; // the last interval ends when the roles did: the intervals sum to the run
    await sleep(20); // the roles' last interval messages are in flight on their ports
    emitIntervals(true);
    for (const port of ports) port.close();
  }
  // A role that threw left its operation half done (a reference or a lock held): nothing to check.
  const quiescence = allStopped && !crashed ? { checked: true, violations: sc.checkQuiescent(m, p, variant) } : { checked: false, violations: [] };
  for (const q of quiescence.violations) {
    if ((FORBIDDEN_KINDS as readonly string[]).includes(q.kind)) recordForbidden(m, q.kind, -1, -1, -1, -1);
  }
  const busy = Math.min(roles.length, os.availableParallelism());
  const cpuShare = measuredS > 0 ? (cpu.user + cpu.system) / 1e6 / (busy * measuredS) : 0;
  if (cpuShare < 0.9) warnings.push(`CPU share ${cpuShare.toFixed(2)} < 0.9: the machine was noisy or roles slept; contention figures may be optimistic`);
  if (roles.length > os.availableParallelism()) warnings.push(`${roles.length} busy roles on ${os.availableParallelism()} cores: oversubscribed`);
  const done = results.filter((r): r is RoleResult => r !== undefined);
  return result(true, measuredS, { counters, quiescence, cpuShare, done });

  /** The result document: complete at the end, or a snapshot while measuring (counters, histograms and forbidden outcomes so far). */
  function result(complete: boolean, measuredSoFar: number, end?: { counters: Record<string, number>; quiescence: { checked: boolean; violations: Violation[] }; cpuShare: number; done: RoleResult[] }): RunResult {
    const counts = end?.counters ?? folder.measured();
    const rates = Object.fromEntries(Object.entries(sc.rates(counts)).map(([k, r]) => [k, { rate: r.trials ? r.successes / r.trials : NaN, ...r, spinNs }]));
    const q = end?.quiescence ?? { checked: false, violations: [] as Violation[] };
    const cpuNow = process.cpuUsage(cpu0);
    const share = end?.cpuShare ?? (measuredSoFar > 0 ? (cpuNow.user + cpuNow.system) / 1e6 / (Math.min(roles.length, os.availableParallelism()) * measuredSoFar) : 0);
    return {
      scenario: sc.name, variant, knownBuggy, params: p, memConfig: { ...m.L.cfg }, seed: o.seed, env: runEnv(), startedAt,
      complete, durationS: measuredSoFar, warmupS: o.warmupS, counters: counts, derived: { ...waitqueueFigures(m, counts), ...(sc.derived ? sc.derived(counts) : {}) }, rates,
      histograms: hists.summary(units, [...intervalMsgs.map((x) => x.histograms), ...(end?.done ?? []).map((r) => r.histograms)]),
      forbidden: describeForbidden(m, q.violations, goMs).filter((f) => forbiddenFor(sc, variant, f.kind)),
      quiescence: q, cpuShare: share, threadCpuMs: (end?.done ?? []).map((r) => r.cpuMs), warnings: [...warnings], interrupted: complete ? interrupted : false,
      ...(error ? { error } : {}), ...(crashed ? { crashed } : {}),
      kernel: sc.variants.find((x) => x.name === variant)?.kernel, ...(sc.patches?.length ? { patches: sc.patches.map((x) => ({ ...x })) } : {}),
    };
  }
  }
}

/** Whether a kind counts as forbidden for this variant (scenarios may exempt, e.g. an expected livelock). */
function forbiddenFor(sc: Scenario, variant: string, kind: string): boolean {
  return sc.forbiddenFor ? sc.forbiddenFor(variant, kind) : true;
}

/** Wake-walk figures every run reports (C000-9): entries per bucket-lock hold, mean and the most in one hold. */
function waitqueueFigures(m: Mem, c: Record<string, number>): Record<string, number> {
  let most = 0;
  for (let b = 0; b < WAIT_TABLE_SIZE; b++) most = Math.max(most, m.w[m.L.waitTable + b * LINE + WQ_MAX_HOLD]);
  return { walkEntriesPerHold: c.walkHolds ? c.walkEntries / c.walkHolds : NaN, walkMostEntriesPerHold: most };
}
