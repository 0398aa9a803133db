// __offline_pages() (mm/memory_hotplug.c, kernel-model.md §8.2–§8.5) with its four loop shapes:
// v4.19 drain every iteration, v5.1–v5.8 no redrain (the seed-002 livelock), v5.9 drain again after a
// failed check (968318261221), v5.11 zone_pcp_disable() around the whole attempt. One shape is chosen
// when the offliner is built; the caller's signal() stands in for signal_pending() (stop word or budget).
import { CPU_LOCK, LINE, PAGE_WORDS, PF_FLAGS, PF_PRIVATE, PF_REF, PG_lru, PG_offline } from '../layout.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import type { TlbOps } from '../pagetable.js';
import type { Task } from '../task.js';
import { decodeLoc } from '../alloc/zone.js';
import { recordConservation } from '../alloc/conservation.js';
import { isolateLruPage } from './lru.js';
import { makeMigrator, type MigrateOptions } from './migrate.js';

export const OFFLINE_VARIANTS = ['drain-every-iter', 'no-redrain', 'drain-again', 'pcp-disable'] as const;
export type OfflineVariant = (typeof OFFLINE_VARIANTS)[number];

/** Only v5.11 moved the drain out of set_migratetype_isolate(): the allocator option the offliner's task needs. */
export const isolateDrainFor = (v: OfflineVariant): boolean => v !== 'pcp-disable';

export interface OfflineOptions extends MigrateOptions {
  variant: OfflineVariant;
  /** Test hook: runs once the range is isolated (and drained), before the loop. */
  afterIsolate?: () => void;
}

/** What one offline_pages() attempt did. */
export interface OfflineRound {
  ok: boolean;
  /** Loop iterations: passes through the signal check. */
  iterations: number;
  /** test_pages_isolated() calls, and how many failed. */
  checks: number;
  checkFails: number;
  migrated: number;
  migrateFailed: number;
  /** Frames of the range seen on a pcp list, summed over the checks. */
  pcpSeen: number;
  /** The frame the attempt was stuck on when it gave up (last failed check, else last movable page), -1 none. */
  stuckPfn: number;
  /** Where that frame was: a CPU >= 0 (refcount 0 on its pcp list), -1 (refcount 0, on no pcp list), -(1 + refcount). */
  stuckWhere: number;
}

export interface MemoryHotplug {
  /**
   * offline_pages(start, end): isolate, loop (scan, migrate, check) until the check passes or
   * signal(iterations) says stop; on success the frames are offline (the caller onlines them again).
   * onCheck receives the range's pcp pages at each check, onCheckFail the frame a failed check stopped at.
   */
  offlinePages(
    start: number, end: number, signal: (iterations: number) => boolean,
    onCheck?: (pcpPages: number) => void, onCheckFail?: (pfn: number, iterations: number) => void,
  ): OfflineRound;
  /** The frames of [start, end) on pcp lists, each CPU's lists read with its IRQs off (instrumentation). */
  pcpPagesOf(start: number, end: number): number;
}

/** Where a frame is, in OfflineRound.stuckWhere's code. */
export function frameWhere(t: Task, pfn: number): number {
  const w = t.m.w;
  const a = t.m.L.pages + pfn * PAGE_WORDS;
  const ref = Atomics.load(w, a + PF_REF);
  if (ref !== 0) return ref > 0 ? -(1 + ref) : -1; // a negative count is FO3's business
  const loc = decodeLoc(t.m, Atomics.load(w, a + PF_PRIVATE));
  return loc.kind === 'pcp' ? loc.cpu : -1;
}

type Loop = (s: number, e: number, r: OfflineRound, signal: (i: number) => boolean) => boolean;

/** The steps __offline_pages()' loop is made of, for a patch's offlineLoop hook (HOOKS.offlineLoop). */
export interface OfflineSteps {
  /** scan_movable_pages() (v5.7+): the first LRU page of [start, end), or -1. */
  scanMovablePages(start: number, end: number): number;
  /** do_migrate_range() (v5.8): isolate every in-use LRU page of [start, end) and migrate_pages() them. */
  doMigrateRange(start: number, end: number, round: OfflineRound): void;
  /** test_pages_isolated(MEMORY_OFFLINE): -1 when the range is all free (buddy), else the first frame that is not. */
  testPagesIsolated(start: number, end: number, round: OfflineRound): number;
  /** drain_all_pages(zone): every CPU's pcp lists back to the buddy lists. */
  drainAllPages(): void;
}

export function makeMemoryHotplug(t: Task, tlb: TlbOps, o: OfflineOptions): MemoryHotplug {
  const { m, pg, alloc } = t;
  const w = m.w;
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;
  let lo = 0;
  let hi = 0; // the range being offlined: migration targets must come from outside it
  // new_node_page() / alloc_migration_target(): never a frame of the range. A pcp page of the range
  // (allowed from a pcp list) is freed straight back: its block is ISOLATE, so it goes to buddy.
  const allocOutside = (mt?: number): number => {
    for (let i = 0; i < 8; i++) {
      const p = alloc.allocPage(mt);
      if (p < lo || p >= hi) return p;
      pg.putPage(p);
    }
    return -1;
  };
  const mig = makeMigrator({ ...t, alloc: { ...alloc, allocPage: allocOutside } }, tlb, o);

  // scan_movable_pages(), v5.7+: the first LRU page; a refcount-0 page on a pcp list is skipped.
  const scanMovablePages = (start: number, end: number): number => {
    for (let pfn = start; pfn < end; pfn++) if (Atomics.load(w, pa(pfn, PF_FLAGS)) & PG_lru) return pfn;
    return -1; // -ENOENT
  };

  // do_migrate_range(), v5.8: take each in-use LRU page off the LRU, then migrate_pages(MIGRATE_SYNC).
  const source: number[] = [];
  const doMigrateRange = (start: number, end: number, r: OfflineRound): void => {
    source.length = 0;
    for (let pfn = start; pfn < end; pfn++) {
      if (!pg.getPageUnlessZero(pfn)) continue; // a free page
      if (isolateLruPage(t, pfn)) source.push(pfn); // isolate_movable_page() is not modelled
      pg.putPage(pfn);
    }
    if (source.length === 0) return;
    const res = mig.migratePages(source.slice()); // failures are put back by migratePages
    r.migrated += res.succeeded;
    r.migrateFailed += res.failed;
    if (res.failed > 0) r.stuckPfn = source[0];
  };

  // Instrumentation: each CPU's lists are read with its IRQs off, as a drain on that CPU would.
  const pcpPagesOf = (start: number, end: number): number => {
    let n = 0;
    for (let cpu = 0; cpu < m.L.cfg.cpus; cpu++) {
      const lock = m.L.cpuLines + cpu * LINE + CPU_LOCK;
      spinLock(w, lock, t.tid);
      for (let pfn = start; pfn < end; pfn++) {
        if (Atomics.load(w, pa(pfn, PF_REF)) !== 0) continue; // an allocated page's private is its owner's
        const loc = decodeLoc(m, w[pa(pfn, PF_PRIVATE)]);
        if (loc.kind === 'pcp' && loc.cpu === cpu) n++;
      }
      spinUnlock(w, lock);
    }
    return n;
  };

  let onCheck: ((n: number) => void) | undefined;
  let onCheckFail: ((pfn: number, iterations: number) => void) | undefined;
  // test_pages_isolated(MEMORY_OFFLINE): -1 when every frame is PageBuddy (or offline), else the first that is not.
  const check = (s: number, e: number, r: OfflineRound): number => {
    const pcp = pcpPagesOf(s, e);
    r.pcpSeen += pcp;
    onCheck?.(pcp);
    r.checks++;
    const bad = alloc.testPagesIsolated(s, e);
    if (bad >= 0) { r.checkFails++; r.stuckPfn = bad; onCheckFail?.(bad, r.iterations); }
    return bad;
  };

  // v4.19 __offline_pages(): repeat: signal; lru_add_drain_all; drain_all_pages; scan -> migrate ->
  // repeat; check -> repeat. Stray pcp pages are flushed on the next iteration.
  const drainEveryIter: Loop = (s, e, r, signal) => {
    for (;;) {
      if (signal(r.iterations++)) return false;
      alloc.drainAllPages();
      const pfn = scanMovablePages(s, e);
      if (pfn >= 0) { doMigrateRange(pfn, e, r); continue; }
      if (check(s, e, r) < 0) return true;
    }
  };
  // v5.1–v5.8 (c52e75935f8d removed the drain): do { do { signal; scan; migrate } while (found); check } while (ret).
  const noRedrain: Loop = (s, e, r, signal) => {
    for (;;) {
      let pfn = s;
      for (;;) {
        if (signal(r.iterations++)) return false;
        pfn = scanMovablePages(pfn, e);
        if (pfn < 0) break; // -ENOENT
        doMigrateRange(pfn, e, r);
      }
      if (check(s, e, r) < 0) return true;
    }
  };
  // v5.9 (968318261221, Pavel Tatashin): the same loop, with drain_all_pages() after a failed check.
  const drainAgain: Loop = (s, e, r, signal) => {
    for (;;) {
      let pfn = s;
      for (;;) {
        if (signal(r.iterations++)) return false;
        pfn = scanMovablePages(pfn, e);
        if (pfn < 0) break;
        doMigrateRange(pfn, e, r);
      }
      if (check(s, e, r) < 0) return true;
      alloc.drainAllPages();
    }
  };

  // Prologue and epilogue: v5.8 isolates (set_migratetype_isolate drains per block); v5.11
  // zone_pcp_disable() first (high 0, batch 1, one forced drain of every CPU), enable at the end.
  const isolate = (s: number, e: number): number => alloc.startIsolatePageRange(s, e);
  const disableThenIsolate = (s: number, e: number): number => {
    alloc.zonePcpDisable();
    const rc = alloc.startIsolatePageRange(s, e);
    if (rc !== 0) alloc.zonePcpEnable();
    return rc;
  };
  const nothing = (): void => {};
  const shapes: Record<OfflineVariant, { loop: Loop; begin: (s: number, e: number) => number; end: () => void }> = {
    'drain-every-iter': { loop: drainEveryIter, begin: isolate, end: nothing },
    'no-redrain': { loop: noRedrain, begin: isolate, end: nothing },
    'drain-again': { loop: drainAgain, begin: isolate, end: nothing },
    'pcp-disable': { loop: noRedrain, begin: disableThenIsolate, end: () => alloc.zonePcpEnable() },
  };
  const shape = shapes[o.variant];
  if (!shape) throw new RangeError(`unknown offline variant '${o.variant}'`);
  // A patch's loop (HOOKS.offlineLoop) keeps the variant's prologue and epilogue (isolate or pcp-disable).
  const hook = t.hooks.offlineLoop;
  const steps: OfflineSteps = { scanMovablePages, doMigrateRange, testPagesIsolated: check, drainAllPages: () => alloc.drainAllPages() };
  const loop: Loop = hook ? (s, e, r, signal) => hook(t, steps, s, e, r, signal) : shape.loop;

  return {
    pcpPagesOf,
    offlinePages(s, e, signal, cb, failCb) {
      const r: OfflineRound = { ok: false, iterations: 0, checks: 0, checkFails: 0, migrated: 0, migrateFailed: 0, pcpSeen: 0, stuckPfn: -1, stuckWhere: -1 };
      lo = s;
      hi = e;
      onCheck = cb;
      onCheckFail = failCb;
      if (shape.begin(s, e) !== 0) return r; // -EBUSY: someone else isolated a block of the range
      o.afterIsolate?.();
      r.ok = loop(s, e, r, signal);
      if (r.ok) {
        alloc.offlineIsolatedPages(s, e);
        // A finished offline leaves every frame of the range offline, with no reference.
        for (let pfn = s; pfn < e; pfn++) {
          const f = Atomics.load(w, pa(pfn, PF_FLAGS));
          const ref = Atomics.load(w, pa(pfn, PF_REF));
          if (!(f & PG_offline) || ref !== 0) recordConservation(m, pfn, 'bad-offline', ref, t.tid);
        }
      } else {
        if (r.stuckPfn >= 0) r.stuckWhere = frameWhere(t, r.stuckPfn);
        alloc.undoIsolatePageRange(s, e); // failed_removal_isolated
      }
      shape.end();
      lo = hi = 0;
      return r;
    },
  };
}
