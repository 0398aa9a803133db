// The fault on a none PTE of a file mapping, which refills the page cache (mm/filemap.c filemap_fault ->
// page_cache_read, mm/memory.c finish_fault, v4.19 shape): a lock-free lookup of the slot (find_get_page,
// kernel-model.md §4.6); on a miss a new page is allocated, locked, inserted and "read"; then it is
// mapped under the ptl. Simplification: an uptodate page is mapped without taking its lock (the kernel's
// filemap_fault locks it); the lookup reference alone keeps reclaim's and migration's freeze from
// succeeding until the PTE holds its own reference, so the page mapped is always the cached one.
import { PAGE_WORDS, PF_FLAGS, PF_INDEX, PF_MAPCOUNT, PF_MAPPING, PG_locked, PG_lru, PG_uptodate, PTE_PRESENT, PTE_WRITE, Z_LRU_LOCK, pteMake } from '../layout.js';
import { fileMapping, slotCell, xaLockOf } from '../pagecache.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';

const EEXIST = -2; // add_to_page_cache lost the slot to another inserter
const ENOMEM = -1;

export interface FilemapFault {
  /** The fault on the none PTE at cell (under ptl) for page index idx of the file; the access then retries. */
  filemapFault(cell: number, ptl: number, idx: number): void;
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
  // unlocks it. Returns the page with our allocation reference (the caller's lookup reference).
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
      return EEXIST;
    }
    Atomics.store(w, slot, p + 1);
    spinUnlock(w, xa);
    spinLock(w, lruLock, t.tid); // lru_cache_add()
    Atomics.or(w, pa(p, PF_FLAGS), PG_lru);
    spinUnlock(w, lruLock);
    Atomics.or(w, pa(p, PF_FLAGS), PG_uptodate); // the read completed: SetPageUptodate()
    lock.unlockPage(p);
    w[st + STAT.filemapAllocs]++;
    return p;
  };

  return {
    // filemap_fault() + finish_fault() (v4.19), for a none PTE.
    filemapFault(cell, ptl, idx) {
      w[st + STAT.filemapFaults]++;
      delay(SITE.faultEntry);
      const slot = slotCell(m, file, idx);
      let p: number;
      for (;;) {
        p = findGetPage(slot);
        if (p < 0) {
          p = pageCacheRead(slot, idx);
          if (p === EEXIST) continue;
          if (p < 0) return; // no memory: the access retries
        }
        // §4.6 step 4: a page still being read; wait for its lock, then check it is still the cached one.
        if (!(Atomics.load(w, pa(p, PF_FLAGS)) & PG_uptodate)) {
          lock.lockPage(p);
          const ok = Atomics.load(w, pa(p, PF_MAPPING)) === mapping && Atomics.load(w, slot) === p + 1 &&
            (Atomics.load(w, pa(p, PF_FLAGS)) & PG_uptodate) !== 0;
          lock.unlockPage(p);
          if (!ok) { pg.putPage(p); continue; }
        }
        break;
      }
      // alloc_set_pte(): under the ptl, map it if the PTE is still none (the mapping's own reference).
      spinLock(w, ptl, t.tid);
      if (Atomics.load(w, cell) === 0) {
        pg.getPage(p);
        Atomics.add(w, pa(p, PF_MAPCOUNT), 1); // page_add_file_rmap()
        Atomics.store(w, cell, pteMake(p, PTE_PRESENT | PTE_WRITE));
      }
      spinUnlock(w, ptl);
      pg.putPage(p); // the lookup reference
    },
  };
}
