// migrate_page_move_mapping() by MOVE_MAPPING variant (kernel-model.md §4.5, §4.7): the step that
// proves nobody else holds the page before its cache slot is switched to the new page.
import { ANON_MAPPING, PAGE_WORDS, PF_FLAGS, PF_INDEX, PF_MAPPING, PF_REF, PG_dirty, PG_private } from '../layout.js';
import { slotCell, xaLockOf } from '../pagecache.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';
import { makeSpecTrace } from './spec-trace.js';

export const MOVE_MAPPING_VARIANTS = ['check-under-lock', 'check-before-lock', 'freeze-only', 'no-freeze'] as const;
export type MoveMappingVariant = (typeof MOVE_MAPPING_VARIANTS)[number];

export const SUCCESS = 0;
export const EAGAIN = -11;
export const EBUSY = -16;
export const ENOMEM = -12;

/** rc of one move_mapping attempt; on EAGAIN, why (for the per-reason counters). */
export type MoveMapping = (oldPfn: number, newPfn: number) => number;

/** expected_page_refs() (v5.0): our isolation reference, + the cache's, + PG_private's. */
export function expectedPageRefs(t: Task, pfn: number): number {
  const a = t.m.L.pages + pfn * PAGE_WORDS;
  const mapping = t.m.w[a + PF_MAPPING];
  if (mapping === 0 || mapping === ANON_MAPPING) return 1;
  return 2 + ((Atomics.load(t.m.w, a + PF_FLAGS) & PG_private) !== 0 ? 1 : 0);
}

export function makeMoveMapping(t: Task, variant: MoveMappingVariant): MoveMapping {
  const { m, pg, delay } = t;
  const w = m.w;
  const st = t.stats;
  const trace = makeSpecTrace(t); // seed-003 instrumentation; no-ops unless the run traces pages
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;
  const count = (pfn: number): number => Atomics.load(w, pa(pfn, PF_REF));
  const fail = (stat: number): number => { w[st + stat]++; return EAGAIN; };
  // A failed count test or freeze of o: also traced, to attribute it to a transient or kept reference.
  const refFail = (o: number, stat: number): number => { trace.refTestFailed(o); return fail(stat); };
  const copyIdentity = (o: number, n: number): void => {
    w[pa(n, PF_INDEX)] = w[pa(o, PF_INDEX)];
    w[pa(n, PF_MAPPING)] = w[pa(o, PF_MAPPING)];
  };
  // Both freezing forms share the tail: new page takes the cache reference, dirty moves, slot switches.
  const switchSlot = (o: number, n: number, slot: number): void => {
    delay(SITE.moveMappingSwitch);
    copyIdentity(o, n);
    Atomics.add(w, pa(n, PF_REF), 1);
    if (Atomics.load(w, pa(o, PF_FLAGS)) & PG_dirty) {
      Atomics.and(w, pa(o, PF_FLAGS), ~PG_dirty);
      Atomics.or(w, pa(n, PF_FLAGS), PG_dirty);
    }
    trace.published(n);
    Atomics.store(w, slot, n + 1);
    trace.moved(o);
  };
  const isAnon = (o: number): boolean => w[pa(o, PF_MAPPING)] === ANON_MAPPING;
  const slotOf = (o: number): number => slotCell(m, w[pa(o, PF_MAPPING)] - 1, w[pa(o, PF_INDEX)]);
  const lockOf = (o: number): number => xaLockOf(m, w[pa(o, PF_MAPPING)] - 1);

  // Anonymous page without a mapping: a plain count test, no lock, no freeze (all variants).
  const anon = (o: number, n: number, expected: number): number => {
    if (count(o) !== expected) return refFail(o, STAT.eagainRefcount);
    copyIdentity(o, n);
    return SUCCESS;
  };
  const withXaLock = (o: number, n: number, body: (slot: number) => number): number => {
    const lock = lockOf(o);
    spinLock(w, lock, t.tid);
    w[st + STAT.moveMappingLocks]++;
    const rc = body(slotOf(o));
    spinUnlock(w, lock);
    return rc;
  };
  const freezeAndSwitch = (o: number, n: number, slot: number, expected: number): number => {
    trace.freezeOpen(o);
    if (!pg.pageRefFreeze(o, expected)) { trace.freezeClose(o); return refFail(o, STAT.eagainFreeze); }
    switchSlot(o, n, slot);
    pg.pageRefUnfreeze(o, expected - 1); // the old page keeps our isolation (+ private) reference
    trace.freezeClose(o);
    return SUCCESS;
  };

  // The v4.19 plain tests under the xa_lock: the count, and that the slot still holds the page.
  const countAndSlot = (o: number, slot: number, expected: number): number => {
    if (count(o) !== expected) return refFail(o, STAT.eagainRefcount);
    if (Atomics.load(w, slot) !== o + 1) return fail(STAT.eagainSlot);
    return SUCCESS;
  };

  const variants: Record<MoveMappingVariant, MoveMapping> = {
    // v4.19–v5.15: count and slot tested under the xa_lock, then the freeze.
    'check-under-lock': (o, n) => {
      const expected = expectedPageRefs(t, o);
      delay(SITE.moveMappingCheck);
      if (isAnon(o)) return anon(o, n, expected);
      return withXaLock(o, n, (slot) => countAndSlot(o, slot, expected) || freezeAndSwitch(o, n, slot, expected)); // SUCCESS is 0
    },
    // Aug 2021 v1 (Baolin Wang): one count test before any lock, then slot test and freeze.
    'check-before-lock': (o, n) => {
      const expected = expectedPageRefs(t, o);
      delay(SITE.moveMappingCheck);
      if (count(o) !== expected) return refFail(o, STAT.eagainRefcount);
      if (isAnon(o)) { copyIdentity(o, n); return SUCCESS; }
      return withXaLock(o, n, (slot) => {
        if (Atomics.load(w, slot) !== o + 1) return fail(STAT.eagainSlot);
        return freezeAndSwitch(o, n, slot, expected);
      });
    },
    // Aug 2021 v3, v6.x folio_migrate_mapping: for pages with a mapping, the freeze alone.
    'freeze-only': (o, n) => {
      const expected = expectedPageRefs(t, o);
      delay(SITE.moveMappingCheck);
      if (isAnon(o)) return anon(o, n, expected);
      return withXaLock(o, n, (slot) => freezeAndSwitch(o, n, slot, expected));
    },
    // Known-buggy control: a plain count test under the lock and no freeze; a speculative
    // reference taken after the test survives onto the orphaned old page (FO2).
    'no-freeze': (o, n) => {
      const expected = expectedPageRefs(t, o);
      delay(SITE.moveMappingCheck);
      if (isAnon(o)) return anon(o, n, expected);
      return withXaLock(o, n, (slot) => {
        const rc = countAndSlot(o, slot, expected);
        if (rc !== SUCCESS) return rc;
        switchSlot(o, n, slot);
        Atomics.sub(w, pa(o, PF_REF), 1); // the cache reference, dropped with no freeze
        return SUCCESS;
      });
    },
  };
  const hook = t.hooks.moveMapping; // a patch's migrate_page_move_mapping() (HOOKS.moveMapping)
  const chosen: MoveMapping = hook ? (o, n) => hook(t, o, n) : variants[variant];
  return (o, n) => { w[st + STAT.moveMappingCalls]++; return chosen(o, n); };
}
