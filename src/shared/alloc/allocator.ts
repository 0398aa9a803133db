// One task's zone allocator (order 0, v5.8–v5.11 mm/page_alloc.c): the free hook put_page() calls,
// pcp allocation, drains, pcp disable and pageblock isolation, with every variant picked here once.
import { MIGRATE_MOVABLE, PF_REF } from '../layout.js';
import type { Mem } from '../memory.js';
import type { FreeHook } from '../page.js';
import type { DelayFn } from '../cost.js';
import { STAT } from '../stats.js';
import { makeAllocCtx } from './ctx.js';
import { makeBuddy } from './buddy.js';
import { makePcp } from './pcp.js';
import { makeFreePath, type FreePath } from './free.js';
import { makeDrain, type Drain } from './drain.js';
import { makeIsolation, type Isolation } from './isolation.js';
import { makeOffline, type Offline } from './offline.js';

export interface AllocatorOptions {
  delay: DelayFn;
  /** BROKEN control (FO4): commit frees without the per-CPU IRQ-off section. Never the default. */
  brokenFree?: boolean;
  /** set_migratetype_isolate() drains all pcps after each block (v5.8–v5.10, default) or not (v5.11). */
  isolateDrain?: boolean;
}

export interface Allocator extends FreePath, Drain, Isolation, Offline {
  tid: number;
  cpu: number;
  /** free_unref_page(): the put_page() FreeHook (the broken commit when brokenFree). */
  freePage: FreeHook;
  /** alloc_page(): rmqueue_pcplist + prep_new_page (refcount 1), v5.8; -1 when the zone is empty. */
  allocPage(mt?: number): number;
  /** rmqueue_pcplist(), v5.8: IRQs off on this CPU, take from its pcp (refill batch from buddy); no prep. */
  rmqueuePcplist(mt: number): number;
  /** free_pcppages_bulk() of this CPU's pcp under its cpuLock (tests and tools). */
  freePcppagesBulk(count: number): number;
}

export function makeAllocator(m: Mem, tid: number, cpu: number, o: AllocatorOptions): Allocator {
  if (!(Number.isInteger(cpu) && cpu >= 0 && cpu < m.L.cfg.cpus)) throw new RangeError(`cpu ${cpu} outside 0..${m.L.cfg.cpus - 1}`);
  const c = makeAllocCtx(m, tid, cpu, o.delay);
  const buddy = makeBuddy(c);
  const pcp = makePcp(c, buddy);
  const free = makeFreePath(c, buddy, pcp, o.brokenFree ?? false);
  const drain = makeDrain(c, pcp);
  const isolation = makeIsolation(c, buddy, drain.drainAllPages, o.isolateDrain ?? true);
  const offline = makeOffline(c, buddy);
  const w = m.w;

  const rmqueuePcplist = (mt: number): number => {
    c.irqOff(cpu);
    const pfn = pcp.rmqueuePcplistLocked(cpu, mt);
    c.irqOn(cpu);
    return pfn;
  };

  return {
    ...free,
    ...drain,
    ...isolation,
    ...offline,
    tid,
    cpu,
    freePage: free.freeUnrefPage,
    rmqueuePcplist,
    allocPage(mt = MIGRATE_MOVABLE) {
      const pfn = rmqueuePcplist(mt);
      if (pfn < 0) {
        c.count(STAT.allocFailed);
        return -1;
      }
      Atomics.store(w, c.pf(pfn, PF_REF), 1); // post_alloc_hook(): set_page_refcounted()
      c.count(STAT.allocs);
      return pfn;
    },
    freePcppagesBulk(count) {
      c.irqOff(cpu);
      const n = pcp.freePcppagesBulk(cpu, count);
      c.irqOn(cpu);
      return n;
    },
  };
}
