// struct page refcount primitives (include/linux/page_ref.h, mm/swap.c, v4.17+ semantics).
// Every refcount change is one Atomics operation on the frame's _refcount word.
import { PAGE_WORDS, PF_FLAGS, PF_HEAD, PF_REF, PG_lru, PG_waiters, Z_LRU_LOCK } from './layout.js';
import type { Mem } from './memory.js';
import { recordForbidden } from './forbidden.js';
import { spinLock, spinUnlock } from './spinlock.js';

/** Where a page goes when its count reaches zero: free_unref_page() (filled in by the allocator). */
export type FreeHook = (pfn: number) => void;

export interface PageOps {
  /** compound_head(): the head frame of a tail page, else the page itself. */
  compoundHead(pfn: number): number;
  /** get_page(): +1 on the compound head; the caller must already hold a reference. */
  getPage(pfn: number): void;
  /** get_page_unless_zero(): page_ref_add_unless(page, 1, 0), a CAS loop on this frame. */
  getPageUnlessZero(pfn: number): boolean;
  /** put_page(): -1 on compound_head() read first; frees at zero, records FO3 below zero. */
  putPage(pfn: number): void;
  /** page_ref_freeze(): one CAS n -> 0; proves exactly n holders and fails every later get. */
  pageRefFreeze(pfn: number, n: number): boolean;
  /** page_ref_unfreeze(): a (release) store of n onto a frozen 0 count; not an add. */
  pageRefUnfreeze(pfn: number, n: number): void;
  /** page_count() / page_ref_count(). */
  pageCount(pfn: number): number;
}

export function makePageOps(m: Mem, tid: number, freeHook: FreeHook): PageOps {
  const w = m.w;
  const base = m.L.pages;
  const lruLock = m.L.zone + Z_LRU_LOCK;

  const compoundHead = (pfn: number): number => {
    const h = Atomics.load(w, base + pfn * PAGE_WORDS + PF_HEAD);
    return h === 0 ? pfn : h - 1;
  };

  // __put_page() -> __page_cache_release(): off the LRU, PG_waiters cleared, then freed.
  const putPageTestzero = (pfn: number): void => {
    const f = base + pfn * PAGE_WORDS + PF_FLAGS;
    if (Atomics.load(w, f) & PG_lru) {
      spinLock(w, lruLock, tid);
      Atomics.and(w, f, ~PG_lru);
      spinUnlock(w, lruLock);
    }
    w[f] = Atomics.load(w, f) & ~PG_waiters; // non-atomic in v4.19 __page_cache_release
    freeHook(pfn);
  };

  return {
    compoundHead,
    getPage(pfn) {
      Atomics.add(w, base + compoundHead(pfn) * PAGE_WORDS + PF_REF, 1);
    },
    getPageUnlessZero(pfn) {
      const a = base + pfn * PAGE_WORDS + PF_REF;
      let c = Atomics.load(w, a);
      while (c !== 0) {
        const old = Atomics.compareExchange(w, a, c, c + 1);
        if (old === c) return true;
        c = old;
      }
      return false;
    },
    putPage(pfn) {
      const h = compoundHead(pfn);
      const a = base + h * PAGE_WORDS + PF_REF;
      const old = Atomics.sub(w, a, 1);
      if (old > 1) return;
      if (old === 1) { putPageTestzero(h); return; }
      // VM_BUG_ON_PAGE(page_ref_count(page) == 0): record FO3 and undo so the run can drain.
      Atomics.add(w, a, 1);
      recordForbidden(m, 'refcount-underflow', h, pfn, old, tid);
    },
    pageRefFreeze(pfn, n) {
      return Atomics.compareExchange(w, base + pfn * PAGE_WORDS + PF_REF, n, 0) === n;
    },
    pageRefUnfreeze(pfn, n) {
      const a = base + pfn * PAGE_WORDS + PF_REF;
      const c = Atomics.load(w, a);
      if (c !== 0) recordForbidden(m, 'unfreeze-nonzero', pfn, c, n, tid);
      Atomics.store(w, a, n);
    },
    pageCount(pfn) {
      return Atomics.load(w, base + compoundHead(pfn) * PAGE_WORDS + PF_REF);
    },
  };
}
