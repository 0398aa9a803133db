// The v5.9+ folio waitqueues (mm/filemap.c, v6.x; kernel-model-v6.md D7): wake_page_function() hands
// the lock to an exclusive waiter once sysctl_page_lock_unfairness is spent (WQ_FLAG_CUSTOM ->
// WQ_FLAG_DONE), the waiter re-tests through WQ_FLAG_WOKEN, folio_wake_bit() walks once (no bookmark),
// and migration_entry_wait_on_locked() queues without taking a reference.
import {
  LINE, PAGE_WORDS, PF_FLAGS, PG_locked, PG_waiters, WE_BIT, WE_FLAGS, WE_LINKED, WE_NEXT, WE_PAGE, WE_WORDS,
  WQ_FLAG_CUSTOM, WQ_FLAG_DONE, WQ_FLAG_EXCLUSIVE, WQ_FLAG_WOKEN, WQ_LIST, WQ_LOCK, WQ_MAX_HOLD, NIL,
} from './layout.js';
import type { Mem } from './memory.js';
import { spinLock, spinUnlock } from './spinlock.js';
import { makeTaskSleep, wakeTask } from './sleep.js';
import { STAT, statRow } from './stats.js';
import { SITE } from './cost.js';
import { nowNs } from './clock.js';
import { DROP, EXCLUSIVE, bucketLinks, pageWaitBucket, type Behavior, type Waitqueue, type WaitqueueOptions } from './waitqueue.js';

/** sysctl_page_lock_unfairness (v5.9+ default): unfair re-tries an exclusive waiter makes before handoff. */
export const PAGE_LOCK_UNFAIRNESS = 5;

export function makeFolioWaitqueue(m: Mem, tid: number, opt: WaitqueueOptions): Waitqueue {
  const w = m.w;
  const L = m.L;
  const me = 2 * tid;
  const e = L.entries + me * WE_WORDS;
  const ea = (node: number): number => L.entries + node * WE_WORDS;
  const flagsAddr = (pfn: number): number => L.pages + pfn * PAGE_WORDS + PF_FLAGS;
  const bucketAddr = (pfn: number): number => L.waitTable + pageWaitBucket(pfn) * LINE;
  const sleeper = makeTaskSleep(m, tid, opt.sleep);
  const stats = statRow(m, tid);
  const { delay, putPage } = opt;
  let dropPutNs = 0;
  let keyPage = 0;
  let keyBit = 0;
  let keyMatch = 0;

  const { link, unlink } = bucketLinks(m);

  // wake_page_function() (v5.9+): a handoff waiter gets the bit from the waker, or the walk stops.
  const wakePageFunction = (q: number, node: number): number => {
    const x = ea(node);
    if (w[x + WE_PAGE] !== keyPage) return 0;
    keyMatch = 1;
    if (w[x + WE_BIT] !== keyBit) return 0;
    let flags = Atomics.load(w, x + WE_FLAGS);
    if (flags & WQ_FLAG_EXCLUSIVE) {
      if (Atomics.load(w, flagsAddr(keyPage)) & keyBit) return -1;
      if (flags & WQ_FLAG_CUSTOM) {
        if (Atomics.or(w, flagsAddr(keyPage), keyBit) & keyBit) return -1;
        flags |= WQ_FLAG_DONE;
        w[stats + STAT.lockHandoffs]++;
      }
    }
    Atomics.store(w, x + WE_FLAGS, flags | WQ_FLAG_WOKEN); // smp_store_release: the waiter reads it unlocked
    wakeTask(w, L.taskLines, node >> 1); // wake_up_state(): a no-op if the waiter has not slept yet
    unlink(q, node); // list_del_init_careful(): the last thing the waker does
    w[stats + STAT.wakesSent]++;
    return (flags & WQ_FLAG_EXCLUSIVE) !== 0 ? 1 : 0;
  };

  // folio_trylock_flag(): under the bucket lock, the last chance to get the bit without sleeping.
  const trylockFlag = (pfn: number, bit: number): boolean => {
    const flags = w[e + WE_FLAGS];
    if (flags & WQ_FLAG_EXCLUSIVE) {
      if (Atomics.or(w, flagsAddr(pfn), bit) & bit) return false;
    } else if (Atomics.load(w, flagsAddr(pfn)) & bit) return false;
    Atomics.store(w, e + WE_FLAGS, flags | WQ_FLAG_WOKEN | WQ_FLAG_DONE);
    return true;
  };

  // Queue (unless the bit is ours already) with PG_waiters set, all under the bucket lock.
  const queue = (q: number, pfn: number, bit: number): void => {
    spinLock(w, q + WQ_LOCK, tid);
    Atomics.or(w, flagsAddr(pfn), PG_waiters); // folio_set_waiters()
    if (!trylockFlag(pfn, bit)) link(q, me);
    spinUnlock(w, q + WQ_LOCK);
  };

  // Sleep until a waker (or our own trylock) set WQ_FLAG_WOKEN; returns the flags seen.
  const awaitWoken = (pfn: number, bit: number): number => {
    let slept = 0;
    for (;;) {
      sleeper.prepare(pfn, bit); // set_current_state(TASK_UNINTERRUPTIBLE)
      const flags = Atomics.load(w, e + WE_FLAGS);
      if (flags & WQ_FLAG_WOKEN) return flags;
      w[stats + (slept++ === 0 ? STAT.sleeps : STAT.resleeps)]++;
      sleeper.sleep(); // io_schedule()
    }
  };

  const finishWait = (q: number): void => {
    sleeper.finish();
    if (Atomics.load(w, e + WE_LINKED)) {
      spinLock(w, q + WQ_LOCK, tid);
      if (Atomics.load(w, e + WE_LINKED)) unlink(q, me);
      spinUnlock(w, q + WQ_LOCK);
    }
  };

  const init = (pfn: number, bit: number, flags: number): void => {
    w[e + WE_PAGE] = pfn;
    w[e + WE_BIT] = bit;
    Atomics.store(w, e + WE_FLAGS, flags);
  };

  return {
    lastDropPutNs: () => dropPutNs,
    prepareToWaitPage(pfn, bit, behavior) {
      init(pfn, bit, behavior === EXCLUSIVE ? WQ_FLAG_EXCLUSIVE : 0);
      const q = bucketAddr(pfn);
      spinLock(w, q + WQ_LOCK, tid);
      Atomics.or(w, flagsAddr(pfn), PG_waiters);
      link(q, me);
      sleeper.prepare(pfn, bit);
      spinUnlock(w, q + WQ_LOCK);
    },
    // folio_wait_bit_common() (v5.9+).
    waitOnPageBitCommon(pfn: number, bit: number, behavior: Behavior) {
      const q = bucketAddr(pfn);
      let unfairness = PAGE_LOCK_UNFAIRNESS;
      w[stats + STAT.waits]++;
      for (;;) { // repeat:
        let flags = 0;
        if (behavior === EXCLUSIVE) {
          flags = WQ_FLAG_EXCLUSIVE;
          if (--unfairness < 0) flags |= WQ_FLAG_CUSTOM;
        }
        init(pfn, bit, flags);
        queue(q, pfn, bit);
        delay(SITE.waitqGap);
        if (behavior === DROP) { putPage(pfn); dropPutNs = nowNs(); }
        const seen = awaitWoken(pfn, bit);
        if (behavior !== EXCLUSIVE || seen & WQ_FLAG_DONE) break; // woken, or the waker got the lock for us
        if (!(Atomics.or(w, flagsAddr(pfn), bit) & bit)) { Atomics.store(w, e + WE_FLAGS, seen | WQ_FLAG_DONE); break; }
        // Someone else took the bit first: queue again (the waker already unlinked us).
      }
      finishWait(q);
    },
    // folio_wake_bit() (v5.9+): one walk, nr_exclusive = 1, no bookmark.
    wakeUpPageBit(pfn, bit) {
      const q = bucketAddr(pfn);
      keyPage = pfn;
      keyBit = bit;
      keyMatch = 0;
      spinLock(w, q + WQ_LOCK, tid);
      let nrExclusive = 1;
      let visited = 0;
      for (let cur = w[q + WQ_LIST]; cur !== NIL;) {
        const node = cur - 1;
        const next = w[ea(node) + WE_NEXT];
        const flags = w[ea(node) + WE_FLAGS];
        visited++;
        const r = wakePageFunction(q, node);
        if (r < 0) break;
        if (r > 0 && flags & WQ_FLAG_EXCLUSIVE && --nrExclusive === 0) break;
        cur = next;
      }
      w[stats + STAT.walkEntries] += visited;
      w[stats + STAT.walkHolds]++;
      if (visited > w[q + WQ_MAX_HOLD]) w[q + WQ_MAX_HOLD] = visited;
      if (w[q + WQ_LIST] === NIL || !keyMatch) Atomics.and(w, flagsAddr(pfn), ~PG_waiters); // folio_clear_waiters()
      spinUnlock(w, q + WQ_LOCK);
    },
    // migration_entry_wait_on_locked() (v6.x): no reference; queued under the bucket lock while the
    // ptl is still held (the migration entry keeps the folio alive until then), then the ptl dropped.
    migrationEntryWaitOnLocked(pfn, ptl) {
      const q = bucketAddr(pfn);
      init(pfn, PG_locked, 0);
      w[stats + STAT.waits]++;
      queue(q, pfn, PG_locked);
      spinUnlock(w, ptl);
      delay(SITE.waitqGap);
      awaitWoken(pfn, PG_locked);
      finishWait(q);
    },
  };
}
