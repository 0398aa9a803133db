// Pageblock isolation and its check (v5.8 mm/page_isolation.c). The model's zone is ZONE_MOVABLE,
// so has_unmovable_pages() never refuses a block (C002-6 is not modelled).
import { MIGRATE_ISOLATE, MIGRATE_MOVABLE, PF_FLAGS, PF_REF, PG_buddy, PG_offline, Z_NR_ISOLATE } from '../layout.js';
import type { AllocCtx } from './ctx.js';
import type { Buddy } from './buddy.js';

export const EBUSY = 16;

export interface Isolation {
  /** set_migratetype_isolate(), v5.8: 0, or -EBUSY if the block is already isolated. */
  setMigratetypeIsolate(block: number): number;
  /** unset_migratetype_isolate(), v5.8: back to mt, free pages moved back to mt's list. */
  unsetMigratetypeIsolate(block: number, mt?: number): void;
  /** start_isolate_page_range(), v5.8: 0, or -EBUSY after undoing the blocks it isolated. */
  startIsolatePageRange(startPfn: number, endPfn: number): number;
  /** undo_isolate_page_range(), v5.8. */
  undoIsolatePageRange(startPfn: number, endPfn: number, mt?: number): void;
  /** test_pages_isolated(MEMORY_OFFLINE), v5.8: -1 when isolated, else the first pfn that is not. */
  testPagesIsolated(startPfn: number, endPfn: number): number;
}

/** Pageblocks [first, last) of a pfn range; the range must start and end on block boundaries. */
export function blockRange(c: AllocCtx, startPfn: number, endPfn: number): [number, number] {
  const ppb = c.pagesPerBlock;
  const endOk = endPfn % ppb === 0 || endPfn === c.nPages;
  if (!(startPfn >= 0 && startPfn % ppb === 0 && endPfn > startPfn && endPfn <= c.nPages && endOk)) {
    throw new RangeError(`pfn range [${startPfn}, ${endPfn}) is not pageblock aligned inside 0..${c.nPages}`);
  }
  return [startPfn / ppb, Math.ceil(endPfn / ppb)];
}

/** isolateDrain: v5.8–v5.10 drain after each block; v5.11 moved the drain to the callers (false). */
export function makeIsolation(c: AllocCtx, buddy: Buddy, drainAllPages: () => unknown, isolateDrain: boolean): Isolation {
  const w = c.w;
  const nrIsolate = c.zone + Z_NR_ISOLATE;

  const setMigratetypeIsolate = (block: number): number => {
    c.zoneLock();
    if (Atomics.load(w, c.blockWord(block)) === MIGRATE_ISOLATE) { // someone else raced and isolated it
      c.zoneUnlock();
      return -EBUSY;
    }
    Atomics.store(w, c.blockWord(block), MIGRATE_ISOLATE); // set_pageblock_migratetype()
    w[nrIsolate]++;
    buddy.moveFreepagesBlock(block, MIGRATE_ISOLATE);
    c.zoneUnlock();
    if (isolateDrain) drainAllPages();
    return 0;
  };

  const unsetMigratetypeIsolate = (block: number, mt = MIGRATE_MOVABLE): void => {
    c.zoneLock();
    if (Atomics.load(w, c.blockWord(block)) === MIGRATE_ISOLATE) {
      buddy.moveFreepagesBlock(block, mt);
      Atomics.store(w, c.blockWord(block), mt);
      w[nrIsolate]--;
    }
    c.zoneUnlock();
  };

  return {
    setMigratetypeIsolate,
    unsetMigratetypeIsolate,
    startIsolatePageRange(startPfn, endPfn) {
      const [b0, b1] = blockRange(c, startPfn, endPfn);
      for (let b = b0; b < b1; b++) {
        if (setMigratetypeIsolate(b) === 0) continue;
        for (let u = b0; u < b; u++) unsetMigratetypeIsolate(u);
        return -EBUSY;
      }
      return 0;
    },
    undoIsolatePageRange(startPfn, endPfn, mt = MIGRATE_MOVABLE) {
      const [b0, b1] = blockRange(c, startPfn, endPfn);
      for (let b = b0; b < b1; b++) unsetMigratetypeIsolate(b, mt);
    },
    testPagesIsolated(startPfn, endPfn) {
      const [b0, b1] = blockRange(c, startPfn, endPfn);
      // Block types first, without the zone lock, as the kernel does.
      for (let b = b0; b < b1; b++) {
        if (Atomics.load(w, c.blockWord(b)) !== MIGRATE_ISOLATE) return b * c.pagesPerBlock;
      }
      // __test_page_isolated_in_pageblock(): PageBuddy, or PageOffline with count 0; anything else stops.
      c.zoneLock();
      let pfn = startPfn;
      for (; pfn < endPfn; pfn++) {
        const flags = Atomics.load(w, c.pf(pfn, PF_FLAGS));
        if (flags & PG_buddy) continue;
        if ((flags & PG_offline) && Atomics.load(w, c.pf(pfn, PF_REF)) === 0) continue;
        break;
      }
      c.zoneUnlock();
      return pfn < endPfn ? pfn : -1;
    },
  };
}
