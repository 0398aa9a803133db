// The kernel-model steps a hook may call, as plain functions of the task (the same operations the
// built-in variants call through task.pg, task.lock and task.wq). Each names the kernel function.
import { PAGE_WORDS, PF_FLAGS, PG_locked, PG_waiters } from '../shared/layout.js';
import { DROP, EXCLUSIVE, SHARED } from '../shared/waitqueue.js';
import type { Task } from '../shared/task.js';
import { expectedPageRefs } from '../shared/mm/move-mapping.js';

/** get_page_unless_zero(): +1 unless the count is 0 (free or frozen). */
export const getPageUnlessZero = (t: Task, pfn: number): boolean => t.pg.getPageUnlessZero(pfn);
/** get_page(): +1 on the compound head; the caller already holds a reference. */
export const getPage = (t: Task, pfn: number): void => t.pg.getPage(pfn);
/** put_page(): -1 on compound_head(); frees at 0, records a refcount underflow below 0. */
export const putPage = (t: Task, pfn: number): void => t.pg.putPage(pfn);
/** page_ref_freeze(): one CAS n -> 0. */
export const pageRefFreeze = (t: Task, pfn: number, n: number): boolean => t.pg.pageRefFreeze(pfn, n);
/** page_ref_unfreeze(): store n onto a frozen 0. */
export const pageRefUnfreeze = (t: Task, pfn: number, n: number): void => t.pg.pageRefUnfreeze(pfn, n);
/** page_count(). */
export const pageCount = (t: Task, pfn: number): number => t.pg.pageCount(pfn);
/** trylock_page(). */
export const trylockPage = (t: Task, pfn: number): boolean => t.lock.trylockPage(pfn);
/** lock_page(): sleeps EXCLUSIVE until the bit is ours. */
export const lockPage = (t: Task, pfn: number): void => t.lock.lockPage(pfn);
/** unlock_page() as this task's variant does it (a patch's unlockPage hook if it has one). */
export const unlockPage = (t: Task, pfn: number): void => t.lock.unlockPage(pfn);
/** wait_on_page_locked() (v4.19): SHARED wait, the caller keeps its reference. */
export const waitOnPageLocked = (t: Task, pfn: number): void => t.lock.waitOnPageLocked(pfn);
/** put_and_wait_on_page_locked() (v5.0 9a1ea439b16b): DROP wait, the caller's reference is consumed once queued. */
export const putAndWaitOnPageLocked = (t: Task, pfn: number): void => t.lock.putAndWaitOnPageLocked(pfn);
/** wait_on_page_bit_common(): behavior EXCLUSIVE (0), SHARED (1) or DROP (2). */
export const waitOnPageBitCommon = (t: Task, pfn: number, bit: number, behavior: 0 | 1 | 2): void => t.wq.waitOnPageBitCommon(pfn, bit, behavior);
/** wake_up_page_bit(). */
export const wakeUpPageBit = (t: Task, pfn: number, bit: number): void => t.wq.wakeUpPageBit(pfn, bit);
/** When this task's last DROP wait put its reference (ns, the run clock), for refHold figures. */
export const lastDropPutNs = (t: Task): number => t.wq.lastDropPutNs();
/** The word of page->flags (Atomics on task.m.w). */
export const pageFlagsWord = (t: Task, pfn: number): number => t.m.L.pages + pfn * PAGE_WORDS + PF_FLAGS;
/** PageLocked() of the compound head. */
export const pageLocked = (t: Task, pfn: number): boolean => (Atomics.load(t.m.w, pageFlagsWord(t, t.pg.compoundHead(pfn))) & PG_locked) !== 0;
/** Adds n to one of the patch's counters (task.counters[name] is its word; the hot path may bump it directly). */
export const countEvent = (t: Task, name: string, n = 1): void => { t.m.w[t.counters[name]] += n; };

export { DROP, EXCLUSIVE, SHARED, PG_locked, PG_waiters };

/** folio_test_waiters(): PG_waiters, set by whoever sleeps on (or waits for) the folio's lock. */
export const pageWaiters = (t: Task, pfn: number): boolean => (Atomics.load(t.m.w, pageFlagsWord(t, pfn)) & PG_waiters) !== 0;
/** folio_expected_refs() of the v6.x path: our isolation reference, + the page cache's for a mapped file or shmem folio. */
export const expectedRefs = (t: Task, pfn: number): number => expectedPageRefs(t, pfn);
/** Spends the cost model's named site (e.g. SITE.staticKeyToggle): the step's time, as the built-in steps do. */
export const spend = (t: Task, site: number): void => t.delay(site);
export { waitVarEventTimeout, wakeUpVar, folioPutWakeupKey, toggleFolioPutWakeupKey } from '../shared/wait-var.js';
