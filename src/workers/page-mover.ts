// move_pages(2) caller role: the selftest's parent, ping-ponging one page between the two nodes with
// move_pages(MPOL_MF_MOVE_ALL). A call that leaves the page unmigrated is a failure; the selftest
// stops at the first one, here the next trial starts, so calls to first failure form a distribution.
// A patch's movePagesRetry makes one selftest iteration several calls (the 2024 test-side retries).
import { makeCachingTlb } from '../shared/tlb.js';
import { makeMovePages } from '../shared/mm/move-pages.js';
import type { UnmapPte } from '../shared/mm/try-to-migrate.js';
import { SITE } from '../shared/cost.js';
import { nowNs } from '../shared/clock.js';
import { STAT } from '../shared/stats.js';
import type { RoleContext, RoleResult } from './context.js';

export interface PageMoverConfig {
  mm: number;
  idx: number;
  unmapPte: UnmapPte;
  tlbDefer: boolean;
  retryScale: number;
  noFlushBeforeMove?: boolean;
  flushPreempt?: { prob: number; maxUs: number; seed: number };
}

export function pageMover(ctx: RoleContext): RoleResult {
  const { m, t } = ctx;
  const cfg = ctx.config as unknown as PageMoverConfig;
  const w = m.w;
  const tlb = makeCachingTlb(m, t.cpu);
  const mp = makeMovePages(t, tlb, cfg);
  const retry = t.hooks.movePagesRetry; // the test-side retry of a patch (HOOKS.movePagesRetry)
  let node = 1;
  let trial = 0; // calls in the current trial (since the last failed call)
  let run = 0; // consecutive failed calls so far
  let iterations = 0; // selftest iterations since the last failed one
  let wasMeasuring = false;
  // One move_pages call, with the per-call figures.
  const call = (measuring: boolean): number => {
    const t0 = measuring ? nowNs() : 0;
    const rc = mp.movePages(cfg.mm, cfg.idx, node);
    if (measuring) ctx.record('movePages', nowNs() - t0);
    trial++;
    if (rc === 0) {
      node ^= 1;
      if (run > 0 && measuring) ctx.record('failureRun', run);
      run = 0;
    } else {
      if (measuring) ctx.record('callsToFailure', trial);
      trial = 0;
      run++;
    }
    return rc;
  };
  while (!ctx.stopped()) {
    const measuring = ctx.tick();
    if (measuring && !wasMeasuring) { trial = 0; run = 0; iterations = 0; wasMeasuring = true; } // trials start with the measurement
    // One iteration of the selftest's loop: a call, and the caller's retries after failures.
    let rc = call(measuring);
    for (let failures = 1; rc !== 0 && retry && !ctx.stopped() && retry(t, failures); failures++) rc = call(measuring);
    iterations++;
    w[t.stats + STAT.selftestIterations]++;
    if (rc !== 0) {
      w[t.stats + STAT.selftestFailures]++;
      if (measuring) ctx.record('iterationsToFailure', iterations);
      iterations = 0;
    }
    t.delay(SITE.betweenCalls);
  }
  if (run > 0 && wasMeasuring) ctx.record('failureRun', run); // a run cut by the stop still counts
  return ctx.finish();
}
