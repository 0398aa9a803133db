// The page lock (mm/filemap.c v4.19/v5.0): trylock_page, lock_page, unlock_page,
// wait_on_page_locked and put_and_wait_on_page_locked, over the hashed waitqueues.
import { PAGE_WORDS, PF_FLAGS, PG_locked, PG_waiters, RELEASE_BROKEN_UNLOCK, RELEASE_UNLOCK_PAGE } from './layout.js';
import type { Mem } from './memory.js';
import type { PageOps } from './page.js';
import { DROP, EXCLUSIVE, SHARED, type Waitqueue } from './waitqueue.js';
import { SITE, type DelayFn } from './cost.js';
import { noteRelease as noteBucketRelease } from './lost-wakeup-dump.js';

/**
 * How unlock_page() releases the bit. Only 'unlock-page' is the kernel; the two broken forms are
 * known-buggy controls that the lost-wakeup tests must catch.
 */
export const UNLOCK_VARIANTS = ['unlock-page', 'broken-load-then-clear', 'broken-nonatomic-clear'] as const;
export type UnlockVariant = (typeof UNLOCK_VARIANTS)[number];

export interface PageLock {
  trylockPage(pfn: number): boolean;
  lockPage(pfn: number): void;
  unlockPage(pfn: number): void;
  /** wait_on_page_locked(): SHARED wait, the caller keeps its reference throughout. */
  waitOnPageLocked(pfn: number): void;
  /** put_and_wait_on_page_locked() (v5.0): DROP wait, the caller's reference is consumed. */
  putAndWaitOnPageLocked(pfn: number): void;
}

/**
 * tid: the task that releases. With trackReleases each release is noted in its waitqueue bucket for
 * the FO1 state dump; it is instrumentation (four stores to a shared line), so it is off unless a
 * scenario asks for it.
 */
export function makePageLock(
  m: Mem, pg: PageOps, wq: Waitqueue, delay: DelayFn, unlock: UnlockVariant = 'unlock-page', tid = -1, trackReleases = false,
): PageLock {
  const w = m.w;
  const noteRelease = trackReleases ? (h: number, how: number, old: number): void => noteBucketRelease(m, h, tid, how, old) : (): void => {};
  const base = m.L.pages;
  const fa = (pfn: number): number => base + pfn * PAGE_WORDS + PF_FLAGS;
  const head = pg.compoundHead;

  // unlock_page(): ONE atomic clear whose old value says whether PG_waiters was set
  // (clear_bit_unlock_is_negative_byte); then wake_up_page_bit() only if it was.
  const unlockPage = (pfn: number): void => {
    const h = head(pfn);
    const old = Atomics.and(w, fa(h), ~PG_locked);
    noteRelease(h, RELEASE_UNLOCK_PAGE, old);
    if (old & PG_waiters) wq.wakeUpPageBit(h, PG_locked);
  };
  // Broken: reads PG_waiters in a separate load before clearing PG_locked. A waiter that sets
  // PG_waiters between the two, then sees PG_locked still set and sleeps, is never woken.
  const unlockLoadThenClear = (pfn: number): void => {
    const h = head(pfn);
    const waiters = Atomics.load(w, fa(h)) & PG_waiters;
    delay(SITE.unlockGap);
    noteRelease(h, RELEASE_BROKEN_UNLOCK, Atomics.and(w, fa(h), ~PG_locked));
    if (waiters) wq.wakeUpPageBit(h, PG_locked);
  };
  // Broken: __ClearPageLocked-style load/store; can also erase a concurrent SetPageWaiters.
  const unlockNonatomic = (pfn: number): void => {
    const h = head(pfn);
    const old = Atomics.load(w, fa(h));
    delay(SITE.unlockGap);
    Atomics.store(w, fa(h), old & ~PG_locked);
    noteRelease(h, RELEASE_BROKEN_UNLOCK, old);
    if (old & PG_waiters) wq.wakeUpPageBit(h, PG_locked);
  };

  const trylockPage = (pfn: number): boolean => !(Atomics.or(w, fa(head(pfn)), PG_locked) & PG_locked);

  return {
    trylockPage,
    lockPage(pfn) {
      if (!trylockPage(pfn)) wq.waitOnPageBitCommon(head(pfn), PG_locked, EXCLUSIVE); // __lock_page()
    },
    unlockPage: unlock === 'unlock-page' ? unlockPage : unlock === 'broken-load-then-clear' ? unlockLoadThenClear : unlockNonatomic,
    waitOnPageLocked(pfn) {
      const h = head(pfn);
      if (Atomics.load(w, fa(h)) & PG_locked) wq.waitOnPageBitCommon(h, PG_locked, SHARED);
    },
    putAndWaitOnPageLocked(pfn) {
      wq.waitOnPageBitCommon(head(pfn), PG_locked, DROP);
    },
  };
}
