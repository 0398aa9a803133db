// migrate_pages() in its v6.x shape (mm/migrate.c, about v6.7-v6.9; kernel-model-v6.md §2.2, D3):
// batches; migrate_pages_batch() unmaps every folio, does one try_to_unmap_flush(), then moves, and a
// move-stage -EAGAIN keeps the source locked and unmapped and retries only the move; undo comes after
// the loop. migrate_pages_sync() tries one MIGRATE_ASYNC batch, then each failure alone in the mode.
import { ANON_MAPPING, PAGE_WORDS, PF_FLAGS, PF_MAPCOUNT, PF_MAPPING, PF_REF, PG_active, PG_dirty, PG_migrated_from, PG_referenced, PG_uptodate, PG_waiters, PG_writeback } from '../layout.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';
import type { CachingTlb } from '../tlb.js';
import { SHARED } from '../waitqueue.js';
import { putbackLruPage } from './lru.js';
import { makeLruBatch } from './lru-batch.js';
import { removeMigrationPtes } from './rmap.js';
import { EAGAIN, EBUSY, ENOMEM, SUCCESS, makeMoveMapping } from './move-mapping.js';
import { makeTryToMigrate, type UnmapPte } from './try-to-migrate.js';
import { MOVE_BACK_OFF, MOVE_RETRY } from './hooks.js';

export const MIGRATE_ASYNC = 0;
export const MIGRATE_SYNC_LIGHT = 1;
export const MIGRATE_SYNC = 2;
export type MigrateMode = typeof MIGRATE_ASYNC | typeof MIGRATE_SYNC_LIGHT | typeof MIGRATE_SYNC;
export const NR_MAX_MIGRATE_PAGES_RETRY = 10;
export const NR_MAX_MIGRATE_ASYNC_RETRY = 3;
export const NR_MAX_MIGRATE_SYNC_RETRY = 7;
const MIGRATEPAGE_UNMAP = 1;

export interface MigrateV6Options {
  unmapPte: UnmapPte;
  tlbDefer: boolean;
  /** Multiplies NR_MAX_MIGRATE_(A)SYNC_RETRY and NR_MAX_MIGRATE_PAGES_RETRY (Dev Jain's experiment, R3). */
  retryScale: number;
  /** get_new_folio(): the destination for a source (alloc_migration_target); -1 when none. */
  getNewFolio: (src: number) => number;
  /** KNOWN-BUGGY control: the deferred flush is not done before the move loop (only after the batch). */
  noFlushBeforeMove?: boolean;
}

export interface MigrateV6Result {
  succeeded: number;
  failed: number;
}

export interface MigratorV6 {
  /** migrate_pages(from, mode): each folio isolated (our reference); the failures are put back. */
  migratePages(from: number[], mode: MigrateMode): MigrateV6Result;
}

/** An unmapped source waiting for its move: the destination and whether it had mappings. */
interface Unmapped { src: number; dst: number; wasMapped: boolean }

const COPIED_FLAGS = PG_uptodate | PG_dirty | PG_active | PG_referenced;

export function makeMigratorV6(t: Task, tlb: CachingTlb, o: MigrateV6Options): MigratorV6 {
  const { m, pg, lock, delay } = t;
  const w = m.w;
  const st = t.stats;
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;
  const flags = (pfn: number): number => Atomics.load(w, pa(pfn, PF_FLAGS));
  const moveMapping = makeMoveMapping(t, 'freeze-only'); // folio_migrate_mapping(): count test (anon) or xas_lock + freeze
  const unmapper = makeTryToMigrate(t, tlb, o);
  const lru = makeLruBatch(t);
  const scale = o.retryScale;
  let unmapRc: Unmapped | null = null;
  const { unmapDone, moveFailed, migratePagesCall } = t.hooks; // a patch's policies (HOOKS.unmapDone, moveFailed, migratePagesCall)

  // migrate_folio_undo_src() / _dst(): restore the PTEs, unlock; the destination is freed.
  const undoSrc = (src: number, wasMapped: boolean, locked: boolean): void => {
    if (wasMapped) removeMigrationPtes(t, src, src);
    if (locked) lock.unlockPage(src);
  };
  const undoDst = (dst: number, locked: boolean): void => {
    if (locked) lock.unlockPage(dst);
    pg.putPage(dst);
    w[st + STAT.newpageWasted]++;
  };

  // migrate_folio_unmap(): SUCCESS (freed under us), MIGRATEPAGE_UNMAP (unmapRc set), or an error.
  const migrateFolioUnmap = (src: number, mode: MigrateMode): number => {
    if (Atomics.load(w, pa(src, PF_REF)) === 1) { // only our isolation reference: freed from under us
      Atomics.and(w, pa(src, PF_FLAGS), ~PG_active);
      return SUCCESS;
    }
    delay(SITE.alloc);
    const dst = o.getNewFolio(src); // allocated before the lock (v6.x)
    if (dst < 0) return ENOMEM;
    w[st + STAT.newpageAllocs]++;
    let rc = EAGAIN;
    let locked = false;
    let dstLocked = false;
    let wasMapped = false;
    out: {
      if (!lock.trylockPage(src)) {
        if (mode === MIGRATE_ASYNC) { w[st + STAT.eagainTrylock]++; break out; }
        if (mode === MIGRATE_SYNC_LIGHT && !(flags(src) & PG_uptodate)) break out;
        lock.lockPage(src);
      }
      locked = true;
      if (flags(src) & PG_writeback) {
        if (mode !== MIGRATE_SYNC) { rc = EBUSY; w[st + STAT.eagainWriteback]++; break out; }
        t.wq.waitOnPageBitCommon(src, PG_writeback, SHARED); // folio_wait_writeback()
      }
      if (!lock.trylockPage(dst)) { w[st + STAT.eagainNewpage]++; break out; }
      dstLocked = true;
      if (Atomics.load(w, pa(src, PF_MAPCOUNT)) > 0) {
        unmapper.tryToMigrate(src, mode === MIGRATE_ASYNC); // TTU_BATCH_FLUSH only in ASYNC
        wasMapped = true;
      }
      if (Atomics.load(w, pa(src, PF_MAPCOUNT)) === 0) {
        if (unmapDone && unmapDone(t, src, dst) !== SUCCESS) { w[st + STAT.unmapBackoffs]++; break out; } // e.g. Dev Jain's refcount check
        unmapRc = { src, dst, wasMapped };
        return MIGRATEPAGE_UNMAP;
      }
    }
    undoSrc(src, wasMapped, locked);
    undoDst(dst, dstLocked);
    return rc;
  };

  // move_to_new_folio() -> migrate_folio(): the mapping moves (the refcount test), then the copy.
  const moveToNewFolio = (dst: number, src: number): number => {
    const rc = moveMapping(src, dst);
    if (rc !== SUCCESS) return rc;
    Atomics.or(w, pa(src, PF_FLAGS), PG_migrated_from); // harness marker before the copy: a write to src from now on is lost (FO2)
    delay(SITE.copy);
    const dw = m.L.cfg.dataWords;
    for (let i = 0; i < dw; i++) w[m.L.data + dst * dw + i] = w[m.L.data + src * dw + i];
    Atomics.or(w, pa(dst, PF_FLAGS), flags(src) & COPIED_FLAGS);
    if (w[pa(src, PF_MAPPING)] !== ANON_MAPPING) w[pa(src, PF_MAPPING)] = 0;
    return SUCCESS;
  };

  // migrate_folio_move(): on -EAGAIN the source stays locked and unmapped for the next pass.
  const migrateFolioMove = (u: Unmapped): number => {
    delay(SITE.moveMappingCheck);
    const rc = moveToNewFolio(u.dst, u.src);
    if (rc === EAGAIN) {
      w[st + STAT.moveEagain]++;
      if (flags(u.src) & PG_waiters) w[st + STAT.moveEagainWaiters]++; // futile: a waiter may hold a reference
      return rc;
    }
    if (rc !== SUCCESS) { undoSrc(u.src, u.wasMapped, true); undoDst(u.dst, true); return rc; } // to ret_folios
    lru.folioAddLru(u.dst);
    if (u.wasMapped) { lru.lruAddDrain(); removeMigrationPtes(t, u.src, u.dst); }
    lock.unlockPage(u.dst);
    pg.putPage(u.dst); // the allocation reference; the mappings and the cache hold it now
    lock.unlockPage(u.src); // wakes the migration-entry waiters, after the PTEs were restored
    pg.putPage(u.src); // migrate_folio_done(): the isolation reference, the last one
    return SUCCESS;
  };

  // migrate_pages_batch(): returns the folios that failed (ret_folios + those still EAGAIN). A folio a
  // moveFailed hook backs off is undone at once and goes back to the unmap loop while passes remain
  // (the explicit loop the 2024 review asked for); mainline never backs off, so it runs each loop once.
  const migratePagesBatch = (from: number[], mode: MigrateMode, nrPass: number, res: MigrateV6Result): number[] => {
    const ret: number[] = [];
    let pending = from.slice();
    let unmapPass = 0;
    let nomem = false;
    for (;;) {
      const unmapped: Unmapped[] = [];
      for (; unmapPass < nrPass && pending.length > 0 && !nomem; unmapPass++) {
        const again: number[] = [];
        for (const src of pending) {
          if (nomem) { again.push(src); continue; }
          w[st + STAT.migrateAttempts]++;
          const rc = migrateFolioUnmap(src, mode);
          if (rc === MIGRATEPAGE_UNMAP) unmapped.push(unmapRc!);
          else if (rc === SUCCESS) { pg.putPage(src); res.succeeded++; }
          else if (rc === EAGAIN) { again.push(src); w[st + STAT.unmapEagain]++; }
          else if (rc === ENOMEM) { again.push(src); nomem = true; }
          else ret.push(src);
        }
        pending = again;
      }
      if (!o.noFlushBeforeMove) unmapper.tryToUnmapFlush(); // one flush for every folio unmapped above
      let moving = unmapped;
      const backedOff: number[] = [];
      for (let pass = 0; pass < nrPass && moving.length > 0; pass++) {
        const again: Unmapped[] = [];
        for (const u of moving) {
          const rc = migrateFolioMove(u);
          if (rc === SUCCESS) res.succeeded++;
          else if (rc !== EAGAIN) ret.push(u.src);
          else if ((moveFailed ? moveFailed(t, u.src, rc, pass) : MOVE_RETRY) === MOVE_BACK_OFF) {
            undoSrc(u.src, u.wasMapped, true); // the reference holder sleeping on our lock can go on
            undoDst(u.dst, true);
            backedOff.push(u.src);
            w[st + STAT.moveBackoffs]++;
          } else again.push(u);
        }
        moving = again;
      }
      if (o.noFlushBeforeMove) unmapper.tryToUnmapFlush(); // the control: flushed only after the copies
      for (const u of moving) { // cleanup: the moves that never succeeded are undone
        undoSrc(u.src, u.wasMapped, true);
        undoDst(u.dst, true);
        ret.push(u.src);
      }
      if (backedOff.length === 0) break;
      pending = pending.concat(backedOff); // to the end of the list, unmapped again next pass
      if (unmapPass >= nrPass || nomem) break;
    }
    return ret.concat(pending);
  };

  // migrate_pages_sync(): one MIGRATE_ASYNC batch, then each failure alone in the caller's mode.
  const migratePagesSync = (from: number[], mode: MigrateMode, res: MigrateV6Result): number[] => {
    const retry = migratePagesBatch(from, MIGRATE_ASYNC, NR_MAX_MIGRATE_ASYNC_RETRY * scale, res);
    const failed: number[] = [];
    for (const src of retry) failed.push(...migratePagesBatch([src], mode, NR_MAX_MIGRATE_SYNC_RETRY * scale, res));
    return failed;
  };

  return {
    migratePages(from, mode) {
      migratePagesCall?.(t, true);
      const res: MigrateV6Result = { succeeded: 0, failed: 0 };
      const failed = mode === MIGRATE_ASYNC
        ? migratePagesBatch(from, mode, NR_MAX_MIGRATE_PAGES_RETRY * scale, res)
        : migratePagesSync(from, mode, res);
      res.failed = failed.length;
      for (const p of failed) putbackLruPage(t, p); // putback_movable_pages() by the caller
      w[st + STAT.migrateCalls]++;
      w[st + STAT.migratePages] += from.length;
      w[st + STAT.migrateSucceeded] += res.succeeded;
      w[st + STAT.migrateFailed] += res.failed;
      migratePagesCall?.(t, false);
      return res;
    },
  };
}
