// Wake-to-run latency of the hashed page waitqueue, through the real page lock, per sleep policy
// (sleep at once, spin-then-sleep budgets) and per lock hold time, on two worker threads.
import { Worker } from 'node:worker_threads';
import { build, decodeFromCompressedBase64, initWebAssemblySync } from 'hdr-histogram-js';
import { DEFAULT_MEM, LINE, PAGE_WORDS, PF_FLAGS, PG_locked, TASK_RUNNING, TS_STATE, type MemConfig } from '../src/shared/layout.js';
import { createMemory } from '../src/shared/memory.js';
import { median } from './primitive-ops.js';

// Protocol words live on their own SAB, so the page world holds only what the primitives wrote.
export const CTL_ARRIVE = 0; // Int32: probe start barrier
export const CTL_OWNER = LINE; // Int32: tid + 1 of the task that last took the page lock
export const CTL_T0 = 16; // BigInt64 (byte 128): hrtime just before the unlock being timed
const CTL_BYTES = 192;

export interface WakeWorkerData {
  sab: SharedArrayBuffer;
  cfg: MemConfig;
  ctl: SharedArrayBuffer;
  tid: number;
  page: number;
  spinNs: number[]; // one Task per sleep policy
  cells: number; // histograms kept, one per (policy, hold)
}

export type WakeRequest =
  | { op: 'probe'; ms: number }
  | { op: 'run'; policy: number; cell: number; holdNs: number; trips: number; record: boolean }
  | { op: 'finish' };

export type WakeReply = { op: 'ready' } | { op: 'probed'; cpuShare: number } | { op: 'ran' } | { op: 'hists'; b64: string[] };

export interface WakeOptions {
  spinNs: number[]; // sleep policies: 0 = sleep at once
  holdNs: number[]; // how long the holder keeps the page locked after the waiter is queued
  rounds: number;
  trips: number; // handoffs per (policy, hold) per round
  warmupTrips: number;
  probeMs: number;
}

export interface WakeCell {
  spinNs: number;
  holdNs: number;
  count: number;
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
  /** Process CPU per handoff, both threads: the holder always busy-waits, the waiter spins up to spinNs. */
  cpuUsPerHandoff: number;
}

export interface WakeResult {
  cells: WakeCell[];
  /** Steal probe per round: process CPU / (2 busy threads x wall) while both workers spin, mean of their windows. */
  cpuShares: number[];
  cpuShare: number;
  cpuShareMin: number;
}

const SEGMENT_TIMEOUT_MS = 30_000;

function nextReply(wk: Worker): Promise<WakeReply> {
  return new Promise((resolve, reject) => {
    const done = (): void => { wk.off('message', onMessage); wk.off('error', onError); wk.off('exit', onExit); };
    const onMessage = (r: WakeReply): void => { done(); resolve(r); };
    const onError = (e: Error): void => { done(); reject(e); };
    const onExit = (code: number): void => { done(); reject(new Error(`wake worker exited with code ${code}`)); };
    wk.on('message', onMessage);
    wk.on('error', onError);
    wk.on('exit', onExit);
  });
}

export async function measureWakeLatency(o: WakeOptions): Promise<WakeResult> {
  const cfg: MemConfig = { ...DEFAULT_MEM };
  const m = createMemory(cfg);
  const ctlSab = new SharedArrayBuffer(CTL_BYTES);
  const ctl = new Int32Array(ctlSab);
  const P = 0;
  const flags = m.L.pages + P * PAGE_WORDS + PF_FLAGS;
  const cells = o.spinNs.flatMap((spinNs, policy) => o.holdNs.map((holdNs) => ({ policy, spinNs, holdNs, cpuUs: 0, trips: 0 })));
  const workers = [0, 1].map((tid) => new Worker(new URL('./wake-worker.js', import.meta.url), {
    workerData: { sab: m.sab, cfg, ctl: ctlSab, tid, page: P, spinNs: o.spinNs, cells: cells.length } satisfies WakeWorkerData,
  }));
  const pending = workers.map(nextReply); // 'ready'
  const both = async (req: WakeRequest | null): Promise<WakeReply[]> => {
    const replies = req ? workers.map(nextReply) : pending;
    if (req) for (const wk of workers) wk.postMessage(req);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`wake workers did not answer ${req?.op ?? 'ready'} in ${SEGMENT_TIMEOUT_MS} ms`)), SEGMENT_TIMEOUT_MS);
    });
    try { return await Promise.race([Promise.all(replies), timeout]); } finally { clearTimeout(timer); }
  };
  // Each segment starts with task 0 holding the page lock and both tasks running.
  const segment = async (policy: number, cell: number, holdNs: number, trips: number, record: boolean): Promise<void> => {
    const f = Atomics.load(m.w, flags);
    const states = [0, 1].map((t) => Atomics.load(m.w, m.L.taskLines + t * LINE + TS_STATE));
    if (f !== 0 || states.some((s) => s !== TASK_RUNNING)) throw new Error(`page lock ping-pong left flags ${f}, task states ${states}`);
    Atomics.store(m.w, flags, PG_locked);
    Atomics.store(ctl, CTL_OWNER, 1);
    await both({ op: 'run', policy, cell, holdNs, trips, record });
  };
  try {
    await both(null);
    for (let p = 0; p < o.spinNs.length; p++) await segment(p, 0, o.holdNs[0], o.warmupTrips, false); // JIT warm-up
    const cpuShares: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      Atomics.store(ctl, CTL_ARRIVE, 0);
      const probes = await both({ op: 'probe', ms: o.probeMs });
      cpuShares.push(median(probes.map((p) => (p.op === 'probed' ? p.cpuShare : 0))));
      const order = r % 2 ? [...cells.keys()].reverse() : [...cells.keys()]; // spread drift over cells
      for (const i of order) {
        const cell = cells[i];
        const cs = process.cpuUsage();
        await segment(cell.policy, i, cell.holdNs, o.trips, true);
        const c1 = process.cpuUsage(cs);
        cell.cpuUs += c1.user + c1.system;
        cell.trips += o.trips;
      }
    }
    const [h0, h1] = await both({ op: 'finish' });
    if (h0.op !== 'hists' || h1.op !== 'hists') throw new Error('wake workers sent no histograms');
    initWebAssemblySync();
    const out: WakeCell[] = cells.map((cell, i) => {
      const total = build({ useWebAssembly: true });
      try {
        for (const b64 of [h0.b64[i], h1.b64[i]]) {
          const h = decodeFromCompressedBase64(b64, 32, true); // same wasm flag as the accumulator
          try { total.add(h); } finally { h.destroy(); }
        }
        return {
          spinNs: cell.spinNs, holdNs: cell.holdNs, count: total.totalCount,
          p50Ns: total.getValueAtPercentile(50), p99Ns: total.getValueAtPercentile(99),
          p999Ns: total.getValueAtPercentile(99.9), maxNs: total.maxValue,
          cpuUsPerHandoff: cell.cpuUs / Math.max(1, cell.trips),
        };
      } finally {
        total.destroy();
      }
    });
    return { cells: out, cpuShares, cpuShare: median(cpuShares), cpuShareMin: Math.min(...cpuShares) };
  } finally {
    await Promise.all(workers.map((wk) => wk.terminate()));
  }
}
