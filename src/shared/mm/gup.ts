// GUP-fast for one PTE (mm/gup.c gup_pte_range with try_grab_compound_head, v5.7–v5.14;
// kernel-model.md §6.1), with the GUP_RECHECK switch of §0.6 (off = the known-buggy control).
// FOLL_GET: one reference per page (FOLL_PIN's 1024 bias changes nothing the model checks).
import { PTE_WRITE } from '../layout.js';
import { isMigrationEntry, isPresent, ptePfn } from '../pagetable.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';
import { makeSpecTrace } from './spec-trace.js';

export const GUP_RECHECK = ['recheck', 'no-recheck'] as const;
export type GupRecheck = (typeof GUP_RECHECK)[number];

export interface GupFast {
  /** gup_pte_range() for one writable PTE: the pinned frame, or -1 to fall back to the slow path. */
  gupPteRange(cell: number): number;
  /** put_compound_head() of a page gupPteRange() returned. */
  unpinUserPage(pfn: number): void;
}

export function makeGupFast(t: Task, recheck: GupRecheck): GupFast {
  const { m, pg, delay } = t;
  const w = m.w;
  const st = t.stats;
  const trace = makeSpecTrace(t);

  // try_grab_compound_head(): refuse a negative count, then add-unless-zero on the head.
  const tryGrabCompoundHead = (pfn: number): number => {
    const head = pg.compoundHead(pfn);
    if (pg.pageCount(head) < 0) return -1;
    trace.specBegin(head);
    if (!pg.getPageUnlessZero(head)) { trace.getFailed(head, true); return -1; }
    return head;
  };

  // Step 5, v5.7–v5.14: the PTE must still be the one read in step 1, else drop the reference.
  const withRecheck = (cell: number, pte: number, head: number, token: number, matthew: boolean): number => {
    if (Atomics.load(w, cell) === pte) { trace.kept(head); return head; }
    if (matthew) {
      // C003-3: the reference was taken after the PTE had become a migration entry.
      w[st + STAT.gupMatthew]++;
      if (trace.fails(head) !== token) w[st + STAT.gupMatthewSeen]++;
    }
    trace.dropped(head, token);
    pg.putPage(head);
    return -1;
  };
  // Known-buggy control: no recheck, whatever the PTE has become meanwhile.
  const noRecheck = (_cell: number, _pte: number, head: number): number => { trace.kept(head); return head; };
  const finish = recheck === 'recheck' ? withRecheck : noRecheck;

  return {
    gupPteRange(cell) {
      const pte = Atomics.load(w, cell); // ptep_get_lockless()
      if (!isPresent(pte) || !(pte & PTE_WRITE)) { w[st + STAT.gupFallback]++; return -1; }
      delay(SITE.gupPteRead); // ⟂ IRQs are off, but a (virtual) CPU can still stall here
      // Instrumentation only: had the PTE already become a migration entry before our get?
      const matthew = isMigrationEntry(Atomics.load(w, cell));
      const head = tryGrabCompoundHead(ptePfn(pte));
      if (head < 0) { w[st + STAT.gupFallback]++; return -1; }
      const got = finish(cell, pte, head, trace.gotRef(head), matthew);
      if (got < 0) w[st + STAT.gupFallback]++;
      return got;
    },
    unpinUserPage(pfn) {
      pg.putPage(pfn);
      trace.unpinned(pfn); // after the put: a test that saw this reference also sees it as a pin
    },
  };
}
