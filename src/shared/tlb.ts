// A TLB that remembers (kernel-model-v6.md §2.4 item 1): per-CPU cached translations that persist
// between accesses. A hit touches the frame without reading the PTE; a miss is the lockless PTE read
// of the hardware walker. ptep_clear_flush() invalidates every CPU's copy and waits for accesses in
// flight; TTU_BATCH_FLUSH (mm/rmap.c, v6.x) clears the PTE now and leaves the flush to
// try_to_unmap_flush(), so stale copies stay usable until then. The in-flight slot handshake of
// pagetable.ts is kept: no access through a translation can outlive the flush that retired it (FO2).
import { LINE, PTE_PRESENT, TLB_CELL, TLB_ENTRIES, TLB_VAL, ptePfn } from './layout.js';
import type { Mem } from './memory.js';
import type { TlbOps } from './pagetable.js';

export interface CachingTlb extends TlbOps {
  /** ptep_get_and_clear(): the PTE goes none and its old value is returned; no CPU's copy is touched. */
  getAndClear(cell: number): number;
  /** flush_tlb_page() for a PTE that held old: invalidate every CPU's copy, wait for accesses in flight. */
  flushCell(cell: number, old: number): void;
  /** Accesses served from this CPU's cache, and PTE walks, since the TLB was built. */
  hits: number;
  misses: number;
}

export function makeCachingTlb(m: Mem, cpu: number): CachingTlb {
  const w = m.w;
  const cpus = m.L.cfg.cpus;
  const slot = m.L.cpuLines + cpu * LINE;
  const mine = m.L.tlb + cpu * LINE;
  const entryOf = (c: number, cell: number): number => m.L.tlb + c * LINE + (cell & (TLB_ENTRIES - 1)) * 2;
  let seen = 0;

  // The in-flight slot: published before the re-check, cleared once the access is done.
  const begin = (cell: number, pte: number): void => {
    Atomics.store(w, slot + TLB_VAL, pte);
    Atomics.store(w, slot + TLB_CELL, cell + 1);
  };
  const end = (): void => { Atomics.store(w, slot + TLB_CELL, 0); };
  const invalidateAll = (cell: number): void => {
    for (let c = 0; c < cpus; c++) Atomics.compareExchange(w, entryOf(c, cell), cell + 1, 0);
  };

  const tlb: CachingTlb = {
    hits: 0,
    misses: 0,
    access(cell, touch) {
      const e = mine + (cell & (TLB_ENTRIES - 1)) * 2;
      if (Atomics.load(w, e) === cell + 1) {
        const pte = w[e + 1]; // written only by this CPU
        begin(cell, pte);
        if (Atomics.load(w, e) === cell + 1) { // not invalidated after we published: the flusher waits for us
          touch(ptePfn(pte));
          end();
          tlb.hits++;
          return true;
        }
        end();
      }
      tlb.misses++;
      const pte = Atomics.load(w, cell); // the page-table walk: ptep_get_lockless()
      seen = pte;
      if (!(pte & PTE_PRESENT)) return false;
      begin(cell, pte);
      if (Atomics.load(w, cell) !== pte) { end(); return false; }
      w[e + 1] = pte; // fill: value first, then the tag others compare against
      Atomics.store(w, e, cell + 1);
      touch(ptePfn(pte));
      end();
      return true;
    },
    lastPte: () => seen,
    getAndClear: (cell) => Atomics.exchange(w, cell, 0),
    // Invalidate, wait for accesses in flight on the old PTE, invalidate again: a hit re-checks its tag
    // after publishing (caught by the first pass or waited for); a walk that read the old PTE before
    // the clear publishes before its re-read, so the wait covers its fill and the second pass removes it.
    flushCell(cell, old) {
      invalidateAll(cell);
      for (let c = 0; c < cpus; c++) {
        const s = m.L.cpuLines + c * LINE;
        while (Atomics.load(w, s + TLB_CELL) === cell + 1 && Atomics.load(w, s + TLB_VAL) === old) { /* flush IPI: wait */ }
      }
      invalidateAll(cell);
    },
    clearFlushSet(cell, newPte) {
      const old = Atomics.exchange(w, cell, newPte);
      tlb.flushCell(cell, old);
      return old;
    },
  };
  return tlb;
}
