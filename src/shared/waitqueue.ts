// The hashed page waitqueues (mm/filemap.c v4.19/v5.0, kernel/sched/wait.c v4.14):
// wait_on_page_bit_common() with EXCLUSIVE/SHARED/DROP, wake_up_page_bit() with the bookmark walk.
import {
  LINE, PAGE_WORDS, PF_FLAGS, PG_waiters, WAIT_TABLE_BITS, WE_BIT, WE_FLAGS, WE_LINKED, WE_NEXT, WE_PAGE, WE_PREV,
  WE_WORDS, WQ_FLAG_BOOKMARK, WQ_FLAG_EXCLUSIVE, WQ_LEN, WQ_LIST, WQ_LOCK, WQ_MAX_HOLD, NIL,
} from './layout.js';
import type { Mem } from './memory.js';
import { listAddTail, listDel, listInsertBefore, type ListShape } from './list.js';
import { spinLock, spinUnlock } from './spinlock.js';
import { makeTaskSleep, wakeTask, type SleepPolicy } from './sleep.js';
import { STAT, statRow } from './stats.js';
import { SITE, type DelayFn } from './cost.js';
import { nowNs } from './clock.js';

/** enum behavior (v5.0 9a1ea439b16b); v4.19's bool lock is EXCLUSIVE/SHARED. */
export const EXCLUSIVE = 0; // caller holds a reference; take the bit when woken (__lock_page)
export const SHARED = 1; // caller holds a reference; re-test, sleep again if set (wait_on_page_locked)
export const DROP = 2; // put the reference before sleeping; wake once, never touch the page again
export type Behavior = typeof EXCLUSIVE | typeof SHARED | typeof DROP;

/** WAITQUEUE_WALK_BREAK_CNT (v4.14): a walk inserts its bookmark after this many entries. */
export const WALK_BREAK_CNT = 64;

/** page_waitqueue(): hash_ptr(page, PAGE_WAIT_TABLE_BITS) as hash_32(pfn * GOLDEN_RATIO_32). */
export const pageWaitBucket = (pfn: number): number => Math.imul(pfn, 0x61c88647) >>> (32 - WAIT_TABLE_BITS);

export interface WaitqueueOptions {
  /** v4.14 bookmark walk (at most 65 entries per bucket-lock hold); false = v4.13 single walk. */
  bookmark: boolean;
  sleep: SleepPolicy;
  delay: DelayFn;
  /** put_page(), for DROP. */
  putPage: (pfn: number) => void;
}

export interface Waitqueue {
  waitOnPageBitCommon(pfn: number, bit: number, behavior: Behavior): void;
  /** nowNs() right after the last DROP wait's put_page (instrumentation: reference hold time). */
  lastDropPutNs(): number;
  /** The queueing half (prepare_to_wait): tail-queue, PG_waiters, TASK_SLEEPING; lets a test queue many tasks. */
  prepareToWaitPage(pfn: number, bit: number, behavior: Behavior): void;
  wakeUpPageBit(pfn: number, bit: number): void;
  /** v6.x migration_entry_wait_on_locked(): no reference; drops the held ptl once queued (folio-wait.ts only). */
  migrationEntryWaitOnLocked?(pfn: number, ptl: number): void;
}

/** Linking a wait entry into a bucket's list (under the bucket lock), with its linked flag and the length. */
export function bucketLinks(m: Mem): { link(q: number, node: number): void; unlink(q: number, node: number): void } {
  const w = m.w;
  const shape: ListShape = { linkBase: m.L.entries, stride: WE_WORDS, next: WE_NEXT, prev: WE_PREV };
  const linked = (node: number): number => m.L.entries + node * WE_WORDS + WE_LINKED;
  return {
    link(q, node) {
      listAddTail(w, shape, q + WQ_LIST, node);
      Atomics.store(w, linked(node), 1);
      w[q + WQ_LEN]++;
    },
    unlink(q, node) {
      listDel(w, shape, q + WQ_LIST, node);
      Atomics.store(w, linked(node), 0);
      w[q + WQ_LEN]--;
    },
  };
}

export function makeWaitqueue(m: Mem, tid: number, opt: WaitqueueOptions): Waitqueue {
  const w = m.w;
  const L = m.L;
  const shape: ListShape = { linkBase: L.entries, stride: WE_WORDS, next: WE_NEXT, prev: WE_PREV };
  const me = 2 * tid; // this task's wait entry node
  const myBookmark = 2 * tid + 1;
  const ea = (node: number): number => L.entries + node * WE_WORDS;
  const flagsAddr = (pfn: number): number => L.pages + pfn * PAGE_WORDS + PF_FLAGS;
  const bucketAddr = (pfn: number): number => L.waitTable + pageWaitBucket(pfn) * LINE;
  const sleeper = makeTaskSleep(m, tid, opt.sleep);
  const stats = statRow(m, tid);
  const delay = opt.delay;
  const putPage = opt.putPage;
  const bookmarkOn = opt.bookmark;

  const { link, unlink } = bucketLinks(m);

  let dropPutNs = 0;
  // Key of the walk in progress (wait_page_key); one walk at a time per task.
  let keyPage = 0;
  let keyBit = 0;
  let keyMatch = 0;

  // wake_page_function() (v4.19) with autoremove_wake_function().
  const wakePageFunction = (q: number, node: number): number => {
    const e = ea(node);
    if (w[e + WE_PAGE] !== keyPage) return 0;
    keyMatch = 1;
    if (w[e + WE_BIT] !== keyBit) return 0;
    if (Atomics.load(w, flagsAddr(keyPage)) & keyBit) return -1; // "Stop walking if it's locked"
    if (!wakeTask(w, L.taskLines, node >> 1)) return 0;
    unlink(q, node);
    w[stats + STAT.wakesSent]++;
    return 1;
  };

  // __wake_up_common() (v4.14): resumes after the bookmark, breaks after WALK_BREAK_CNT entries.
  const walk = (q: number): void => {
    let nrExclusive = 1;
    const bm = ea(myBookmark);
    let cur: number;
    if (w[bm + WE_FLAGS] & WQ_FLAG_BOOKMARK) {
      cur = w[bm + WE_NEXT];
      unlink(q, myBookmark);
      w[bm + WE_FLAGS] = 0;
    } else {
      cur = w[q + WQ_LIST];
    }
    let cnt = 0;
    let visited = 0;
    while (cur !== NIL) {
      const node = cur - 1;
      const next = w[ea(node) + WE_NEXT];
      const flags = w[ea(node) + WE_FLAGS];
      if (!(flags & WQ_FLAG_BOOKMARK)) {
        visited++;
        const r = wakePageFunction(q, node);
        if (r < 0) break;
        if (r > 0 && flags & WQ_FLAG_EXCLUSIVE && --nrExclusive === 0) break;
        if (bookmarkOn && ++cnt > WALK_BREAK_CNT && next !== NIL) {
          w[bm + WE_FLAGS] = WQ_FLAG_BOOKMARK;
          listInsertBefore(w, shape, q + WQ_LIST, myBookmark, next);
          Atomics.store(w, bm + WE_LINKED, 1);
          w[q + WQ_LEN]++;
          break;
        }
      }
      cur = next;
    }
    w[stats + STAT.walkEntries] += visited;
    w[stats + STAT.walkHolds]++;
    if (visited > w[q + WQ_MAX_HOLD]) w[q + WQ_MAX_HOLD] = visited;
  };

  const initEntry = (pfn: number, bit: number, behavior: Behavior): void => {
    const e = ea(me);
    w[e + WE_FLAGS] = behavior === EXCLUSIVE ? WQ_FLAG_EXCLUSIVE : 0;
    w[e + WE_PAGE] = pfn;
    w[e + WE_BIT] = bit;
  };
  // One loop head of wait_on_page_bit_common(): under the bucket lock, queue at the tail if not
  // queued (with SetPageWaiters), and set TASK_SLEEPING before the lock is released.
  const queue = (q: number, pfn: number, bit: number): void => {
    spinLock(w, q + WQ_LOCK, tid);
    if (!Atomics.load(w, ea(me) + WE_LINKED)) {
      link(q, me);
      Atomics.or(w, flagsAddr(pfn), PG_waiters); // SetPageWaiters()
    }
    sleeper.prepare(pfn, bit); // set_current_state(TASK_UNINTERRUPTIBLE)
    spinUnlock(w, q + WQ_LOCK);
  };

  return {
    lastDropPutNs: () => dropPutNs,
    prepareToWaitPage(pfn, bit, behavior) {
      initEntry(pfn, bit, behavior);
      queue(bucketAddr(pfn), pfn, bit);
    },
    // wait_on_page_bit_common() (v5.0 mm/filemap.c): queue at the tail, PG_waiters under the bucket
    // lock, TASK_SLEEPING before unlocking, then test the bit; DROP puts the page before sleeping.
    waitOnPageBitCommon(pfn, bit, behavior) {
      const q = bucketAddr(pfn);
      const e = ea(me);
      const f = flagsAddr(pfn);
      initEntry(pfn, bit, behavior);
      w[stats + STAT.waits]++;
      let slept = 0;
      for (;;) {
        queue(q, pfn, bit);
        delay(SITE.waitqGap);
        const bitIsSet = (Atomics.load(w, f) & bit) !== 0;
        if (behavior === DROP) { putPage(pfn); dropPutNs = nowNs(); } // from here on the page is not ours to touch
        if (bitIsSet) {
          w[stats + (slept++ === 0 ? STAT.sleeps : STAT.resleeps)]++;
          sleeper.sleep(); // io_schedule()
        }
        if (behavior === EXCLUSIVE) {
          if (!(Atomics.or(w, f, bit) & bit)) break; // test_and_set_bit_lock()
        } else if (behavior === SHARED) {
          if (!(Atomics.load(w, f) & bit)) break;
        } else {
          break; // DROP: one wait only, "cannot go back through the loop"
        }
      }
      // finish_wait(): running again; unlink if no waker autoremoved us.
      sleeper.finish();
      if (Atomics.load(w, e + WE_LINKED)) {
        spinLock(w, q + WQ_LOCK, tid);
        if (Atomics.load(w, e + WE_LINKED)) unlink(q, me);
        spinUnlock(w, q + WQ_LOCK);
      }
    },

    // wake_up_page_bit() (v4.19): walk in chunks, then clear PG_waiters if nothing for this page
    // is left (list empty) or nothing for this page was seen at all (no page_match).
    wakeUpPageBit(pfn, bit) {
      const q = bucketAddr(pfn);
      const bm = ea(myBookmark);
      keyPage = pfn;
      keyBit = bit;
      keyMatch = 0;
      spinLock(w, q + WQ_LOCK, tid);
      walk(q);
      while (w[bm + WE_FLAGS] & WQ_FLAG_BOOKMARK) {
        spinUnlock(w, q + WQ_LOCK);
        spinLock(w, q + WQ_LOCK, tid); // the bucket lock is released between chunks
        walk(q);
      }
      if (w[q + WQ_LIST] === NIL || !keyMatch) Atomics.and(w, flagsAddr(pfn), ~PG_waiters); // ClearPageWaiters()
      spinUnlock(w, q + WQ_LOCK);
    },
  };
}
