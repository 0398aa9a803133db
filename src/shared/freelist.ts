// A simple zone free list: order-0 buddy lists per migratetype under the zone lock. It is the
// default put_page() free hook until the per-CPU allocator replaces it (alloc issue).
import { PAGE_WORDS, PF_FLAGS, PF_MT, PG_buddy, Z_FREE_COUNT, Z_FREE_LISTS, Z_LOCK, MIGRATE_MOVABLE } from './layout.js';
import type { Mem } from './memory.js';
import { listAddTail, listPopFirst, type ListShape } from './list.js';
import { spinLock, spinUnlock } from './spinlock.js';

export interface SimpleAllocator {
  /** __free_one_page() at order 0: onto the buddy list, PageBuddy set. */
  freePage(pfn: number): void;
  /** Takes a page off the buddy list with refcount 1, or returns -1. */
  allocPage(): number;
}

export const lruShape = (m: Mem): ListShape => ({ linkBase: m.L.lru, stride: 2, next: 0, prev: 1 });

export function makeSimpleAllocator(m: Mem, tid: number): SimpleAllocator {
  const w = m.w;
  const z = m.L.zone;
  const shape = lruShape(m);
  const list = z + Z_FREE_LISTS + 2 * MIGRATE_MOVABLE;
  return {
    freePage(pfn) {
      const a = m.L.pages + pfn * PAGE_WORDS;
      spinLock(w, z + Z_LOCK, tid);
      listAddTail(w, shape, list, pfn);
      w[a + PF_MT] = MIGRATE_MOVABLE;
      Atomics.or(w, a + PF_FLAGS, PG_buddy);
      w[z + Z_FREE_COUNT + MIGRATE_MOVABLE]++;
      spinUnlock(w, z + Z_LOCK);
    },
    allocPage() {
      spinLock(w, z + Z_LOCK, tid);
      const pfn = listPopFirst(w, shape, list);
      if (pfn >= 0) {
        w[z + Z_FREE_COUNT + MIGRATE_MOVABLE]--;
        const a = m.L.pages + pfn * PAGE_WORDS;
        Atomics.and(w, a + PF_FLAGS, ~PG_buddy);
        Atomics.store(w, a, 1); // set_page_refcounted()
      }
      spinUnlock(w, z + Z_LOCK);
      return pfn;
    },
  };
}
