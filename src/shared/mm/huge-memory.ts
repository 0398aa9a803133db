// split_huge_page_to_list() of a PTE-mapped anonymous THP (mm/huge_memory.c v4.19 shape, simplified
// as in kernel-model.md §9) with the THP_TAIL_ORDER switch of 605ca5ede764, plus the harness's
// in-place re-forming of the THP so that a run can split it again.
import {
  ANON_MAPPING, PAGE_WORDS, PF_FLAGS, PF_HEAD, PF_INDEX, PF_MAPCOUNT, PF_MAPPING, PF_REF, PG_active, PG_dirty, PG_head, PG_locked,
  PG_referenced, PG_swapbacked, PG_uptodate,
} from '../layout.js';
import type { Mem } from '../memory.js';
import { recordForbidden } from '../forbidden.js';
import type { TlbOps } from '../pagetable.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';
import { removeMigrationPtes, tryToUnmapMigration } from './rmap.js';
import { EAGAIN, EBUSY, SUCCESS } from './move-mapping.js';

/** How __split_huge_page_tail() publishes a tail: v4.5–v4.16 vs 605ca5ede764 (v4.17+). */
export const TAIL_ORDERS = ['unfreeze-then-clear-head', 'clear-head-then-unfreeze'] as const;
export type TailOrder = (typeof TAIL_ORDERS)[number];

/** A compound page: frames head .. head + nr - 1, each subpage mapped by `mappings` PTEs. */
export interface Thp {
  head: number;
  nr: number;
  mappings: number;
}

// The v4.19 list of head flags __split_huge_page_tail() copies (those the model keeps), PG_locked included.
export const TAIL_COPIED_FLAGS = PG_referenced | PG_swapbacked | PG_uptodate | PG_active | PG_locked | PG_dirty;

export interface HugeMemory {
  /** split_huge_page(head) by its caller (who takes and drops its own pin): SUCCESS, EBUSY or EAGAIN. */
  splitHugePage(x: Thp): number;
  /** Harness: re-forms the split subpages into one compound page in place; false to retry later. */
  reformHugePage(x: Thp): boolean;
}

export function makeHugeMemory(t: Task, tlb: TlbOps, order: TailOrder): HugeMemory {
  const { m, pg, lock, delay } = t;
  const w = m.w;
  const st = t.stats;
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;

  // Harness sentinel: a page's own count can never be below the holders its caller knows of (its
  // present PTEs, its pin); lower means someone put a reference it did not hold (FO3 family).
  const atLeast = (pfn: number, holders: number): boolean => {
    const c = Atomics.load(w, pa(pfn, PF_REF));
    if (c >= holders) return true;
    recordForbidden(m, 'refcount-lost', pfn, c, holders, t.tid);
    return false;
  };

  // __split_huge_page_tail() before 605ca5ede764 (v4.5–v4.16): the count first (an atomic add, since a
  // get_page_unless_zero() on the tail may race with it), then the flags, then the compound head pointer.
  const splitTailUnfreezeFirst = (head: number, tail: number): void => {
    Atomics.add(w, pa(tail, PF_REF), 1); // page_ref_inc(page_tail): anon, not in the swap cache
    delay(SITE.splitTailGap);
    if (Atomics.load(w, pa(tail, PF_REF)) > 1) w[st + STAT.thpWindowRefs]++; // a get_page_unless_zero landed in the window
    w[pa(tail, PF_FLAGS)] = Atomics.load(w, pa(head, PF_FLAGS)) & TAIL_COPIED_FLAGS; // flags &= ~CHECK_AT_PREP; |= head's (non-atomic)
    Atomics.store(w, pa(tail, PF_HEAD), 0); // smp_wmb(); clear_compound_head()
    Atomics.store(w, pa(tail, PF_MAPPING), ANON_MAPPING); // page_tail->mapping = head->mapping (index kept: see reform)
  };

  // __split_huge_page_tail() since 605ca5ede764 (v4.17; mapping before the unfreeze since 173d9d9fd3dd,
  // v4.20): the tail looks like a normal page before its count becomes non-zero.
  const splitTailClearHeadFirst = (head: number, tail: number): void => {
    w[pa(tail, PF_FLAGS)] = Atomics.load(w, pa(head, PF_FLAGS)) & TAIL_COPIED_FLAGS;
    Atomics.store(w, pa(tail, PF_MAPPING), ANON_MAPPING);
    Atomics.store(w, pa(tail, PF_HEAD), 0); // smp_wmb(); clear_compound_head()
    delay(SITE.splitTailGap);
    pg.pageRefUnfreeze(tail, 1); // page_ref_unfreeze(page_tail, 1 + !PageAnon)
  };

  const hook = t.hooks.splitTail; // a patch's __split_huge_page_tail() (HOOKS.splitTail)
  const splitTail = hook ? (head: number, tail: number): void => hook(t, head, tail) : order === 'unfreeze-then-clear-head' ? splitTailUnfreezeFirst : splitTailClearHeadFirst;

  // remap_page() (v4.19): every subpage's migration entries point back at that subpage.
  const remapPage = (x: Thp): void => {
    for (let i = 0; i < x.nr; i++) removeMigrationPtes(t, x.head + i, x.head + i);
  };

  return {
    // split_huge_page_to_list() -> __split_huge_page() (v4.19), anon THP mapped by PTEs only.
    splitHugePage(x) {
      const h = x.head;
      const mapped = x.nr * x.mappings;
      if (!pg.getPageUnlessZero(h)) return EAGAIN; // the caller's pin
      if (!atLeast(h, 1 + mapped) || !lock.trylockPage(h)) { pg.putPage(h); return EAGAIN; }
      // unmap_page(): TTU_SPLIT_FREEZE installs a migration entry for every subpage PTE; each dropped
      // mapping reference is the head's (put_page resolves compound_head).
      let unmapped = true;
      for (let i = 0; i < x.nr; i++) unmapped = tryToUnmapMigration(t, tlb, h + i) && unmapped;
      // can_split_huge_page() + page_ref_freeze(head, 1 + extra_pins): only the caller's pin is left.
      if (!unmapped || !pg.pageRefFreeze(h, 1)) {
        remapPage(x);
        lock.unlockPage(h);
        pg.putPage(h);
        w[st + STAT.thpSplitBusy]++;
        return EBUSY;
      }
      for (let i = x.nr - 1; i >= 1; i--) splitTail(h, h + i);
      Atomics.and(w, pa(h, PF_FLAGS), ~PG_head); // ClearPageCompound(head)
      Atomics.add(w, pa(h, PF_REF), 1); // page_ref_inc(head): the caller's pin counts again
      remapPage(x);
      // Sentinel: the head holds the pin and its PTEs, each tail its split reference and its PTEs.
      for (let i = 0; i < x.nr; i++) atLeast(h + i, 1 + x.mappings);
      // Tail by tail: unlock_page(subpage) wakes its waiters, put_page() drops the split's reference.
      for (let i = 1; i < x.nr; i++) {
        lock.unlockPage(h + i);
        pg.putPage(h + i);
      }
      lock.unlockPage(h); // the caller's unlock_page() and put_page()
      pg.putPage(h);
      w[st + STAT.thpSplits]++;
      return SUCCESS;
    },

    // Harness, not kernel: collapse the split subpages back in place. Every PTE is present now, so no
    // new reference can appear (faulters take theirs only on migration entries); freezing each
    // subpage at its mapcount proves nobody else holds one. The mapping references then move to the head.
    reformHugePage(x) {
      const h = x.head;
      let locked = 0;
      while (locked < x.nr && lock.trylockPage(h + locked)) locked++;
      let frozen = 0;
      if (locked === x.nr) {
        while (frozen < x.nr && Atomics.load(w, pa(h + frozen, PF_MAPCOUNT)) === x.mappings && pg.pageRefFreeze(h + frozen, x.mappings)) frozen++;
        if (frozen < x.nr) atLeast(h + frozen, x.mappings);
      }
      if (frozen < x.nr) {
        for (let i = 0; i < frozen; i++) pg.pageRefUnfreeze(h + i, x.mappings);
        for (let i = 0; i < locked; i++) lock.unlockPage(h + i);
        w[st + STAT.thpReformBusy]++;
        return false;
      }
      for (let i = 1; i < x.nr; i++) {
        lock.unlockPage(h + i); // wakes any put-and-wait sleeper still queued on the tail
        w[pa(h + i, PF_FLAGS)] = 0; // a tail's own flags are unused while it is compound
        Atomics.store(w, pa(h + i, PF_MAPPING), 0);
        Atomics.store(w, pa(h + i, PF_HEAD), h + 1); // prep_compound_tail(): count stays 0
      }
      Atomics.or(w, pa(h, PF_FLAGS), PG_head);
      pg.pageRefUnfreeze(h, x.nr * x.mappings); // every subpage mapping's reference is the head's
      lock.unlockPage(h);
      w[st + STAT.thpReforms]++;
      return true;
    },
  };
}

/** Harness boot: frames head .. head + nr - 1 become one compound page mapped by `mappings` PTEs per subpage. */
export function prepCompoundPage(m: Mem, x: Thp, firstIndex: number): void {
  const w = m.w;
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;
  for (let i = 0; i < x.nr; i++) {
    const p = x.head + i;
    w.fill(0, pa(p, 0), pa(p, PAGE_WORDS));
    w[pa(p, PF_MAPCOUNT)] = x.mappings;
    w[pa(p, PF_INDEX)] = firstIndex + i; // the model's rmap: index i is mapped at PTE slot i
    if (i > 0) w[pa(p, PF_HEAD)] = x.head + 1;
  }
  w[pa(x.head, PF_FLAGS)] = PG_head | PG_uptodate | PG_swapbacked;
  w[pa(x.head, PF_MAPPING)] = ANON_MAPPING;
  Atomics.store(w, pa(x.head, PF_REF), x.nr * x.mappings);
}
