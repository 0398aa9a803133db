// Faulter role: touches its mapped pages through the PTE (TLB rule), and on a migration entry
// runs __migration_entry_wait by the wait variant, then retries the access. With a file, a none PTE
// (reclaimed page) takes the filemap fault, which refills the page cache and maps the page; a
// VM_FAULT_RETRY from it is retried once with FAULT_FLAG_TRIED (v4.19 __do_page_fault).
import { isMigrationEntry, pteCell, ptlOf } from '../shared/pagetable.js';
import { makeFault, type WaitVariant } from '../shared/mm/fault.js';
import { VM_FAULT_RETRY, makeFilemapFault } from '../shared/mm/filemap-fault.js';
import { SITE } from '../shared/cost.js';
import { STAT } from '../shared/stats.js';
import { nowNs } from '../shared/clock.js';
import type { RoleContext, RoleResult } from './context.js';

export interface FaulterConfig {
  mm: number;
  /** Page indexes (PTE slots) this faulter touches, round-robin. */
  pages: number[];
  wait: WaitVariant;
  /** The file the pages belong to: a none PTE then takes the filemap fault; absent = never refault. */
  file?: number;
}

export function faulter(ctx: RoleContext): RoleResult {
  const { m, t, tlb } = ctx;
  const cfg = ctx.config as unknown as FaulterConfig;
  const w = m.w;
  const fault = makeFault(t, cfg.wait);
  const filemap = cfg.file === undefined ? null : makeFilemapFault(t, cfg.file);
  const cells = cfg.pages.map((i) => pteCell(m, cfg.mm, i));
  const ptl = ptlOf(m, cfg.mm);
  const st = t.stats;
  const dw = m.L.cfg.dataWords;
  const data = m.L.data;
  let seq = 0;
  const touch = (pfn: number): void => { if (dw > 0) w[data + pfn * dw] = ++seq; };
  let k = 0;
  let tried = false; // the last filemap fault returned VM_FAULT_RETRY: the next one on this cell is the retry
  while (!ctx.stopped()) {
    const measuring = ctx.tick();
    const cell = cells[k];
    if (tlb.access(cell, touch)) {
      w[st + STAT.touches]++;
      tried = false;
      k = k + 1 === cells.length ? 0 : k + 1;
      t.delay(SITE.think);
      continue;
    }
    if (!isMigrationEntry(tlb.lastPte())) { // none: refault a file page; else transient (a PTE switched under its ptl)
      if (filemap && tlb.lastPte() === 0) tried = filemap.filemapFault(cell, ptl, cfg.pages[k], !tried) === VM_FAULT_RETRY;
      continue;
    }
    tried = false; // the retry met a migration entry: do_swap_page completes that fault
    const seen = measuring ? nowNs() : 0;
    let sleepsBefore = w[st + STAT.sleeps] + w[st + STAT.resleeps];
    for (;;) {
      const r = fault.migrationEntryWait(cell, ptl);
      if (r.holdNs >= 0) ctx.record('refHold', r.holdNs);
      const sleeps = w[st + STAT.sleeps] + w[st + STAT.resleeps] - sleepsBefore;
      if (r.holdNs >= 0) ctx.record('sleepsPerWait', sleeps);
      sleepsBefore += sleeps;
      if (tlb.access(cell, touch)) { w[st + STAT.touches]++; break; }
      if (ctx.stopped() || (filemap && tlb.lastPte() === 0)) break; // or reclaimed meanwhile: refault above
      if (!isMigrationEntry(tlb.lastPte())) continue;
    }
    if (measuring) ctx.record('faultWait', nowNs() - seen);
  }
  return ctx.finish();
}
