// Worker routines for the v4.19-fidelity tests (kernel-model-v6.md D2, D6): a file fault that may sleep
// on the page lock, and a holder that releases a page bit once a given task has gone to sleep on it.
import { attachMemory } from '../../src/shared/memory.js';
import { makeTask, type TaskOptions } from '../../src/shared/task.js';
import { PAGE_WORDS, PF_FLAGS, PG_locked, PG_waiters, type MemConfig } from '../../src/shared/layout.js';
import { pteCell, ptlOf } from '../../src/shared/pagetable.js';
import { makeFilemapFault } from '../../src/shared/mm/filemap-fault.js';
import { STAT, STAT_NAMES, statRow } from '../../src/shared/stats.js';

interface Base { sab: SharedArrayBuffer; cfg: MemConfig; tid: number; opts?: TaskOptions; ctl: number }

const counters = (w: Int32Array, row: number): Record<string, number> => Object.fromEntries(STAT_NAMES.map((n, i) => [n, w[row + i]]));

/** Says ready (ctl = 1), waits for go (ctl = 2), then runs one filemap fault on (mm, idx) of file 0. */
export function filemapFaulter(j: Base & { mm: number; idx: number; allowRetry: boolean }): { rc: number; counters: Record<string, number> } {
  const m = attachMemory(j.sab, j.cfg);
  const t = makeTask(m, j.tid, j.opts);
  Atomics.store(m.w, j.ctl, 1);
  Atomics.notify(m.w, j.ctl);
  while (Atomics.load(m.w, j.ctl) !== 2) Atomics.wait(m.w, j.ctl, 1, 100);
  const rc = makeFilemapFault(t, 0).filemapFault(pteCell(m, j.mm, j.idx), ptlOf(m, j.mm), j.idx, j.allowRetry);
  return { rc, counters: counters(m.w, statRow(m, j.tid)) };
}

/**
 * The bit (PG_locked or PG_writeback, set by the test) is released once task `target` has gone to sleep
 * (its sleeps counter moved): unlock_page(), or end_page_writeback()'s clear and wake_up_page().
 * Says ready (ctl = 1) first; false if the target never slept within 20 s, or the test said stop (ctl = 3).
 */
export function releaseWhenSlept(j: Base & { pfn: number; bit: number; target: number }): boolean {
  const m = attachMemory(j.sab, j.cfg);
  const t = makeTask(m, j.tid, j.opts);
  const w = m.w;
  Atomics.store(w, j.ctl, 1);
  const sleeps = statRow(m, j.target) + STAT.sleeps;
  const until = Date.now() + 20_000;
  while (Atomics.load(w, sleeps) < 1) if (Atomics.load(w, j.ctl) === 3 || Date.now() > until) return false;
  if (j.bit === PG_locked) t.lock.unlockPage(j.pfn);
  else if (Atomics.and(w, m.L.pages + j.pfn * PAGE_WORDS + PF_FLAGS, ~j.bit) & PG_waiters) t.wq.wakeUpPageBit(j.pfn, j.bit);
  return true;
}
