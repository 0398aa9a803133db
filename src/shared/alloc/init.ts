// Boot-time zone setup for a run (main thread, before any worker starts): pcp high/batch on every
// CPU (zone_set_pageset_high_and_batch(), v5.11) and every frame of the range freed to the buddy.
import {
  CPU_LOCK, MIGRATE_ISOLATE, MIGRATE_PCPTYPES, MIGRATE_TYPES, PAGE_WORDS, PCP_ALLOC_ISOLATED, PCP_BATCH, PCP_COUNT, PCP_HIGH,
  PF_FLAGS, PF_MT, PF_PRIVATE, PG_buddy, PG_offline, Z_DRAIN_MUTEX, Z_LOCK, Z_NR_ISOLATE, Z_PCP_HIGH_LOCK, Z_SAVED_BATCH,
  Z_SAVED_HIGH,
} from '../layout.js';
import type { Mem } from '../memory.js';
import { listAddTail } from '../list.js';
import { locBuddy, zoneGeo } from './zone.js';

export interface ZoneInit {
  /** pcp->high: a free that brings count to high flushes batch pages (kernel default much larger). */
  high: number;
  /** pcp->batch: pages moved per refill and per flush (>= 1). */
  batch: number;
  /** Frames [startPfn, endPfn) go on the buddy lists; the others start PG_offline (absent memory). */
  startPfn?: number;
  endPfn?: number;
}

/** Small-zone defaults for tests: high 6, batch 2. */
export const SMALL_PCP: ZoneInit = { high: 6, batch: 2 };

/** Resets the zone and its pcp lists; every frame ends free (buddy) or offline, with refcount 0. */
export function initZone(m: Mem, o: ZoneInit): void {
  const g = zoneGeo(m);
  const w = m.w;
  const start = o.startPfn ?? 0;
  const end = o.endPfn ?? g.nPages;
  if (!(Number.isInteger(o.high) && o.high >= 0)) throw new RangeError(`pcp high must be an integer >= 0, got ${o.high}`);
  if (!(Number.isInteger(o.batch) && o.batch >= 1)) throw new RangeError(`pcp batch must be an integer >= 1, got ${o.batch}`);
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= g.nPages)) {
    throw new RangeError(`zone range [${start}, ${end}) outside 0..${g.nPages}`);
  }
  Atomics.store(w, g.zone + Z_SAVED_HIGH, o.high);
  Atomics.store(w, g.zone + Z_SAVED_BATCH, o.batch);
  for (let cpu = 0; cpu < g.nCpus; cpu++) {
    const line = g.cpuLine(cpu);
    Atomics.store(w, line + CPU_LOCK, 0);
    Atomics.store(w, line + PCP_COUNT, 0);
    Atomics.store(w, line + PCP_HIGH, o.high);
    Atomics.store(w, line + PCP_BATCH, o.batch);
    Atomics.store(w, line + PCP_ALLOC_ISOLATED, 0);
    for (let mt = 0; mt < MIGRATE_PCPTYPES; mt++) w.fill(0, g.pcpList(cpu, mt), g.pcpList(cpu, mt) + 2);
  }
  for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
    w.fill(0, g.freeList(mt), g.freeList(mt) + 2);
    Atomics.store(w, g.freeCount(mt), 0);
  }
  let isolated = 0;
  for (let b = 0; b < m.L.nBlocks; b++) if (Atomics.load(w, g.blockWord(b)) === MIGRATE_ISOLATE) isolated++;
  Atomics.store(w, g.zone + Z_NR_ISOLATE, isolated);
  w.fill(0, m.L.lru, m.L.lru + 2 * g.nPages);
  for (let pfn = 0; pfn < g.nPages; pfn++) {
    w.fill(0, g.pages + pfn * PAGE_WORDS, g.pages + (pfn + 1) * PAGE_WORDS);
    if (pfn < start || pfn >= end) {
      w[g.pf(pfn, PF_FLAGS)] = PG_offline;
      continue;
    }
    const mt = Atomics.load(w, g.blockOfPfn(pfn));
    listAddTail(w, g.shape, g.freeList(mt), pfn); // ascending pfns: the lowest is allocated first
    w[g.pf(pfn, PF_PRIVATE)] = locBuddy(mt);
    w[g.pf(pfn, PF_MT)] = mt;
    w[g.pf(pfn, PF_FLAGS)] = PG_buddy;
    w[g.freeCount(mt)]++;
  }
  for (const lock of [Z_LOCK, Z_DRAIN_MUTEX, Z_PCP_HIGH_LOCK]) Atomics.store(w, g.zone + lock, 0);
}
