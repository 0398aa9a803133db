// Taking an isolated range's free frames out of the zone and giving them back: the page half of
// __offline_isolated_pages() (v5.8) and of online_pages() -> generic_online_page() (v5.8).
// Model choice: an offline block keeps MIGRATE_ISOLATE and its nr_isolate_pageblock count until it
// is onlined, so nr_isolate_pageblock always equals the number of ISOLATE blocks.
import { MIGRATE_ISOLATE, MIGRATE_MOVABLE, MIGRATE_TYPES, PF_FLAGS, PF_PRIVATE, PF_REF, PG_buddy, PG_offline, Z_NR_ISOLATE } from '../layout.js';
import { recordConservation } from './conservation.js';
import type { AllocCtx } from './ctx.js';
import type { Buddy } from './buddy.js';
import { blockRange } from './isolation.js';

export interface Offline {
  /** __offline_isolated_pages(start, end), v5.8: buddy frames leave the free lists as PG_offline; returns frames offline. */
  offlineIsolatedPages(startPfn: number, endPfn: number): number;
  /** online_pages(), v5.8: blocks back to MOVABLE, each PG_offline frame freed to the MOVABLE buddy list; returns frames onlined. */
  onlinePages(startPfn: number, endPfn: number): number;
}

export function makeOffline(c: AllocCtx, buddy: Buddy): Offline {
  const w = c.w;
  const nrIsolate = c.zone + Z_NR_ISOLATE;
  return {
    offlineIsolatedPages(startPfn, endPfn) {
      blockRange(c, startPfn, endPfn);
      let offlined = 0;
      c.zoneLock();
      for (let pfn = startPfn; pfn < endPfn; pfn++) {
        const f = c.pf(pfn, PF_FLAGS);
        const flags = Atomics.load(w, f);
        const ref = Atomics.load(w, c.pf(pfn, PF_REF));
        const from = w[c.pf(pfn, PF_PRIVATE)] - 1;
        if ((flags & PG_offline) && !(flags & PG_buddy) && ref === 0) { offlined++; continue; }
        // BUG_ON(page_count(page)) / BUG_ON(!PageBuddy(page)): the caller skipped test_pages_isolated.
        if (!(flags & PG_buddy) || ref !== 0 || !(from >= 0 && from < MIGRATE_TYPES)) {
          recordConservation(c.m, pfn, 'bad-offline', ref, c.tid);
          continue;
        }
        buddy.delPageFromFreeList(pfn, from);
        Atomics.or(w, f, PG_offline);
        offlined++;
      }
      c.zoneUnlock();
      return offlined;
    },
    onlinePages(startPfn, endPfn) {
      const [b0, b1] = blockRange(c, startPfn, endPfn);
      let onlined = 0;
      c.zoneLock();
      // memmap_init_zone(MEMINIT_HOTPLUG) makes every block MOVABLE before the frames are freed.
      for (let b = b0; b < b1; b++) {
        if (Atomics.load(w, c.blockWord(b)) !== MIGRATE_ISOLATE) continue;
        buddy.moveFreepagesBlock(b, MIGRATE_MOVABLE);
        Atomics.store(w, c.blockWord(b), MIGRATE_MOVABLE);
        w[nrIsolate]--;
      }
      for (let pfn = startPfn; pfn < endPfn; pfn++) {
        const f = c.pf(pfn, PF_FLAGS);
        if (!(Atomics.load(w, f) & PG_offline)) continue;
        Atomics.and(w, f, ~PG_offline); // __ClearPageOffline()
        buddy.freeOnePageLocked(pfn, buddy.blockMt(pfn)); // generic_online_page() -> __free_pages_core()
        onlined++;
      }
      c.zoneUnlock();
      return onlined;
    },
  };
}
