// The lock-free fault path of v6.x (mm/memory.c handle_pte_fault, kernel-model-v6.md §2.4 item 2):
// the PTE is read without the ptl. None + private anon -> do_anonymous_page(), which backs off under
// the ptl once vmf_pte_changed(); none + shmem -> do_read_fault() -> shmem_fault() ->
// shmem_get_folio_gfp(), which sleeps in folio_lock() holding the reference filemap_get_entry()
// took; a migration entry -> migration_entry_wait_on_locked(), which takes no reference.
import { PAGE_WORDS, PF_MAPCOUNT, PF_MAPPING, PTE_PRESENT, PTE_WRITE, pteMake } from '../layout.js';
import { isMigrationEntry, ptePfn } from '../pagetable.js';
import { fileMapping, slotCell } from '../pagecache.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';

export const FAULT_NONE = 0; // nothing to do: the PTE was present (spurious) or changed under us
export const FAULT_NOPAGE = 1; // the fault found the PTE already set (VM_FAULT_NOPAGE) or backed off
export const FAULT_MAPPED = 2; // the fault installed the PTE
export const FAULT_MIGRATION_WAIT = 3; // waited on a migration entry

export interface PteFault {
  /** handle_pte_fault() for the PTE at cell (page index idx) in an mm whose ptl is ptl. */
  handlePteFault(cell: number, ptl: number, idx: number): number;
}

/** file: the shmem file backing the page (shared anon), or undefined for private anon. */
export function makePteFault(t: Task, file: number | undefined, stopped: () => boolean): PteFault {
  const { m, pg, lock, delay } = t;
  const w = m.w;
  const st = t.stats;
  const mewol = t.wq.migrationEntryWaitOnLocked?.bind(t.wq);
  if (!mewol) throw new Error('the v6 fault path needs the v5.9-handoff page lock (migration_entry_wait_on_locked)');
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;

  // do_anonymous_page(): the ptl, and vmf_pte_changed() -> back off without touching any folio.
  const doAnonymousPage = (cell: number, ptl: number): number => {
    spinLock(w, ptl, t.tid);
    const changed = Atomics.load(w, cell) !== 0;
    spinUnlock(w, ptl);
    w[st + STAT.anonBackoffs]++;
    return changed ? FAULT_NOPAGE : FAULT_NONE; // a truly none private PTE never occurs in these scenarios
  };

  // filemap_get_entry(): folio_try_get() on the slot's folio, then the slot re-checked.
  const filemapGetEntry = (slot: number): number => {
    for (;;) {
      const e = Atomics.load(w, slot);
      if (e === 0 || stopped()) return -1;
      if (!pg.getPageUnlessZero(e - 1)) continue; // frozen or freed: retry
      if (Atomics.load(w, slot) === e) return e - 1;
      pg.putPage(e - 1);
    }
  };

  // shmem_fault() -> shmem_get_folio_gfp() -> finish_fault().
  const shmemFault = (cell: number, ptl: number, idx: number, f: number): number => {
    w[st + STAT.shmemFaults]++;
    const slot = slotCell(m, f, idx);
    for (;;) {
      const p = filemapGetEntry(slot);
      if (p < 0) return FAULT_NONE;
      if (!lock.trylockPage(p)) { w[st + STAT.shmemLockWaits]++; lock.lockPage(p); } // folio_lock(), reference held
      if (w[pa(p, PF_MAPPING)] !== fileMapping(f)) { lock.unlockPage(p); pg.putPage(p); continue; } // truncated or migrated away
      spinLock(w, ptl, t.tid); // finish_fault(): the PTE must still be none
      let rc = FAULT_NOPAGE;
      if (Atomics.load(w, cell) === 0) {
        Atomics.add(w, pa(p, PF_MAPCOUNT), 1);
        Atomics.store(w, cell, pteMake(p, PTE_PRESENT | PTE_WRITE)); // the fault's reference becomes the mapping's
        w[st + STAT.shmemMapped]++;
        rc = FAULT_MAPPED;
      } else w[st + STAT.shmemNoPage]++;
      spinUnlock(w, ptl);
      lock.unlockPage(p);
      if (rc === FAULT_NOPAGE) pg.putPage(p);
      return rc;
    }
  };

  return {
    handlePteFault(cell, ptl, idx) {
      const pte = Atomics.load(w, cell); // ptep_get_lockless()
      if (pte === 0) {
        w[st + STAT.noneFaults]++;
        delay(SITE.faultEntry);
        return file === undefined ? doAnonymousPage(cell, ptl) : shmemFault(cell, ptl, idx, file);
      }
      if (!isMigrationEntry(pte)) return FAULT_NONE;
      w[st + STAT.migrationEntryFaults]++;
      delay(SITE.faultEntry);
      spinLock(w, ptl, t.tid); // migration_entry_wait(): re-check under the ptl
      if (Atomics.load(w, cell) !== pte) { spinUnlock(w, ptl); return FAULT_NONE; }
      mewol(ptePfn(pte), ptl); // drops the ptl once queued
      return FAULT_MIGRATION_WAIT;
    },
  };
}
