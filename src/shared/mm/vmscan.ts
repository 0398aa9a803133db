// Reclaim of a clean page-cache page (mm/vmscan.c shrink_page_list -> __remove_mapping, v4.19 and
// v5.0; kernel-model.md §7.1) with the RECLAIM_UNLOCK switch of §0.6: how the lock bit is released
// once the page has left the cache with its count frozen at 0. Everything else is the same in both.
import { PAGE_WORDS, PF_FLAGS, PF_INDEX, PF_MAPCOUNT, PF_MAPPING, PG_dirty, PG_locked, PG_waiters, PG_writeback, PTE_DIRTY, RELEASE_NONATOMIC_CLEAR } from '../layout.js';
import { isPresent, ptePfn, pteCell, ptlOf, type TlbOps } from '../pagetable.js';
import { slotCell, xaLockOf } from '../pagecache.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { recordForbidden } from '../forbidden.js';
import { checkSleepersOnFreedPage } from '../watchdog.js';
import { noteRelease } from '../lost-wakeup-dump.js';
import { SITE, makePreemption, type Preemption } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';
import { putbackLruPage } from './lru.js';

/** RECLAIM_UNLOCK: v4.19 __ClearPageLocked() (no wake) / v5.0 unlock_page() (9a1ea439b16b). */
export const RECLAIM_UNLOCK_VARIANTS = ['nonatomic-clear', 'unlock-page'] as const;
export type ReclaimUnlock = (typeof RECLAIM_UNLOCK_VARIANTS)[number];

/** __remove_mapping()'s freeze target for a page-cache page: the cache's reference + our isolation one. */
export const REMOVE_MAPPING_REFS = 2;

/** Simulated preemption inside reclaim's locked window: with probability prob, sleep up to maxUs. */
export type ReclaimPreempt = Preemption;

export interface Reclaim {
  /** shrink_page_list() on one isolated page (the caller's isolation reference is consumed); true if freed. */
  shrinkPageList(pfn: number): boolean;
}

export function makeReclaim(t: Task, tlb: TlbOps, unlock: ReclaimUnlock, file: number, preempt?: ReclaimPreempt): Reclaim {
  const { m, pg, lock, delay, alloc } = t;
  const w = m.w;
  const st = t.stats;
  const xa = xaLockOf(m, file);
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;
  const freeList = new Int32Array(1);
  const mightSleep = makePreemption(t.tid, preempt);

  // try_to_unmap(page, TTU_IGNORE_ACCESS) (mm/rmap.c v4.19, try_to_unmap_one without TTU_MIGRATION):
  // each present PTE of the page is cleared and flushed, its mapcount and reference dropped. Lives
  // here because reclaim is its only ordinary (non-migration) user in the model.
  const tryToUnmap = (p: number): boolean => {
    const idx = w[pa(p, PF_INDEX)];
    for (let mm = 0; mm < m.L.cfg.mms; mm++) {
      const cell = pteCell(m, mm, idx);
      if (ptePfn(Atomics.load(w, cell)) !== p || !isPresent(Atomics.load(w, cell))) continue;
      delay(SITE.unmapPerMapping);
      spinLock(w, ptlOf(m, mm), t.tid);
      const pte = Atomics.load(w, cell);
      if (isPresent(pte) && ptePfn(pte) === p) {
        const old = tlb.clearFlushSet(cell, 0); // ptep_clear_flush(): the PTE is none afterwards
        delay(SITE.tlbFlush);
        if (old & PTE_DIRTY) Atomics.or(w, pa(p, PF_FLAGS), PG_dirty);
        Atomics.sub(w, pa(p, PF_MAPCOUNT), 1); // page_remove_rmap()
        pg.putPage(p); // the mapping's reference
      }
      spinUnlock(w, ptlOf(m, mm));
    }
    return Atomics.load(w, pa(p, PF_MAPCOUNT)) === 0;
  };

  // __remove_mapping(mapping, page, reclaimed = true) (v4.19): under the xa_lock, freeze the count at 2;
  // a failure means someone else holds a reference. On success the page leaves its slot with count 0.
  const removeMapping = (p: number): boolean => {
    spinLock(w, xa, t.tid);
    if (Atomics.load(w, pa(p, PF_FLAGS)) & PG_waiters) w[st + STAT.reclaimWaitersAtRemove]++; // C000-8
    if (!pg.pageRefFreeze(p, REMOVE_MAPPING_REFS)) {
      spinUnlock(w, xa);
      w[st + STAT.reclaimFreezeFailed]++;
      return false;
    }
    if (Atomics.load(w, pa(p, PF_FLAGS)) & PG_dirty) { // read after the freeze (the CAS orders it)
      pg.pageRefUnfreeze(p, REMOVE_MAPPING_REFS);
      spinUnlock(w, xa);
      return false;
    }
    // __delete_from_page_cache(): the slot empties (no shadow entry modelled), page->mapping = NULL.
    const slot = slotCell(m, file, w[pa(p, PF_INDEX)]);
    if (Atomics.compareExchange(w, slot, p + 1, 0) !== p + 1) recordForbidden(m, 'invariant', p, Atomics.load(w, slot), -1, t.tid);
    Atomics.store(w, pa(p, PF_MAPPING), 0);
    spinUnlock(w, xa);
    return true;
  };

  // v4.19 (a978d6f52106 "mm: unlockless reclaim", 2.6 era): __ClearPageLocked(), a non-atomic RMW that
  // ignores PG_waiters and wakes nobody: "no other references exist, so nobody can be waiting".
  const clearPageLocked = (p: number): void => {
    const f = pa(p, PF_FLAGS);
    const old = Atomics.load(w, f);
    delay(SITE.unlockGap);
    Atomics.store(w, f, old & ~PG_locked);
    noteRelease(m, p, t.tid, RELEASE_NONATOMIC_CLEAR, old);
  };
  // v5.0 (9a1ea439b16b reverts a978d6f52106): unlock_page(), which wakes whoever PG_waiters announces.
  const hook = t.hooks.reclaimUnlock; // a patch's release (HOOKS.reclaimUnlock)
  const release = hook ? (p: number): void => hook(t, p) : unlock === 'nonatomic-clear' ? clearPageLocked : lock.unlockPage;

  // keep_locked / keep (v4.19): every failure releases with unlock_page(), then putback_lru_page().
  const keepLocked = (p: number): boolean => {
    lock.unlockPage(p);
    w[st + STAT.reclaimKept]++;
    putbackLruPage(t, p);
    return false;
  };

  return {
    // shrink_page_list() (v4.19/v5.0) for one clean page-cache page; reference aging is not modelled.
    shrinkPageList(p) {
      w[st + STAT.reclaimAttempts]++;
      if (!lock.trylockPage(p)) {
        w[st + STAT.reclaimKept]++;
        w[st + STAT.reclaimTrylockFailed]++;
        putbackLruPage(t, p);
        return false;
      }
      delay(SITE.reclaimChecks); // page_check_references(), PageDirty/PageWriteback tests ⟂
      mightSleep(); // ... whose rmap walk takes i_mmap_rwsem: the reclaimer may lose its CPU here
      if (Atomics.load(w, pa(p, PF_FLAGS)) & (PG_dirty | PG_writeback)) return keepLocked(p);
      if (Atomics.load(w, pa(p, PF_MAPCOUNT)) > 0 && !tryToUnmap(p)) return keepLocked(p); // activate_locked
      if (!removeMapping(p)) return keepLocked(p);
      release(p); // the only step the two versions differ in
      checkSleepersOnFreedPage(m, p); // harness FO1 check: nobody may still sleep on a frame being freed
      freeList[0] = p;
      alloc.freeUnrefPageList(freeList); // free_it: the count is already 0, no put_page
      w[st + STAT.reclaimSucceeded]++;
      return true;
    },
  };
}

// might_sleep() in the rmap walk (i_mmap_lock_read, cond_resched): the reclaimer gives its CPU away
// for a while, still holding the page lock. A real sleep (Atomics.wait on a private word), not a spin,
// so the other roles run meanwhile, as they would on the CPU it gave up. Chosen once per task.
