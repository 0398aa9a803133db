// The fault on a none PTE of a file mapping (mm/filemap.c filemap_fault, page_cache_read,
// __lock_page_or_retry; mm/memory.c do_read_fault, finish_fault, alloc_set_pte; v4.19): find_get_page
// (a lock-free lookup, kernel-model.md §4.6) takes a reference; a miss reads the page into the cache and
// looks again. Then lock_page_or_retry: a trylock, and if that fails on the first try
// (FAULT_FLAG_ALLOW_RETRY) wait_on_page_locked() -- a SHARED wait that keeps the reference -- then
// put_page and VM_FAULT_RETRY; the retry (FAULT_FLAG_TRIED, v4.19 retries at most once) sleeps in
// lock_page() with the reference. The page is mapped only while locked, under the ptl.
import { PAGE_WORDS, PF_FLAGS, PF_INDEX, PF_MAPCOUNT, PF_MAPPING, PG_locked, PG_lru, PG_uptodate, PTE_PRESENT, PTE_WRITE, Z_LRU_LOCK, pteMake } from '../layout.js';
import { fileMapping, slotCell, xaLockOf } from '../pagecache.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';

const ENOMEM = -1;

/** filemapFault()'s result: the fault completed (mapped, or the PTE was already filled) or must be retried. */
export const VM_FAULT_DONE = 0;
export const VM_FAULT_RETRY = 1;

export interface FilemapFault {
  /**
   * The fault on the none PTE at cell (under ptl) for page index idx of the file; the access then retries.
   * allowRetry: FAULT_FLAG_ALLOW_RETRY (a first try); false = FAULT_FLAG_TRIED (the one retry, which sleeps
   * in lock_page). Returns VM_FAULT_RETRY when it waited on the page lock instead of mapping.
   */
  filemapFault(cell: number, ptl: number, idx: number, allowRetry?: boolean): number;
}

export function makeFilemapFault(t: Task, file: number): FilemapFault {
  const { m, pg, lock, alloc, delay } = t;
  const w = m.w;
  const st = t.stats;
  const mapping = fileMapping(file);
  const xa = xaLockOf(m, file);
  const lruLock = m.L.zone + Z_LRU_LOCK;
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;

  // find_get_page() (v4.19, RCU): slot, get_page_unless_zero, slot recheck (§4.6 steps 1-3); -1 on a miss.
  const findGetPage = (slot: number): number => {
    for (;;) {
      const s = Atomics.load(w, slot);
      if (s === 0) return -1;
      const p = s - 1;
      if (!pg.getPageUnlessZero(p)) continue; // freed or frozen: look again
      if (Atomics.load(w, slot) === s) return p;
      pg.putPage(p); // moved or removed under us
    }
  };

  // page_cache_read() -> add_to_page_cache_lru() + readpage (v4.19): a fresh page, locked before anyone
  // can see it, in the slot with the cache's reference, on the LRU; the "read" marks it uptodate and
  // unlocks it; then put_page(). Losing the slot to another inserter (-EEXIST) is fine: look again.
  const pageCacheRead = (slot: number, idx: number): number => {
    const p = alloc.allocPage();
    if (p < 0) return ENOMEM;
    w[pa(p, PF_FLAGS)] = Atomics.load(w, pa(p, PF_FLAGS)) | PG_locked; // __SetPageLocked(): nobody else sees p yet
    Atomics.store(w, pa(p, PF_MAPPING), mapping);
    Atomics.store(w, pa(p, PF_INDEX), idx);
    pg.getPage(p); // the page cache's reference
    spinLock(w, xa, t.tid);
    if (Atomics.load(w, slot) !== 0) {
      spinUnlock(w, xa);
      Atomics.store(w, pa(p, PF_MAPPING), 0); // -EEXIST: undo, free the page, look up the winner's
      w[pa(p, PF_FLAGS)] = Atomics.load(w, pa(p, PF_FLAGS)) & ~PG_locked;
      pg.putPage(p);
      pg.putPage(p);
      return 0;
    }
    Atomics.store(w, slot, p + 1);
    spinUnlock(w, xa);
    spinLock(w, lruLock, t.tid); // lru_cache_add()
    Atomics.or(w, pa(p, PF_FLAGS), PG_lru);
    spinUnlock(w, lruLock);
    Atomics.or(w, pa(p, PF_FLAGS), PG_uptodate); // the read completed: SetPageUptodate()
    lock.unlockPage(p);
    pg.putPage(p); // page_cache_read()'s put_page(): only the cache's reference is left
    w[st + STAT.filemapAllocs]++;
    return 0;
  };

  return {
    // filemap_fault() + do_read_fault() (v4.19), for a none PTE.
    filemapFault(cell, ptl, idx, allowRetry = true) {
      w[st + STAT.filemapFaults]++;
      delay(SITE.faultEntry);
      const slot = slotCell(m, file, idx);
      let p = findGetPage(slot);
      for (;;) { // retry_find
        if (p < 0) { // no_cached_page
          if (pageCacheRead(slot, idx) === ENOMEM) return VM_FAULT_DONE; // VM_FAULT_OOM: the access retries
          p = findGetPage(slot);
          continue;
        }
        // lock_page_or_retry(): trylock_page() || __lock_page_or_retry()
        if (!lock.trylockPage(p)) {
          if (allowRetry) {
            w[st + STAT.filemapLockWaits]++;
            lock.waitOnPageLocked(p); // mmap_sem dropped; a SHARED wait that keeps the find_get_page reference
            pg.putPage(p);
            w[st + STAT.filemapFaultRetries]++;
            return VM_FAULT_RETRY;
          }
          w[st + STAT.filemapLockPage]++;
          lock.lockPage(p); // FAULT_FLAG_TRIED: __lock_page(), an EXCLUSIVE wait, the reference held
        }
        if (Atomics.load(w, pa(p, PF_MAPPING)) !== mapping) { // truncated, reclaimed or migrated away
          lock.unlockPage(p);
          pg.putPage(p);
          w[st + STAT.filemapMappingChanged]++;
          p = findGetPage(slot);
          continue;
        }
        if (!(Atomics.load(w, pa(p, PF_FLAGS)) & PG_uptodate)) { // page_not_uptodate: readpage() (completes at once here), then retry_find
          Atomics.or(w, pa(p, PF_FLAGS), PG_uptodate);
          lock.unlockPage(p);
          pg.putPage(p);
          p = findGetPage(slot);
          continue;
        }
        break; // VM_FAULT_LOCKED
      }
      // finish_fault() -> alloc_set_pte(): under the ptl and the page lock, map it if the PTE is still none;
      // the fault's reference becomes the mapping's.
      spinLock(w, ptl, t.tid);
      const mapped = Atomics.load(w, cell) === 0;
      if (mapped) {
        Atomics.add(w, pa(p, PF_MAPCOUNT), 1); // page_add_file_rmap()
        Atomics.store(w, cell, pteMake(p, PTE_PRESENT | PTE_WRITE));
      }
      spinUnlock(w, ptl);
      lock.unlockPage(p); // do_read_fault(): unlock_page() after finish_fault()
      if (!mapped) { w[st + STAT.filemapPteRaced]++; pg.putPage(p); } // VM_FAULT_NOPAGE
      return VM_FAULT_DONE;
    },
  };
}
