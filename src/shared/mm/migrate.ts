// migrate_pages() -> unmap_and_move() -> __unmap_and_move() -> move_to_new_page() (mm/migrate.c,
// v4.19/v5.0 shape, kernel-model.md §4.1–§4.5), with the ALLOC_ORDER switch of §5 and the migrate mode
// (include/linux/migrate_mode.h: MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC; kernel-model-v6.md D6).
import { PAGE_WORDS, PF_FLAGS, PF_MAPCOUNT, PF_MAPPING, PF_REF, PG_migrated_from, PG_uptodate, PG_writeback, PG_dirty, PG_active, PG_referenced, ANON_MAPPING } from '../layout.js';
import { SHARED } from '../waitqueue.js';
import { SITE, makePreemption, type Preemption } from '../cost.js';
import { nowNs } from '../clock.js';
import { STAT } from '../stats.js';
import type { TlbOps } from '../pagetable.js';
import type { Task } from '../task.js';
import { removeMigrationPtes, tryToUnmapMigration } from './rmap.js';
import { putbackLruPage } from './lru.js';
import { EAGAIN, EBUSY, ENOMEM, SUCCESS, makeMoveMapping, type MoveMappingVariant } from './move-mapping.js';
import { RETRY_FORCE, RETRY_STOP } from './hooks.js';

export const MIGRATE_PASSES = 10; // the first try plus nine retries
export const ALLOC_ORDERS = ['before-lock', 'after-lock'] as const;
export type AllocOrder = (typeof ALLOC_ORDERS)[number];
/**
 * enum migrate_mode (v4.19): async never sleeps in lock_page (trylock on every pass) and fails a page under
 * writeback with -EBUSY; sync-light takes lock_page when forced but fails writeback with -EBUSY; sync
 * (move_pages, memory offline, alloc_contig_range) also waits for writeback when forced.
 */
export const MIGRATE_MODES = ['async', 'sync-light', 'sync'] as const;
export type MigrateMode = (typeof MIGRATE_MODES)[number];

export interface MigrateOptions {
  moveMapping: MoveMappingVariant;
  allocOrder: AllocOrder;
  /** The migrate_pages() mode; absent = 'sync'. */
  mode?: MigrateMode;
  /** Simulated preemption after try_to_unmap, with only the (sleeping) page lock held. */
  preempt?: Preemption;
  /** Instrumentation: how long each attempt held the source page lock, in ns. */
  onSourceLockHold?: (ns: number) => void;
}

export interface MigrateResult {
  succeeded: number;
  failed: number;
  /** unmap_and_move() calls made. */
  attempts: number;
}

export interface Migrator {
  /** migrate_pages(from, mode): each page isolated (our reference); failures are put back. */
  migratePages(from: number[]): MigrateResult;
}

const COPIED_FLAGS = PG_uptodate | PG_dirty | PG_active | PG_referenced;

/** migrate_pages() retry policy (v4.19/v5.0): ten passes, force from the fourth (pass > 2; MIGRATE_ASYNC never forces the lock). */
export const mainlineRetry = (pass: number): number => (pass >= MIGRATE_PASSES ? RETRY_STOP : pass > 2 ? RETRY_FORCE : 1);

export function makeMigrator(t: Task, tlb: TlbOps, o: MigrateOptions): Migrator {
  const { m, pg, lock, delay, alloc } = t;
  const w = m.w;
  const st = t.stats;
  const moveMapping = makeMoveMapping(t, o.moveMapping);
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;
  const allocBeforeLock = o.allocOrder === 'before-lock';
  const mightSleep = makePreemption(t.tid, o.preempt);
  const onHold = o.onSourceLockHold;
  const lockedAt = onHold ? nowNs : (): number => 0;
  const unlockSource = onHold ? (p: number, t0: number): void => { onHold(nowNs() - t0); lock.unlockPage(p); } : (p: number): void => lock.unlockPage(p);
  const retryHook = t.hooks.migrateRetry; // a patch's retry policy (HOOKS.migrateRetry)
  const retry = retryHook ? (pass: number, pending: number): number => retryHook(t, pass, pending) : mainlineRetry;
  const mode = o.mode ?? 'sync';
  let lockFailed = false; // the last attempt failed to get (or keep) the source lock: its allocation was for nothing

  const getNewPage = (): number => {
    delay(SITE.alloc);
    const n = alloc.allocPage();
    if (n >= 0) w[st + STAT.newpageAllocs]++;
    return n;
  };

  // migrate_page(): move the mapping, then copy data and page state while both pages are locked.
  const moveToNewPage = (n: number, p: number): number => {
    const rc = moveMapping(p, n);
    if (rc !== SUCCESS) return rc;
    delay(SITE.copy);
    const dw = m.L.cfg.dataWords;
    for (let i = 0; i < dw; i++) w[m.L.data + n * dw + i] = w[m.L.data + p * dw + i];
    Atomics.or(w, pa(n, PF_FLAGS), Atomics.load(w, pa(p, PF_FLAGS)) & COPIED_FLAGS);
    Atomics.or(w, pa(p, PF_FLAGS), PG_migrated_from); // harness marker: writes to p from now on are lost
    if (w[pa(p, PF_MAPPING)] !== ANON_MAPPING) w[pa(p, PF_MAPPING)] = 0; // the old file page is orphaned
    return SUCCESS;
  };

  // __unmap_and_move(): the source stays locked across unmap, move and remap.
  const unmapAndMoveLocked = (p: number, newIn: number, force: boolean): number => {
    lockFailed = false;
    if (!lock.trylockPage(p)) {
      if (!force || mode === 'async') { w[st + STAT.eagainTrylock]++; lockFailed = true; return EAGAIN; }
      const sleeps = w[st + STAT.sleeps] + w[st + STAT.resleeps];
      w[st + STAT.migrateLockPage]++;
      lock.lockPage(p);
      w[st + STAT.migrateLockSleeps] += w[st + STAT.sleeps] + w[st + STAT.resleeps] - sleeps;
    }
    const t0 = lockedAt();
    let rc = EAGAIN;
    let n = newIn;
    if (Atomics.load(w, pa(p, PF_FLAGS)) & PG_writeback) {
      // "Only in the case of a full synchronous migration is it necessary to wait for PageWriteback"
      if (mode !== 'sync') { unlockSource(p, t0); w[st + STAT.ebusyWriteback]++; lockFailed = true; return EBUSY; }
      if (!force) { unlockSource(p, t0); w[st + STAT.eagainWriteback]++; lockFailed = true; return EAGAIN; }
      if (Atomics.load(w, pa(p, PF_FLAGS)) & PG_writeback) t.wq.waitOnPageBitCommon(p, PG_writeback, SHARED);
    }
    if (!allocBeforeLock) {
      n = getNewPage(); // 2020 RFC: allocated under the source page lock
      if (n < 0) { unlockSource(p, t0); return ENOMEM; }
    }
    if (!lock.trylockPage(n)) { w[st + STAT.eagainNewpage]++; rc = EAGAIN; }
    else {
      let wasMapped = false;
      if (Atomics.load(w, pa(p, PF_MAPCOUNT)) > 0) { tryToUnmapMigration(t, tlb, p); wasMapped = true; mightSleep(); }
      if (Atomics.load(w, pa(p, PF_MAPCOUNT)) === 0) rc = moveToNewPage(n, p);
      if (wasMapped) removeMigrationPtes(t, p, rc === SUCCESS ? n : p);
      lock.unlockPage(n);
    }
    unlockSource(p, t0); // wakes the migration-entry waiters, after the PTEs were restored
    if (rc === SUCCESS) putbackLruPage(t, n); // LRU + drop the allocation reference
    else if (!allocBeforeLock) { pg.putPage(n); w[st + STAT.newpageWasted]++; } // put_new_page()
    return rc;
  };

  // unmap_and_move(): allocate (mainline: first), the freed-under-us shortcut, then the locked part.
  const unmapAndMove = (p: number, force: boolean): number => {
    let n = -1;
    if (allocBeforeLock) {
      n = getNewPage();
      if (n < 0) return ENOMEM;
    }
    let rc: number;
    let used = false;
    if (Atomics.load(w, pa(p, PF_REF)) === 1) {
      rc = SUCCESS; // only our isolation reference is left: the page was freed under us
      Atomics.and(w, pa(p, PF_FLAGS), ~PG_active);
    } else {
      rc = unmapAndMoveLocked(p, n, force);
      used = rc === SUCCESS;
    }
    if (rc === SUCCESS) pg.putPage(p); // drops the isolation reference, normally the last
    else if (rc !== EAGAIN && rc !== ENOMEM) putbackLruPage(t, p);
    if (allocBeforeLock && !used) {
      pg.putPage(n); // every failed attempt frees the page it allocated
      w[st + STAT.newpageWasted]++;
      if (lockFailed) w[st + STAT.newpageWastedLock]++;
    }
    return rc;
  };

  return {
    migratePages(from) {
      const pending = from.slice();
      let succeeded = 0, failed = 0, attempts = 0;
      let stop = false;
      for (let pass = 0; !stop && pending.length > 0; pass++) {
        const how = retry(pass, pending.length);
        if (how === RETRY_STOP) break;
        const force = how === RETRY_FORCE;
        const eagainStat = STAT.eagain1 + Math.min(pass, MIGRATE_PASSES - 1); // a longer policy's late passes count in eagain10
        for (let i = 0; i < pending.length;) {
          attempts++;
          const rc = unmapAndMove(pending[i], force);
          if (rc === EAGAIN) { w[st + eagainStat]++; i++; continue; }
          if (rc === ENOMEM) { stop = true; break; } // abort the call; the rest is put back below
          pending.splice(i, 1);
          if (rc === SUCCESS) succeeded++;
          else failed++;
        }
      }
      failed += pending.length; // still EAGAIN after the last pass
      for (const p of pending) putbackLruPage(t, p);
      // Counted together at the end, so a counter snapshot never splits a call.
      w[st + STAT.migrateCalls]++;
      w[st + STAT.migratePages] += from.length;
      w[st + STAT.migrateSucceeded] += succeeded;
      w[st + STAT.migrateFailed] += failed;
      w[st + STAT.migrateAttempts] += attempts;
      return { succeeded, failed, attempts };
    },
  };
}
