// Migrator role: isolates its pages one at a time and runs migrate_pages() on them, as NUMA
// balancing or compaction would for a popular page; in the config's migrate mode (default SYNC, the
// move_pages/offline mode; NUMA balancing is ASYNC, compaction ASYNC then SYNC_LIGHT).
import { PAGE_WORDS, PF_INDEX } from '../shared/layout.js';
import { ptePfn, pteCell } from '../shared/pagetable.js';
import { isolateLruPage } from '../shared/mm/lru.js';
import { makeMigrator, type MigrateOptions } from '../shared/mm/migrate.js';
import { SITE } from '../shared/cost.js';
import { nowNs } from '../shared/clock.js';
import type { RoleContext, RoleResult } from './context.js';

export interface MigratorConfig extends MigrateOptions {
  /** Page indexes this migrator migrates, round-robin; their frame is read from mm 0's PTE. */
  pages: number[];
  /** Record each attempt's source-lock hold time into the 'sourceLockHold' histogram. */
  recordLockHold?: boolean;
}

export function migrator(ctx: RoleContext): RoleResult {
  const { m, t, tlb } = ctx;
  const cfg = ctx.config as unknown as MigratorConfig;
  const w = m.w;
  const mig = makeMigrator(t, tlb, cfg.recordLockHold ? { ...cfg, onSourceLockHold: (ns) => ctx.record('sourceLockHold', ns) } : cfg);
  const cells = cfg.pages.map((i) => pteCell(m, 0, i));
  let k = 0;
  while (!ctx.stopped()) {
    ctx.parkIfAsked();
    const measuring = ctx.tick();
    const idx = cfg.pages[k];
    const pfn = ptePfn(Atomics.load(w, cells[k]));
    k = k + 1 === cells.length ? 0 : k + 1;
    // The frame may have moved or been freed since the PTE was read: take a reference, re-check.
    if (!t.pg.getPageUnlessZero(pfn)) continue;
    if (w[m.L.pages + pfn * PAGE_WORDS + PF_INDEX] !== idx || !isolateLruPage(t, pfn)) { t.pg.putPage(pfn); continue; }
    t.pg.putPage(pfn); // the isolation reference remains
    const t0 = measuring ? nowNs() : 0;
    mig.migratePages([pfn]);
    if (measuring) ctx.record('migration', nowNs() - t0);
    t.delay(SITE.betweenCalls);
  }
  return ctx.finish();
}
