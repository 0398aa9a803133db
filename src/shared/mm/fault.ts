// A user access and the migration-entry fault (mm/memory.c do_swap_page -> mm/migrate.c
// __migration_entry_wait, v4.19 and v5.0, and migration_entry_wait_on_locked since ffa65753c431),
// with the WAIT_MODE switch of kernel-model.md §3.
import { isMigrationEntry, ptePfn } from '../pagetable.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import { nowNs } from '../clock.js';
import type { Task } from '../task.js';

export const WAIT_VARIANTS = ['wait-locked', 'put-and-wait', 'on-locked'] as const;
export type WaitVariant = (typeof WAIT_VARIANTS)[number];

export interface MigrationWait {
  /** Reference hold time of the last wait in ns (get_page_unless_zero -> put_page), -1 if none taken. */
  holdNs: number;
}

export interface FaultOps {
  /**
   * __migration_entry_wait() for the PTE at cell under ptl: re-check, take a reference, unlock, wait
   * by variant. Returns once the access should be retried.
   */
  migrationEntryWait(cell: number, ptl: number): MigrationWait;
}

export function makeFault(t: Task, variant: WaitVariant): FaultOps {
  const { m, pg, lock, delay } = t;
  const w = m.w;
  const out: MigrationWait = { holdNs: -1 };
  // v4.19: wait_on_page_locked() with the reference held through the sleep, then put_page().
  const waitLocked = (p: number, t0: number): void => {
    lock.waitOnPageLocked(p);
    pg.putPage(p);
    out.holdNs = nowNs() - t0;
  };
  // v5.0 (9a1ea439b16b): put_and_wait_on_page_locked() drops the reference once queued.
  const putAndWait = (p: number, t0: number): void => {
    lock.putAndWaitOnPageLocked(p);
    out.holdNs = t.wq.lastDropPutNs() - t0;
  };
  // A patch's hook (HOOKS.migrationEntryWait) stands in for the built-in choice.
  const hook = t.hooks.migrationEntryWait;
  const hooked = hook ? (p: number, t0: number): void => { out.holdNs = hook(t, p, t0); } : undefined;
  const wait = hooked ?? (variant === 'wait-locked' ? waitLocked : putAndWait);
  // ffa65753c431 (in 6.1 and 6.12): migration_entry_wait_on_locked() queues on the folio under the ptl, no reference.
  const onLocked = !hooked && variant === 'on-locked' ? t.wq.migrationEntryWaitOnLocked?.bind(t.wq) : undefined;
  if (!hooked && variant === 'on-locked' && !onLocked) throw new Error('the on-locked migration entry wait needs the v5.9-handoff page lock (TaskOptions.pageLock)');
  return {
    migrationEntryWait(cell, ptl) {
      out.holdNs = -1;
      w[t.stats + STAT.migrationEntryFaults]++;
      delay(SITE.faultEntry);
      const t0 = nowNs(); // before the ptl, so the clock read does not widen the get -> put window
      spinLock(w, ptl, t.tid);
      const pte = Atomics.load(w, cell);
      if (!isMigrationEntry(pte)) { spinUnlock(w, ptl); return out; }
      const p = ptePfn(pte);
      if (onLocked) { w[t.stats + STAT.waitsOnLocked]++; onLocked(p, ptl); return out; } // drops the ptl once queued
      if (!pg.getPageUnlessZero(p)) { spinUnlock(w, ptl); w[t.stats + STAT.faultGetFailed]++; return out; }
      spinUnlock(w, ptl);
      delay(SITE.getToPut);
      w[t.stats + STAT.waitsOnLocked]++;
      wait(p, t0);
      return out;
    },
  };
}

