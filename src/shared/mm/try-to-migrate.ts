// try_to_migrate() -> try_to_migrate_one() (mm/rmap.c, v6.x; kernel-model-v6.md D1): under the ptl
// the PTE is nuked (ptep_clear_flush, or ptep_get_and_clear + set_tlb_ubc_flush_pending when
// should_defer_flush()), and only then set to the migration entry; try_to_unmap_flush() does the
// deferred flush for the whole batch. The UNMAP_PTE switch holds the upstream alternatives.
import { PAGE_WORDS, PF_FLAGS, PF_INDEX, PF_MAPCOUNT, PG_dirty, PTE_DIRTY, PTE_MIGRATION, PTE_WRITE, pteMake } from '../layout.js';
import { isPresent, ptePfn, pteCell, ptlOf } from '../pagetable.js';
import type { CachingTlb } from '../tlb.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { SITE, makePreemption, type Preemption } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';

/**
 * clear-flush-set: mainline (nuke, flush, then the migration entry: a none PTE is visible meanwhile).
 * clear-set-flush: Dec 2024 reorder (lkml 2412.2/05616): the entry goes in before the flush.
 * xchg-to-entry: Dev Jain's "option 2": one atomic exchange from the present PTE to the entry.
 */
export const UNMAP_PTE_VARIANTS = ['clear-flush-set', 'clear-set-flush', 'xchg-to-entry'] as const;
export type UnmapPte = (typeof UNMAP_PTE_VARIANTS)[number];

/** The PTE steps a hooks.unmapPte sequence is made of (all under the ptl). */
export interface UnmapPteOps {
  /** ptep_get_and_clear(): the PTE goes none; returns the old value. */
  getAndClear(cell: number): number;
  /** One atomic exchange to value (Dev Jain's option 2); returns the old value. */
  exchange(cell: number, value: number): number;
  /** set_pte_at(). */
  set(cell: number, value: number): void;
  /** The flush of old: now (ptep_clear_flush's half), or deferred to try_to_unmap_flush() when defer. */
  flush(cell: number, old: number, defer: boolean): void;
}

export interface TryToMigrate {
  /** try_to_migrate(folio, batch ? TTU_BATCH_FLUSH : 0); true if no mapping is left. */
  tryToMigrate(pfn: number, batch: boolean): boolean;
  /** try_to_unmap_flush(): the deferred flushes of every PTE cleared with batch set. */
  tryToUnmapFlush(): void;
  /** Deferred flushes not yet done (a control that skips the flush leaves them here). */
  pending(): number;
}

export interface TryToMigrateOptions {
  unmapPte: UnmapPte;
  /** arch_tlbbatch_should_defer(): x86 defers a TTU_BATCH_FLUSH unmap; arm64 with REPEAT_TLBI never does. */
  tlbDefer: boolean;
  /** The eager flush's wait for its IPIs sometimes loses the CPU (a real sleep), as when a target vCPU is descheduled. */
  flushPreempt?: Preemption;
}

export function makeTryToMigrate(t: Task, tlb: CachingTlb, o: TryToMigrateOptions): TryToMigrate {
  const { m, pg, delay } = t;
  const w = m.w;
  const st = t.stats;
  const pendingCells: number[] = [];
  const pendingOld: number[] = [];
  const flushWait = makePreemption(t.tid, o.flushPreempt);

  // The flush itself: invalidate every CPU's copy (the IPI lands), then the shootdown's round trip.
  const flushNow = (cell: number, old: number): void => {
    tlb.flushCell(cell, old);
    flushWait();
    delay(SITE.tlbFlush);
    w[st + STAT.tlbFlushes]++;
  };
  const flushOrDefer = (cell: number, old: number, defer: boolean): void => {
    if (!defer) { flushNow(cell, old); return; }
    pendingCells.push(cell); // set_tlb_ubc_flush_pending()
    pendingOld.push(old);
  };
  // One mapping under its ptl: the entry replaces the PTE in the variant's order.
  const nuke: Record<UnmapPte, (cell: number, entry: number, defer: boolean) => number> = {
    'clear-flush-set': (cell, entry, defer) => {
      const old = tlb.getAndClear(cell);
      flushOrDefer(cell, old, defer);
      Atomics.store(w, cell, entry); // set_pte_at()
      return old;
    },
    'clear-set-flush': (cell, entry, defer) => {
      const old = tlb.getAndClear(cell);
      Atomics.store(w, cell, entry);
      flushOrDefer(cell, old, defer);
      return old;
    },
    'xchg-to-entry': (cell, entry, defer) => {
      const old = Atomics.exchange(w, cell, entry);
      flushOrDefer(cell, old, defer);
      return old;
    },
  };
  const ops: UnmapPteOps = {
    getAndClear: (cell) => tlb.getAndClear(cell),
    exchange: (cell, value) => Atomics.exchange(w, cell, value),
    set: (cell, value) => { Atomics.store(w, cell, value); },
    flush: flushOrDefer,
  };
  const hook = t.hooks.unmapPte; // a patch's PTE sequence (HOOKS.unmapPte)
  const setEntry = hook ? (cell: number, entry: number, defer: boolean): number => hook(t, ops, cell, entry, defer) : nuke[o.unmapPte];

  return {
    tryToMigrate(pfn, batch) {
      const a = m.L.pages + pfn * PAGE_WORDS;
      const idx = w[a + PF_INDEX];
      const defer = batch && o.tlbDefer; // should_defer_flush()
      for (let mm = 0; mm < m.L.cfg.mms; mm++) {
        const cell = pteCell(m, mm, idx);
        const seen = Atomics.load(w, cell);
        if (!isPresent(seen) || ptePfn(seen) !== pfn) continue;
        delay(SITE.unmapPerMapping); // rmap walk to this vma, page_vma_mapped_walk()
        spinLock(w, ptlOf(m, mm), t.tid);
        const pte = Atomics.load(w, cell);
        if (isPresent(pte) && ptePfn(pte) === pfn) {
          const old = setEntry(cell, pteMake(pfn, PTE_MIGRATION | (pte & PTE_WRITE)), defer);
          if (old & PTE_DIRTY) Atomics.or(w, a + PF_FLAGS, PG_dirty);
          Atomics.sub(w, a + PF_MAPCOUNT, 1); // folio_remove_rmap_pte()
          pg.putPage(pfn); // folio_put(): the mapping's reference
          w[st + STAT.unmapOps]++;
        }
        spinUnlock(w, ptlOf(m, mm));
      }
      return Atomics.load(w, a + PF_MAPCOUNT) === 0;
    },
    tryToUnmapFlush() {
      if (pendingCells.length === 0) return;
      for (let i = 0; i < pendingCells.length; i++) tlb.flushCell(pendingCells[i], pendingOld[i]);
      delay(SITE.tlbFlush); // one shootdown round for the whole batch
      w[st + STAT.tlbBatchFlushes]++;
      pendingCells.length = 0;
      pendingOld.length = 0;
    },
    pending: () => pendingCells.length,
  };
}
