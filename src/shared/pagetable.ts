// Page tables: Int32 PTE cells with a split ptl per mm, and the TLB rule of kernel-model.md §0.5.1:
// a user access publishes (cell, pte) in its CPU's TLB slot and re-reads the PTE before touching
// data; ptep_clear_flush() swaps the PTE and then waits until no CPU's slot holds the old value.
import { LINE, PTE_MIGRATION, PTE_PRESENT, TLB_CELL, TLB_VAL, ptePfn } from './layout.js';
import type { Mem } from './memory.js';

export const isPresent = (pte: number): boolean => (pte & PTE_PRESENT) !== 0;
export const isMigrationEntry = (pte: number): boolean => (pte & (PTE_PRESENT | PTE_MIGRATION)) === PTE_MIGRATION;
export { ptePfn };

/** PTE cell word of (mm, index). */
export const pteCell = (m: Mem, mm: number, idx: number): number => m.L.ptes + mm * m.L.cfg.ptesPerMm + idx;
/** The split page-table lock of an mm's page-table page (one per mm here). */
export const ptlOf = (m: Mem, mm: number): number => m.L.ptl + mm * LINE;

export interface TlbOps {
  /**
   * A user access through the PTE at cell: if present and still the same after the TLB slot is
   * published, runs touch(pfn) and returns true; returns false (with the PTE seen in lastPte) otherwise.
   */
  access(cell: number, touch: (pfn: number) => void): boolean;
  /** The PTE the last failed access saw. */
  lastPte(): number;
  /** ptep_clear_flush() + set_pte_at(): swap in newPte, wait for every TLB slot on the old one. */
  clearFlushSet(cell: number, newPte: number): number;
}

export function makeTlb(m: Mem, cpu: number): TlbOps {
  const w = m.w;
  const slot = m.L.cpuLines + cpu * LINE;
  const cpus = m.L.cfg.cpus;
  let seen = 0;
  return {
    access(cell, touch) {
      const pte = Atomics.load(w, cell);
      seen = pte;
      if (!(pte & PTE_PRESENT)) return false;
      Atomics.store(w, slot + TLB_VAL, pte);
      Atomics.store(w, slot + TLB_CELL, cell + 1);
      if (Atomics.load(w, cell) !== pte) { Atomics.store(w, slot + TLB_CELL, 0); return false; }
      touch(ptePfn(pte));
      Atomics.store(w, slot + TLB_CELL, 0);
      return true;
    },
    lastPte: () => seen,
    clearFlushSet(cell, newPte) {
      const old = Atomics.exchange(w, cell, newPte);
      for (let c = 0; c < cpus; c++) {
        const s = m.L.cpuLines + c * LINE;
        while (Atomics.load(w, s + TLB_CELL) === cell + 1 && Atomics.load(w, s + TLB_VAL) === old) { /* flush IPI: wait */ }
      }
      return old;
    },
  };
}
