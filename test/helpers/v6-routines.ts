// Worker routines for the v6.x primitive tests: the caching TLB and migration_entry_wait_on_locked().
import { attachMemory } from '../../src/shared/memory.js';
import { makeTask, type TaskOptions } from '../../src/shared/task.js';
import { C_SCRATCH, PTE_PRESENT, pteMake, type MemConfig } from '../../src/shared/layout.js';
import { makeCachingTlb } from '../../src/shared/tlb.js';
import { spinLock } from '../../src/shared/spinlock.js';

export interface TlbJob {
  sab: SharedArrayBuffer;
  cfg: MemConfig;
  tid: number;
  cell: number;
  /** Frames the flusher cycles through; data word 0 of a frame is 1 while it is retired. */
  frames: number[];
  iters: number;
  /** The flusher skips the flush (a broken control): stale translations stay usable. */
  noFlush?: boolean;
  parties: number;
}

const barrier = (w: Int32Array, at: number, parties: number): void => {
  Atomics.add(w, at, 1);
  while (Atomics.load(w, at) < parties) { /* spin: the race is ns, thread starts are ms */ }
};

/** Accessor: loops through its CPU's TLB until told to stop; counts accesses that reached a retired frame. */
export function tlbAccessor(j: TlbJob): { hits: number; misses: number; stale: number } {
  const m = attachMemory(j.sab, j.cfg);
  const w = m.w;
  const tlb = makeCachingTlb(m, j.tid);
  const stop = m.L.control + C_SCRATCH;
  let stale = 0;
  const touch = (pfn: number): void => { if (Atomics.load(w, m.L.data + pfn * j.cfg.dataWords) === 1) stale++; };
  barrier(w, m.L.control + C_SCRATCH + 7, j.parties);
  while (Atomics.load(w, stop) === 0) tlb.access(j.cell, touch);
  return { hits: tlb.hits, misses: tlb.misses, stale };
}

/** Flusher: iters times, clear the PTE, flush, retire the old frame, then map the next frame. */
export function tlbFlusher(j: TlbJob): number {
  const m = attachMemory(j.sab, j.cfg);
  const w = m.w;
  const tlb = makeCachingTlb(m, j.tid);
  const data = (pfn: number): number => m.L.data + pfn * j.cfg.dataWords;
  barrier(w, m.L.control + C_SCRATCH + 7, j.parties);
  for (let i = 0; i < j.iters; i++) {
    const next = j.frames[(i + 1) % j.frames.length];
    const old = tlb.getAndClear(j.cell);
    if (!j.noFlush) tlb.flushCell(j.cell, old);
    Atomics.store(w, data(old >>> 4), 1); // retired: an access from now on went through a stale translation
    Atomics.store(w, data(next), 0);
    Atomics.store(w, j.cell, pteMake(next, PTE_PRESENT));
    if ((i & 63) === 0) Atomics.wait(w, m.L.control + C_SCRATCH + 6, 0, 0.01); // let accessors sharing a core run
  }
  Atomics.store(w, m.L.control + C_SCRATCH, 1);
  return j.iters;
}

/** Waits on a migration entry: ptl taken, then migration_entry_wait_on_locked(); reports when back. */
export function entryWaiter(j: { sab: SharedArrayBuffer; cfg: MemConfig; tid: number; pfn: number; ptl: number; opts: TaskOptions }): number {
  const m = attachMemory(j.sab, j.cfg);
  const t = makeTask(m, j.tid, j.opts);
  spinLock(m.w, j.ptl, t.tid);
  t.wq.migrationEntryWaitOnLocked!(j.pfn, j.ptl);
  Atomics.store(m.w, m.L.control + C_SCRATCH + 1, 1);
  return 1;
}
