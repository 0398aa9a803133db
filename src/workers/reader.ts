// Reader role: the selftest's access_mem() (tools/testing/selftests/mm/migration.c) looping on one
// page through the caching TLB; every access also stores, so a write through a stale translation
// after the migration copy began is caught (FO2). A miss that finds no usable PTE takes the v6.x
// lock-free fault path: shmem_fault for a shared-anon page, do_anonymous_page for a private one.
import { PAGE_WORDS, PF_FLAGS, PG_migrated_from } from '../shared/layout.js';
import { pteCell, ptlOf } from '../shared/pagetable.js';
import { makeCachingTlb } from '../shared/tlb.js';
import { makePteFault } from '../shared/mm/pte-fault.js';
import { recordForbidden } from '../shared/forbidden.js';
import { STAT } from '../shared/stats.js';
import { SITE } from '../shared/cost.js';
import { nowNs } from '../shared/clock.js';
import type { RoleContext, RoleResult } from './context.js';

export interface ReaderConfig {
  mm: number;
  /** The page's index (its PTE slot in the mm, its slot in the shmem file). */
  idx: number;
  /** The shmem file behind a MAP_SHARED|MAP_ANONYMOUS page; absent for a private-anon page. */
  file?: number;
}

export function reader(ctx: RoleContext): RoleResult {
  const { m, t } = ctx;
  const cfg = ctx.config as unknown as ReaderConfig;
  const w = m.w;
  const tlb = makeCachingTlb(m, t.cpu);
  const fault = makePteFault(t, cfg.file, ctx.stopped);
  const cell = pteCell(m, cfg.mm, cfg.idx);
  const ptl = ptlOf(m, cfg.mm);
  const st = t.stats;
  const dw = m.L.cfg.dataWords;
  const word = dw > 0 ? t.tid % dw : -1;
  let seq = 0;
  const touch = (pfn: number): void => {
    if (word < 0) return;
    w[m.L.data + pfn * dw + word] = ++seq;
    if (Atomics.load(w, m.L.pages + pfn * PAGE_WORDS + PF_FLAGS) & PG_migrated_from) recordForbidden(m, 'lost-write', pfn, seq, word, t.tid);
  };
  let hits = 0;
  let misses = 0;
  const flushCounts = (): void => {
    w[st + STAT.tlbHits] += tlb.hits - hits;
    w[st + STAT.tlbMisses] += tlb.misses - misses;
    hits = tlb.hits;
    misses = tlb.misses;
  };
  let n = 0;
  while (!ctx.stopped()) {
    const measuring = ctx.tick();
    if (tlb.access(cell, touch)) {
      w[st + STAT.touches]++;
      if ((++n & 255) === 0) flushCounts();
      t.delay(SITE.think);
      continue;
    }
    const t0 = measuring ? nowNs() : 0;
    fault.handlePteFault(cell, ptl, cfg.idx);
    if (measuring) ctx.record('readerFault', nowNs() - t0);
    flushCounts();
  }
  flushCounts();
  return ctx.finish();
}
