// Flushing pcp lists back to the buddy: drain_all_pages (v5.8, racy count snapshot; v5.11
// force_all_cpus) and zone_pcp_disable/enable (v5.11 mm/page_alloc.c).
import { PCP_BATCH, PCP_COUNT, PCP_HIGH, Z_SAVED_BATCH, Z_SAVED_HIGH } from '../layout.js';
import { STAT } from '../stats.js';
import type { AllocCtx } from './ctx.js';
import type { Pcp } from './pcp.js';

export interface Drain {
  /** drain_pages_zone(cpu, zone), v5.8: with IRQs off on cpu, free its whole pcp. */
  drainPagesZone(cpu: number): void;
  /** __drain_all_pages(zone, force_all_cpus): v5.8 drain_all_pages when false; returns CPUs drained. */
  drainAllPages(forceAllCpus?: boolean): number;
  /** zone_pcp_disable(), v5.11: pcp_batch_high_lock held until enable; high 0, batch 1; drain every CPU. */
  zonePcpDisable(): void;
  /** zone_pcp_enable(), v5.11: restore the zone's high/batch on every CPU, release the lock. */
  zonePcpEnable(): void;
}

export function makeDrain(c: AllocCtx, pcp: Pcp): Drain {
  const w = c.w;
  const chosen = new Uint8Array(c.nCpus); // the static cpus_with_pcps mask (under the drain mutex)

  const drainPagesZone = (cpu: number): void => {
    c.irqOff(cpu);
    const count = w[c.cpuLine(cpu) + PCP_COUNT];
    if (count) pcp.freePcppagesBulk(cpu, count);
    c.irqOn(cpu);
  };

  // __zone_set_pageset_high_and_batch() / pageset_update(), v5.11: WRITE_ONCE, no IRQ-off on the target.
  const setHighAndBatch = (high: number, batch: number): void => {
    for (let cpu = 0; cpu < c.nCpus; cpu++) {
      Atomics.store(w, c.cpuLine(cpu) + PCP_BATCH, batch);
      Atomics.store(w, c.cpuLine(cpu) + PCP_HIGH, high);
    }
  };

  const drainAllPages = (forceAllCpus = false): number => {
    c.mutexLock(c.drainMutex); // zone-specific callers wait for a drain in progress
    let n = 0;
    // The snapshot: a free still before its commit reads as an empty pcp and is skipped (v5.8 race).
    for (let cpu = 0; cpu < c.nCpus; cpu++) {
      const has = forceAllCpus || Atomics.load(w, c.cpuLine(cpu) + PCP_COUNT) !== 0;
      chosen[cpu] = has ? 1 : 0;
      if (has) n++;
    }
    // queue_work_on() + flush_work(): here the caller runs each drain "on" that CPU, under its cpuLock.
    for (let cpu = 0; cpu < c.nCpus; cpu++) if (chosen[cpu]) drainPagesZone(cpu);
    c.mutexUnlock(c.drainMutex);
    c.count(STAT.drains);
    c.count(STAT.drainCpus, n);
    return n;
  };

  return {
    drainPagesZone,
    drainAllPages,
    zonePcpDisable() {
      c.mutexLock(c.pcpHighLock);
      setHighAndBatch(0, 1);
      drainAllPages(true);
    },
    zonePcpEnable() {
      setHighAndBatch(Atomics.load(w, c.zone + Z_SAVED_HIGH), Atomics.load(w, c.zone + Z_SAVED_BATCH));
      c.mutexUnlock(c.pcpHighLock);
    },
  };
}
