// LRU isolation and putback (mm/vmscan.c isolate_lru_page, mm/migrate.c putback_lru_page, v4.19).
// Membership is the PG_lru bit under the lru lock; being on the LRU holds no reference (§0.4).
import { PAGE_WORDS, PF_FLAGS, PG_lru, Z_LRU_LOCK } from '../layout.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import type { Task } from '../task.js';

/** isolate_lru_page(): the caller holds a reference; takes PG_lru and an isolation reference. */
export function isolateLruPage(t: Task, pfn: number): boolean {
  const w = t.m.w;
  const lock = t.m.L.zone + Z_LRU_LOCK;
  const f = t.m.L.pages + pfn * PAGE_WORDS + PF_FLAGS;
  spinLock(w, lock, t.tid);
  const ok = (Atomics.load(w, f) & PG_lru) !== 0;
  if (ok) {
    Atomics.and(w, f, ~PG_lru);
    t.pg.getPage(pfn);
  }
  spinUnlock(w, lock);
  return ok;
}

/** putback_lru_page(): back on the LRU, then drop the isolation (or allocation) reference. */
export function putbackLruPage(t: Task, pfn: number): void {
  const w = t.m.w;
  const lock = t.m.L.zone + Z_LRU_LOCK;
  spinLock(w, lock, t.tid);
  Atomics.or(w, t.m.L.pages + pfn * PAGE_WORDS + PF_FLAGS, PG_lru);
  spinUnlock(w, lock);
  t.pg.putPage(pfn);
}
