// Lock-free page-cache lookup (mm/filemap.c find_get_entry / pagecache_get_page, v4.19–v5.15;
// kernel-model.md §4.6): the page-cache analogue of GUP-fast. No lock is taken; the speculative
// reference is validated by re-reading the slot, and a page that is not yet up to date (a migration
// target whose data is still being copied) is waited for under its page lock.
import { PAGE_WORDS, PF_FLAGS, PG_uptodate } from '../layout.js';
import { slotCell } from '../pagecache.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';
import { makeSpecTrace } from './spec-trace.js';

export interface PagecacheLookup {
  /** find_get_page(file, index): the frame with a reference held, or -1 on a miss (or when stopped). */
  findGetPage(file: number, index: number): number;
  /** put_page() of a page findGetPage() returned. */
  putCachePage(pfn: number): void;
}

export function makePagecacheLookup(t: Task, stopped: () => boolean): PagecacheLookup {
  const { m, pg, lock } = t;
  const w = m.w;
  const st = t.stats;
  const trace = makeSpecTrace(t);
  const flags = (pfn: number): number => Atomics.load(w, m.L.pages + pfn * PAGE_WORDS + PF_FLAGS);

  // Steps 1-3: load the slot, get_page_unless_zero, re-check the slot (retry on either failure).
  const findGetEntry = (slot: number): number => {
    for (let retry = false; ; retry = true) {
      const e = Atomics.load(w, slot);
      if (e === 0 || stopped()) return -1;
      const p = e - 1;
      trace.specBegin(p);
      // Freed or frozen: retry (a freeze's spin is classified once, not once per spin).
      if (!pg.getPageUnlessZero(p)) { trace.getFailed(p, !retry); continue; }
      const token = trace.gotRef(p);
      if (Atomics.load(w, slot) !== e) { trace.dropped(p, token); pg.putPage(p); continue; } // moved or removed
      trace.kept(p);
      return p;
    }
  };

  return {
    findGetPage(file, index) {
      const slot = slotCell(m, file, index);
      for (;;) {
        const p = findGetEntry(slot);
        if (p < 0 || flags(p) & PG_uptodate) return p;
        // Step 4: a page not yet up to date (a migration target before its copy): wait on its lock.
        w[st + STAT.lookupUptodateWait]++;
        lock.lockPage(p);
        const ok = Atomics.load(w, slot) === p + 1 && (flags(p) & PG_uptodate) !== 0;
        lock.unlockPage(p);
        if (ok) return p;
        pg.putPage(p);
        trace.unpinned(p);
      }
    },
    putCachePage(pfn) {
      pg.putPage(pfn);
      trace.unpinned(pfn); // after the put: a test that saw this reference also sees it as a pin
    },
  };
}
