// Worker routines for the allocator tests: each thread is one CPU allocating and freeing on its own
// pcp, a remote drainer, an isolator, or an auditor, over the shared page world.
import { attachMemory } from '../../src/shared/memory.js';
import { makeTask } from '../../src/shared/task.js';
import { PAGE_WORDS, PF_REF, type MemConfig } from '../../src/shared/layout.js';
import { makeRng, spinNs, type CostModel } from '../../src/shared/cost.js';
import { auditConservation, type Violation } from '../../src/shared/alloc/conservation.js';
import { STAT, statRow } from '../../src/shared/stats.js';

// Control words of the test's own SharedArrayBuffer; the ownership table starts at OWN.
export const CTL_START = 0; // start barrier arrivals
export const CTL_DONE = 1; // churn workers finished
export const CTL_GO = 2; // broken-control round the auditor released
export const CTL_ROUND_DONE = 3; // last round the freer finished
export const CTL_STOP = 4;
export const OWN = 16; // OWN + pfn: tid + 1 of the worker holding the page, 0 none
export const ctlWords = (pages: number): number => OWN + pages;

export interface AllocJob {
  sab: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  cfg: MemConfig;
  tid: number;
  cpu: number;
  seed: number;
  parties: number; // threads meeting at the start barrier
  iters?: number;
  maxHeld?: number;
  workers?: number; // churn workers the drainer/isolator waits for
  brokenFree?: boolean;
  cost?: CostModel;
  rounds?: number;
  opsPerRound?: number;
  drainGapNs?: number; // drainAuditor: pause between drains
}

const setup = (j: AllocJob) => {
  const m = attachMemory(j.sab, j.cfg);
  const t = makeTask(m, j.tid, { cpu: j.cpu, seed: j.seed, cost: j.cost, allocator: { brokenFree: j.brokenFree } });
  const ctl = new Int32Array(j.ctl);
  Atomics.add(ctl, CTL_START, 1);
  while (Atomics.load(ctl, CTL_START) < j.parties) { /* spin: thread starts are ms apart */ }
  return { m, t, ctl, rng: makeRng(j.seed) };
};

export interface ChurnResult {
  allocs: number;
  frees: number;
  failed: number;
  doubleAllocs: number;
  listFrees: number;
  held: number[];
}

/** One CPU's workload: allocate, free singly (put_page) and in lists (release_pages), keeping up to maxHeld. */
export function churn(j: AllocJob): ChurnResult {
  const { m, t, ctl, rng } = setup(j);
  const held = new Int32Array(j.maxHeld ?? 16);
  const list = new Int32Array(8);
  const r: ChurnResult = { allocs: 0, frees: 0, failed: 0, doubleAllocs: 0, listFrees: 0, held: [] };
  let n = 0;
  // Stops early once the rounds protocol says so (broken control); otherwise runs iters ops.
  const ops = j.iters ?? 10_000;
  for (let i = 0; i < ops; i++) {
    const x = rng();
    if (n < held.length && (n === 0 || x < 0.5)) {
      const pfn = t.alloc.allocPage();
      if (pfn < 0) { r.failed++; continue; }
      if (Atomics.compareExchange(ctl, OWN + pfn, 0, j.tid + 1) !== 0) r.doubleAllocs++;
      held[n++] = pfn;
      r.allocs++;
    } else if (x < 0.8) {
      const k = Math.floor(rng() * n);
      const pfn = held[k];
      held[k] = held[--n];
      Atomics.store(ctl, OWN + pfn, 0);
      t.pg.putPage(pfn);
      r.frees++;
    } else {
      // release_pages(): drop every reference, then free_unref_page_list() of those that hit zero.
      const k = Math.min(n, 1 + Math.floor(rng() * list.length));
      for (let i2 = 0; i2 < k; i2++) {
        const pfn = held[--n];
        Atomics.store(ctl, OWN + pfn, 0);
        Atomics.sub(m.w, m.L.pages + pfn * PAGE_WORDS + PF_REF, 1);
        list[i2] = pfn;
      }
      t.alloc.freeUnrefPageList(list.subarray(0, k));
      r.frees += k;
      r.listFrees++;
    }
  }
  r.held = Array.from(held.subarray(0, n));
  Atomics.add(ctl, CTL_DONE, 1);
  return r;
}

/** Remote drains (drain_all_pages, sometimes forced) until every churn worker is done. */
export function drainer(j: AllocJob): { drains: number; cpusDrained: number; bulkFrees: number } {
  const { m, t, ctl, rng } = setup(j);
  let drains = 0;
  let cpusDrained = 0;
  while (Atomics.load(ctl, CTL_DONE) < (j.workers ?? 1)) {
    cpusDrained += t.alloc.drainAllPages(rng() < 0.25);
    drains++;
  }
  // free_pcppages_bulk() calls this thread made: drains that found pages on another CPU.
  return { drains, cpusDrained, bulkFrees: m.w[statRow(m, j.tid) + STAT.pcpBulkFrees] };
}

/** Isolates, checks and offlines/onlines or undoes random pageblocks until every churn worker is done. */
export function isolator(j: AllocJob): { isolations: number; busy: number; passed: number; offlined: number } {
  const { m, t, ctl, rng } = setup(j);
  const ppb = m.L.cfg.pagesPerBlock;
  const r = { isolations: 0, busy: 0, passed: 0, offlined: 0 };
  while (Atomics.load(ctl, CTL_DONE) < (j.workers ?? 1)) {
    const b = Math.floor(rng() * m.L.nBlocks);
    const start = b * ppb;
    const end = start + ppb;
    if (t.alloc.startIsolatePageRange(start, end) !== 0) { r.busy++; continue; }
    r.isolations++;
    if (t.alloc.testPagesIsolated(start, end) < 0) {
      r.passed++;
      r.offlined += t.alloc.offlineIsolatedPages(start, end);
      t.alloc.onlinePages(start, end);
    } else {
      t.alloc.undoIsolatePageRange(start, end);
    }
  }
  return r;
}

/** The broken-control freer: rounds of churn; parks after each round so the auditor can look. */
export function roundFreer(j: AllocJob): { rounds: number; allocs: number } {
  const { t, ctl, rng } = setup(j);
  const held = new Int32Array(j.maxHeld ?? 8);
  let n = 0;
  let allocs = 0;
  let round = 0;
  for (round = 1; round <= (j.rounds ?? 1); round++) {
    while (Atomics.load(ctl, CTL_GO) < round && !Atomics.load(ctl, CTL_STOP)) Atomics.wait(ctl, CTL_GO, round - 1, 5);
    if (Atomics.load(ctl, CTL_STOP)) break;
    for (let i = 0; i < (j.opsPerRound ?? 1000); i++) {
      if (n < held.length && (n === 0 || rng() < 0.5)) {
        const pfn = t.alloc.allocPage();
        if (pfn >= 0) { held[n++] = pfn; allocs++; }
      } else {
        const k = Math.floor(rng() * n);
        const pfn = held[k];
        held[k] = held[--n];
        t.pg.putPage(pfn);
      }
    }
    Atomics.store(ctl, CTL_ROUND_DONE, round);
    Atomics.notify(ctl, CTL_ROUND_DONE);
  }
  return { rounds: round - 1, allocs };
}

export interface AuditRoundsResult {
  caught: boolean;
  rounds: number;
  ms: number;
  drains: number;
  violations: Violation[];
}

/** Drains the freer's CPU while it runs a round, audits while it is parked; stops at the first violation. */
export function drainAuditor(j: AllocJob): AuditRoundsResult {
  const { m, t, ctl } = setup(j);
  const t0 = performance.now();
  let drains = 0;
  for (let round = 1; round <= (j.rounds ?? 1); round++) {
    Atomics.store(ctl, CTL_GO, round);
    Atomics.notify(ctl, CTL_GO);
    // Paced drains: back to back, every drain would find the pcp empty and the race needs count > 0.
    while (Atomics.load(ctl, CTL_ROUND_DONE) < round) { t.alloc.drainAllPages(false); drains++; spinNs(j.drainGapNs ?? 0); }
    const violations = auditConservation(m);
    if (violations.length > 0) {
      Atomics.store(ctl, CTL_STOP, 1);
      Atomics.notify(ctl, CTL_GO);
      return { caught: true, rounds: round, ms: performance.now() - t0, drains, violations: violations.slice(0, 8) };
    }
  }
  Atomics.store(ctl, CTL_STOP, 1);
  Atomics.notify(ctl, CTL_GO);
  return { caught: false, rounds: j.rounds ?? 1, ms: performance.now() - t0, drains, violations: [] };
}
