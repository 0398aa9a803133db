// Worker routines for the primitive tests: each runs one task's loop on the shared page world.
import { attachMemory } from '../../src/shared/memory.js';
import { makeTask, type TaskOptions } from '../../src/shared/task.js';
import type { MemConfig } from '../../src/shared/layout.js';
import { C_SCRATCH, PAGE_WORDS, PF_FLAGS, PG_locked } from '../../src/shared/layout.js';
import { spinNs } from '../../src/shared/cost.js';

export interface Job {
  sab: SharedArrayBuffer;
  cfg: MemConfig;
  tid: number;
  iters: number;
  pfn: number;
  opts?: TaskOptions;
  /** Word index in the SAB used as this test's control word (stop flag / counter). */
  ctl?: number;
  holdNs?: number;
}

/** Start barrier on control word C_SCRATCH + 7: every thread of the test starts together. */
const setup = (j: Job & { parties?: number }) => {
  const m = attachMemory(j.sab, j.cfg);
  const t = makeTask(m, j.tid, j.opts);
  if (j.parties) {
    const b = m.L.control + C_SCRATCH + 7;
    Atomics.add(m.w, b, 1);
    while (Atomics.load(m.w, b) < j.parties) { /* spin: thread starts are ms apart, the race is ns */ }
  }
  return { m, t };
};

/** get_page/put_page and get_page_unless_zero/put_page pairs on one page. */
export function getPut(j: Job): number {
  const { t } = setup(j);
  let ok = 0;
  for (let i = 0; i < j.iters; i++) {
    t.pg.getPage(j.pfn);
    t.pg.putPage(j.pfn);
    if (t.pg.getPageUnlessZero(j.pfn)) { ok++; t.pg.putPage(j.pfn); }
  }
  return ok;
}

/**
 * Freezes the page at its expected count (1) at least `iters` times, and on until the getters have
 * met a frozen count 200 times (or 5 s pass): on a loaded machine the threads may take turns on one core.
 */
export function freezer(j: Job): { frozen: number; refused: number; tries: number } {
  const { m, t } = setup(j);
  const mark = j.ctl as number;
  let frozen = 0, refused = 0, tries = 0;
  const until = performance.now() + 5000;
  while (tries < j.iters || (Atomics.load(m.w, mark + 2) < 200 && performance.now() < until)) {
    tries++;
    if (!t.pg.pageRefFreeze(j.pfn, 1)) { refused++; continue; }
    frozen++;
    Atomics.store(m.w, mark, 1);
    spinNs(200);
    Atomics.store(m.w, mark, 0);
    t.pg.pageRefUnfreeze(j.pfn, 1);
  }
  Atomics.store(m.w, mark + 1, 1); // done
  return { frozen, refused, tries };
}

/** Speculative getter: a reference taken while the freezer's mark is up is a violation. */
export function specGetter(j: Job): { got: number; failed: number; violations: number } {
  const { m, t } = setup(j);
  const mark = j.ctl as number;
  let got = 0, failed = 0, violations = 0;
  while (Atomics.load(m.w, mark + 1) === 0) {
    if (!t.pg.getPageUnlessZero(j.pfn)) { failed++; Atomics.add(m.w, mark + 2, 1); continue; }
    got++;
    if (Atomics.load(m.w, mark) !== 0) violations++;
    t.pg.putPage(j.pfn);
  }
  return { got, failed, violations };
}

/** lock_page; a non-atomic ++ of a data word; unlock_page. */
export function lockedIncrement(j: Job): number {
  const { m, t } = setup(j);
  const d = m.L.data + j.pfn * m.L.cfg.dataWords;
  for (let i = 0; i < j.iters; i++) {
    t.lock.lockPage(j.pfn);
    const v = m.w[d];
    if (j.holdNs) spinNs(j.holdNs);
    m.w[d] = v + 1;
    t.lock.unlockPage(j.pfn);
  }
  return j.iters;
}

/** SHARED waiter: wait_on_page_locked() until told to stop; returns how many waits it made. */
export function sharedWaiter(j: Job): number {
  const { m, t } = setup(j);
  let waits = 0;
  const f = m.L.pages + j.pfn * PAGE_WORDS + PF_FLAGS;
  const stop = (j.ctl as number) + 2;
  while (Atomics.load(m.w, stop) === 0) {
    if (Atomics.load(m.w, f) & PG_locked) { t.lock.waitOnPageLocked(j.pfn); waits++; }
  }
  return waits;
}

/** EXCLUSIVE locker for the handoff test: per round (go word = round), K lock/++/unlock, then report done. */
export function roundLocker(j: Job & { rounds: number }): number {
  const { m, t } = setup(j);
  const go = j.ctl as number;
  const d = m.L.data + j.pfn * m.L.cfg.dataWords;
  for (let r = 1; r <= j.rounds; r++) {
    while (Atomics.load(m.w, go) < r) Atomics.wait(m.w, go, r - 1, 20);
    for (let i = 0; i < j.iters; i++) {
      t.lock.lockPage(j.pfn);
      const v = m.w[d];
      if (j.holdNs) spinNs(j.holdNs);
      // Every 8th hold sleeps briefly with the page locked (I/O under the page lock), so the others
      // meet a held lock and queue even when the threads take turns on one core.
      if ((i & 7) === 7) Atomics.wait(m.w, go + 3, 0, 0.02);
      m.w[d] = v + 1;
      t.lock.unlockPage(j.pfn);
    }
    Atomics.add(m.w, go + 1, 1);
  }
  return j.rounds * j.iters;
}

/** DROP waiter: per round, wait for the go word, take a reference, put_and_wait, report return. */
export function dropWaiter(j: Job): number {
  const { m, t } = setup(j);
  const go = j.ctl as number;
  for (let i = 0; i < j.iters; i++) {
    while (Atomics.load(m.w, go) !== i + 1) Atomics.wait(m.w, go, i, 50);
    if (!t.pg.getPageUnlessZero(j.pfn)) throw new Error('page was free at the start of a round');
    t.lock.putAndWaitOnPageLocked(j.pfn);
    Atomics.store(m.w, go + 1, i + 1);
    Atomics.notify(m.w, go + 1);
  }
  return j.iters;
}
