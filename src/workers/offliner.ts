// Offliner role: rounds of offline_pages() on one range after another (a memory block being
// unplugged, as virtio-mem or a hot-remove would), each onlined again once it is offline. A round that
// runs past its budget gives up, is undone, and is reported as offline-livelock with its stuck frame.
import { recordForbidden } from '../shared/forbidden.js';
import { STAT } from '../shared/stats.js';
import { spinNs } from '../shared/cost.js';
import { nowNs } from '../shared/clock.js';
import { frameWhere, makeMemoryHotplug, type OfflineVariant } from '../shared/mm/memory-hotplug.js';
import type { MigrateOptions } from '../shared/mm/migrate.js';
import type { RoleContext, RoleResult } from './context.js';

export interface OfflinerConfig extends MigrateOptions {
  variant: OfflineVariant;
  /** Pageblock-aligned pfn ranges [start, end), offlined in turn. */
  ranges: [number, number][];
  /** A round gives up once its budget clock reads this long AND it looped budgetIters times since (signal_pending). */
  budgetMs: number;
  budgetIters: number;
  /**
   * 'round': the clock runs from the start of the round. 'free-stall': it restarts whenever a check
   * fails on a page in use (refcount > 0): the budget then measures how long the loop has been failing
   * on free pages nobody holds, i.e. after the workload on the stuck page stopped (§10.6 FO5).
   */
  budgetClock: 'round' | 'free-stall';
  /** Pause between rounds (busy, ns). */
  gapNs?: number;
}

export function offliner(ctx: RoleContext): RoleResult {
  const { m, t, tlb } = ctx;
  const cfg = ctx.config as unknown as OfflinerConfig;
  const w = m.w;
  const st = t.stats;
  const hp = makeMemoryHotplug(t, tlb, cfg);
  let measuring = false;
  const recordPcp = (n: number): void => ctx.record('pcpPagesAtCheck', n);
  let t0 = 0;
  let i0 = 0;
  let overBudget = false;
  // signal_pending(): the run's stop word, or this round's budget (time and iterations both spent).
  const signal = (iterations: number): boolean => {
    if (ctx.stopped()) return true;
    if (iterations - i0 < cfg.budgetIters || performance.now() - t0 < cfg.budgetMs) return false;
    overBudget = true;
    return true;
  };
  // The free-stall clock: a failed check on a page in use restarts it (the loop is right to wait).
  const restartIfBusy = cfg.budgetClock === 'free-stall'
    ? (stuck: number, iterations: number): void => { if (frameWhere(t, stuck) < -1) { t0 = performance.now(); i0 = iterations; } }
    : undefined;
  let round = 0;
  let started = 0;
  let finished = 0;
  while (!ctx.stopped()) {
    ctx.parkIfAsked(); // between rounds: the range is online, no page held, no isolation
    measuring = ctx.tick();
    const [s, e] = cfg.ranges[round++ % cfg.ranges.length];
    const drains0 = w[st + STAT.drains];
    overBudget = false;
    t0 = performance.now();
    i0 = 0;
    const n0 = nowNs();
    const r = hp.offlinePages(s, e, signal, measuring ? recordPcp : undefined, restartIfBusy);
    const ns = nowNs() - n0;
    if (r.ok) {
      t.alloc.onlinePages(s, e); // online_pages(): the range goes back to the buddy for the next round
    } else if (!overBudget) {
      if (ctx.stopped()) break; // stopped mid-round: undone, not counted
      continue; // -EBUSY from isolation: not a round
    } else {
      recordForbidden(m, 'offline-livelock', s, e, r.stuckPfn, r.stuckWhere);
    }
    // Counted together at the end of a round, so a counter snapshot never splits one.
    started++;
    w[st + STAT.offlineRounds]++;
    w[st + (r.ok ? STAT.offlineFinished : STAT.offlineTimedOut)]++;
    if (r.ok) finished++;
    w[st + STAT.offlineIters] += r.iterations;
    w[st + STAT.offlineCheckFails] += r.checkFails;
    w[st + STAT.offlinePcpSeen] += r.pcpSeen;
    if (measuring) {
      if (r.ok) ctx.record('offline', ns);
      ctx.record('itersPerRound', r.iterations);
      ctx.record('drainsPerRound', w[st + STAT.drains] - drains0);
      ctx.record('checkFailsPerRound', r.checkFails);
      ctx.record('migratedPerRound', r.migrated);
      ctx.record('migrateFailsPerRound', r.migrateFailed);
    }
    if (cfg.gapNs) spinNs(cfg.gapNs);
  }
  return ctx.finish({ rounds: started, finished });
}
