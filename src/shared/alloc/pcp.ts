// The per-CPU page lists (struct per_cpu_pages, v5.8 mm/page_alloc.c): three LIFO lists per CPU,
// count/high/batch, touched only with that CPU's IRQs off (cpuLock[c] held by the caller).
import {
  MIGRATE_ISOLATE, MIGRATE_PCPTYPES, NIL, PCP_ALLOC_ISOLATED, PCP_BATCH, PCP_COUNT, PCP_HIGH, PF_MT, PF_PRIVATE, Z_NR_ISOLATE,
} from '../layout.js';
import { listAddTail, listDel } from '../list.js';
import { STAT } from '../stats.js';
import type { AllocCtx } from './ctx.js';
import type { Buddy } from './buddy.js';
import { LOC_NONE, listAdd, listFirst, listLast, locPcp } from './zone.js';

export interface Pcp {
  /** free_pcppages_bulk(zone, count, pcp), v5.8: cpuLock[cpu] held; returns pages freed. */
  freePcppagesBulk(cpu: number, count: number): number;
  /** rmqueue_bulk(zone, 0, count, list, mt), v5.8: cpuLock[cpu] held; returns pages added. */
  rmqueueBulk(cpu: number, count: number, mt: number): number;
  /** __rmqueue_pcplist(), v5.8: cpuLock[cpu] held; the page taken, or -1. */
  rmqueuePcplistLocked(cpu: number, mt: number): number;
  /** The pcp half of free_unref_page_commit(), v5.8: list_add, count++ (gap between its load and store), flush at high. */
  pcpAdd(cpu: number, pfn: number, mt: number, gap: () => void): void;
  /** READ_ONCE(pcp->batch); a zeroed line reads as batch 1 (pageset batch is never below 1). */
  batchOf(cpu: number): number;
}

export function makePcp(c: AllocCtx, buddy: Buddy): Pcp {
  const { w, shape } = c;
  const nrIsolate = c.zone + Z_NR_ISOLATE;
  const scratch = new Int32Array(c.nPages); // the kernel's local LIST_HEAD(head) of free_pcppages_bulk
  const batchOf = (cpu: number): number => Math.max(1, Atomics.load(w, c.cpuLine(cpu) + PCP_BATCH));

  const freePcppagesBulk = (cpu: number, count: number): number => {
    const line = c.cpuLine(cpu);
    count = Math.min(w[line + PCP_COUNT], count);
    let mt = 0;
    let batchFree = 0;
    let n = 0;
    while (count > 0) {
      let list = 0;
      let tries = 0;
      // Round-robin over the lists; batch_free grows with each empty list so fuller lists give more.
      do {
        batchFree++;
        if (++mt === MIGRATE_PCPTYPES) mt = 0;
        list = c.pcpList(cpu, mt);
      } while (w[list] === NIL && ++tries < MIGRATE_PCPTYPES);
      // All lists empty with count > 0: the kernel would spin forever; only a corrupted count gets here.
      if (w[list] === NIL) break;
      if (batchFree === MIGRATE_PCPTYPES) batchFree = count; // the only non-empty list: free them all
      do {
        const pfn = listLast(w, list); // oldest first: frees go to the head
        if (pfn < 0 || n === scratch.length) { count = 0; break; } // only a corrupted list (broken control) gets here
        listDel(w, shape, list, pfn);
        w[line + PCP_COUNT]--;
        w[c.pf(pfn, PF_PRIVATE)] = LOC_NONE;
        scratch[n++] = pfn;
      } while (--count > 0 && --batchFree > 0 && w[list] !== NIL);
    }
    c.zoneLock();
    const isolated = w[nrIsolate] > 0; // has_isolate_pageblock()
    for (let i = 0; i < n; i++) {
      const pfn = scratch[i];
      let pmt = w[c.pf(pfn, PF_MT)];
      if (isolated) pmt = buddy.blockMt(pfn); // the pageblock could have been isolated meanwhile
      buddy.freeOnePageLocked(pfn, pmt);
    }
    c.zoneUnlock();
    c.count(STAT.pcpBulkFrees);
    return n;
  };

  const rmqueueBulk = (cpu: number, count: number, mt: number): number => {
    const list = c.pcpList(cpu, mt);
    const loc = locPcp(cpu, mt);
    let alloced = 0;
    c.zoneLock();
    for (let i = 0; i < count; i++) {
      const pfn = buddy.rmqueueLocked(mt);
      if (pfn < 0) break;
      listAddTail(w, shape, list, pfn); // keeps the buddy order: the first page taken is used first
      w[c.pf(pfn, PF_PRIVATE)] = loc;
      alloced++;
    }
    c.zoneUnlock();
    c.count(STAT.pcpRefills);
    return alloced;
  };

  return {
    freePcppagesBulk,
    rmqueueBulk,
    rmqueuePcplistLocked(cpu, mt) {
      const line = c.cpuLine(cpu);
      const list = c.pcpList(cpu, mt);
      if (w[list] === NIL) {
        const got = rmqueueBulk(cpu, batchOf(cpu), mt);
        w[line + PCP_COUNT] += got;
        if (w[list] === NIL) return -1;
      }
      const pfn = listFirst(w, list);
      listDel(w, shape, list, pfn);
      w[line + PCP_COUNT]--;
      w[c.pf(pfn, PF_PRIVATE)] = LOC_NONE;
      // Allowed: a pcp page whose block became ISOLATE meanwhile is still handed out (seed 002).
      if (buddy.blockMt(pfn) === MIGRATE_ISOLATE) w[line + PCP_ALLOC_ISOLATED]++;
      return pfn;
    },
    pcpAdd(cpu, pfn, mt, gap) {
      const line = c.cpuLine(cpu);
      listAdd(w, shape, c.pcpList(cpu, mt), pfn);
      w[c.pf(pfn, PF_PRIVATE)] = locPcp(cpu, mt);
      const count = w[line + PCP_COUNT]; // pcp->count++ is a non-atomic RMW: only IRQs off protect it
      gap();
      w[line + PCP_COUNT] = count + 1;
      if (w[line + PCP_COUNT] >= Atomics.load(w, line + PCP_HIGH)) freePcppagesBulk(cpu, batchOf(cpu));
    },
    batchOf,
  };
}
