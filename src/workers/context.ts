// What every role shares: its view of the SAB, its task, its histograms, the start barrier, the
// measure and stop words. Built once when the role's thread starts its task.
import { readFileSync } from 'node:fs';
import * as hdr from 'hdr-histogram-js';
import { attachMemory, type Mem } from '../shared/memory.js';
import { makeTask, type Task, type TaskOptions } from '../shared/task.js';
import type { MessagePort } from 'node:worker_threads';
import { C_BARRIER, C_GO, C_INTERVAL, C_MEASURE, C_PARKED, C_QUIESCE, C_STOP, type MemConfig } from '../shared/layout.js';
import { setRunEpoch } from '../shared/clock.js';
import { markMeasureStart } from '../shared/stats.js';
import { makeTlb, type TlbOps } from '../shared/pagetable.js';
import type { PatchManifest } from '../shared/patch-manifest.js';
import type { PatchSide } from './patch-side.js';

export type { PatchManifest };

/** The task payload piscina hands a role (structured-cloned; the SAB is shared, not copied). */
export interface RolePayload {
  sab: SharedArrayBuffer;
  mem: MemConfig;
  tid: number;
  role: string;
  config: Record<string, unknown>;
  task: TaskOptions;
  epochMs: number;
  histograms: string[];
  /** Soak: interval histograms go back through this port when C_INTERVAL moves. */
  port?: MessagePort;
  /** --patch: the files to load (hash checked) before the start barrier, and the variant whose hooks to use. */
  patch?: PatchManifest;
}

/** What a role posts at each soak interval boundary. */
export interface IntervalMessage {
  tid: number;
  interval: number;
  histograms: Record<string, string>;
}

export interface RoleResult {
  role: string;
  tid: number;
  /** Compressed base64 HdrHistogram per name (integer ns). */
  histograms: Record<string, string>;
  extra?: Record<string, unknown>;
  /** This thread's CPU time in ms (utime + stime from procfs), -1 where unavailable. */
  cpuMs: number;
}

export interface RoleContext {
  m: Mem;
  t: Task;
  tlb: TlbOps;
  config: Record<string, unknown>;
  /** Records an ns sample into a named histogram (only while measuring). */
  record(name: string, ns: number): void;
  /** Re-reads the measure word; call once per loop iteration. Resets histograms at warm-up end. */
  tick(): boolean;
  stopped(): boolean;
  /** Parks while the main thread audits (C_QUIESCE); returns at once otherwise. */
  parkIfAsked(): void;
  finish(extra?: Record<string, unknown>): RoleResult;
}

let wasmReady = false;

export function makeRoleContext(p: RolePayload, patch?: PatchSide): RoleContext {
  if (!wasmReady) { hdr.initWebAssemblySync(); wasmReady = true; }
  setRunEpoch(p.epochMs);
  const m = attachMemory(p.sab, p.mem);
  const t = makeTask(m, p.tid, patch ? { ...p.task, hooks: patch.hooks, counters: patch.counters } : p.task);
  const tlb = makeTlb(m, t.cpu);
  const w = m.w;
  const c = m.L.control;
  const hists = new Map<string, hdr.Histogram>();
  for (const name of p.histograms) hists.set(name, hdr.build({ useWebAssembly: true, lowestDiscernibleValue: 1, highestTrackableValue: 60e9, numberOfSignificantValueDigits: 3 }));
  let measuring = false;
  let interval = 0;
  const crashAt = injectedCrashAt(p.role);
  let ticks = 0;
  const port = p.port;
  // Soak: ship this interval's histograms and start the next (checked every 64 ticks to stay cheap).
  const shipInterval = (): void => {
    const now = Atomics.load(w, c + C_INTERVAL);
    if (now === interval || !port) return;
    const out: Record<string, string> = {};
    for (const [name, h] of hists) { out[name] = hdr.encodeIntoCompressedBase64(h); h.reset(); }
    const msg: IntervalMessage = { tid: p.tid, interval, histograms: out };
    port.postMessage(msg);
    interval = now;
  };
  const record = (name: string, ns: number): void => {
    if (measuring) hists.get(name)?.recordValue(ns > 0 ? Math.round(ns) : 0);
  };
  t.record = record; // a patch's hooks record through the task
  return {
    m, t, tlb, config: p.config,
    record,
    tick() {
      if (crashAt !== undefined && performance.now() >= crashAt) throw new Error(`injected crash of role ${p.role} (PAGESTORM_INJECT_CRASH)`);
      if (!measuring) {
        if (Atomics.load(w, c + C_MEASURE) !== 0) {
          measuring = true;
          markMeasureStart(m, p.tid); // between two operations: the counters start clean
          interval = Atomics.load(w, c + C_INTERVAL);
          for (const h of hists.values()) h.reset();
        }
      } else if (port && (++ticks & 63) === 0) {
        shipInterval();
      }
      return measuring;
    },
    stopped: () => Atomics.load(w, c + C_STOP) !== 0,
    parkIfAsked() {
      if (Atomics.load(w, c + C_QUIESCE) === 0) return;
      Atomics.add(w, c + C_PARKED, 1);
      while (Atomics.load(w, c + C_QUIESCE) !== 0) Atomics.wait(w, c + C_QUIESCE, 1, 50);
      Atomics.sub(w, c + C_PARKED, 1);
    },
    finish(extra) {
      if (measuring) shipInterval();
      port?.close();
      const out: Record<string, string> = {};
      for (const [name, h] of hists) { out[name] = hdr.encodeIntoCompressedBase64(h); h.destroy(); }
      return { role: p.role, tid: p.tid, histograms: out, extra, cpuMs: threadCpuMs() };
    },
  };
}

/**
 * Fault injection for tests of the crash path: PAGESTORM_INJECT_CRASH=<role>@<ms> makes that role
 * throw from its tick() once <ms> have passed since it started (the run must end with the stack).
 */
function injectedCrashAt(role: string): number | undefined {
  const spec = process.env.PAGESTORM_INJECT_CRASH;
  const m = spec?.match(/^([\w-]+)@(\d+)$/);
  return m && m[1] === role ? performance.now() + Number(m[2]) : undefined;
}

/** Arrive at the start barrier and block until the main thread says go. */
export function arriveAndWait(m: Mem): void {
  const c = m.L.control;
  Atomics.add(m.w, c + C_BARRIER, 1);
  while (Atomics.load(m.w, c + C_GO) === 0) Atomics.wait(m.w, c + C_GO, 0, 100);
}

/** This thread's CPU time from /proc/thread-self/stat (Linux), in ms. */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return -1;
  }
}
