// The zone's order-0 buddy free lists, one per migratetype including ISOLATE, all under zone->lock
// (v5.8 mm/page_alloc.c). Order 0 only: no merging, no splitting, so a free page is one frame.
import {
  MIGRATE_ISOLATE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_TYPES, MIGRATE_UNMOVABLE, NIL,
  PF_FLAGS, PF_MT, PF_PRIVATE, PG_buddy, Z_NR_ISOLATE,
} from '../layout.js';
import { listDel } from '../list.js';
import { recordForbidden } from '../forbidden.js';
import type { AllocCtx } from './ctx.js';
import { recordConservation } from './conservation.js';
import { LOC_NONE, listAdd, listFirst, locBuddy } from './zone.js';

// fallbacks[] of v5.8: the lists a request may fall back to; ISOLATE is never one of them.
const FALLBACKS: readonly (readonly number[])[] = [
  [MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE], // UNMOVABLE
  [MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE], // MOVABLE
  [MIGRATE_UNMOVABLE, MIGRATE_MOVABLE], // RECLAIMABLE
];

export interface Buddy {
  /** __free_one_page(page, pfn, zone, 0, mt), v5.8: caller holds zone->lock. */
  freeOnePageLocked(pfn: number, mt: number): void;
  /** free_one_page(), v5.8: takes zone->lock, re-reads the block type if the zone has isolated blocks. */
  freeOnePage(pfn: number, mt: number): void;
  /** __rmqueue(zone, 0, mt), v5.8: caller holds zone->lock; -1 when empty. Never takes from ISOLATE. */
  rmqueueLocked(mt: number): number;
  /** move_freepages_block(zone, page, mt), v5.8: caller holds zone->lock; returns pages moved. */
  moveFreepagesBlock(block: number, mt: number): number;
  /** del_page_from_free_list(), v5.8: caller holds zone->lock; mt is the list holding the page. */
  delPageFromFreeList(pfn: number, mt: number): void;
  /** get_pfnblock_migratetype(): one unlocked word read. */
  blockMt(pfn: number): number;
}

export function makeBuddy(c: AllocCtx): Buddy {
  const { w, shape } = c;
  const nrIsolate = c.zone + Z_NR_ISOLATE;
  const blockMt = (pfn: number): number => Atomics.load(w, c.blockOfPfn(pfn));

  const freeOnePageLocked = (pfn: number, mt: number): void => {
    listAdd(w, shape, c.freeList(mt), pfn);
    w[c.pf(pfn, PF_PRIVATE)] = locBuddy(mt); // set_buddy_order(): private names the list here
    Atomics.or(w, c.pf(pfn, PF_FLAGS), PG_buddy); // __SetPageBuddy()
    w[c.freeCount(mt)]++;
  };

  const delPageFromFreeList = (pfn: number, mt: number): void => {
    listDel(w, shape, c.freeList(mt), pfn);
    w[c.freeCount(mt)]--;
    Atomics.and(w, c.pf(pfn, PF_FLAGS), ~PG_buddy); // __ClearPageBuddy()
    w[c.pf(pfn, PF_PRIVATE)] = LOC_NONE;
  };

  // __rmqueue_smallest(zone, 0, mt), v5.8: first page of the list; set_pcppage_migratetype(mt).
  const rmqueueSmallest = (mt: number, from: number): number => {
    const pfn = listFirst(w, c.freeList(from));
    if (pfn < 0) return -1;
    delPageFromFreeList(pfn, from);
    w[c.pf(pfn, PF_MT)] = mt;
    // Buddy pages of an ISOLATE block live on the ISOLATE list only; handing one out is a bug.
    if (blockMt(pfn) === MIGRATE_ISOLATE) recordForbidden(c.m, 'isolate-alloc', pfn, from, c.cpu, c.tid);
    return pfn;
  };

  return {
    freeOnePageLocked,
    freeOnePage(pfn, mt) {
      c.zoneLock();
      if (w[nrIsolate] > 0 || mt === MIGRATE_ISOLATE) mt = blockMt(pfn);
      freeOnePageLocked(pfn, mt);
      c.zoneUnlock();
    },
    rmqueueLocked(mt) {
      const pfn = rmqueueSmallest(mt, mt);
      if (pfn >= 0 || mt >= FALLBACKS.length) return pfn;
      // __rmqueue_fallback(), order 0: take one page of a fallback type; block stealing is not modelled.
      for (const fb of FALLBACKS[mt]) {
        if (w[c.freeList(fb)] !== NIL) return rmqueueSmallest(mt, fb);
      }
      return -1;
    },
    moveFreepagesBlock(block, mt) {
      const start = block * c.pagesPerBlock;
      const end = Math.min(start + c.pagesPerBlock, c.nPages);
      let moved = 0;
      for (let pfn = start; pfn < end; pfn++) {
        if (!(Atomics.load(w, c.pf(pfn, PF_FLAGS)) & PG_buddy)) continue;
        const from = w[c.pf(pfn, PF_PRIVATE)] - 1;
        // A PageBuddy frame whose private names no buddy list: FO4, leave it rather than spread it.
        if (!(from >= 0 && from < MIGRATE_TYPES)) { recordConservation(c.m, pfn, 'location', from + 1, c.tid); continue; }
        delPageFromFreeList(pfn, from);
        freeOnePageLocked(pfn, mt); // move_to_free_list(): list_move to the head of mt's list
        moved++;
      }
      return moved;
    },
    delPageFromFreeList,
    blockMt,
  };
}

