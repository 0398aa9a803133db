// THP splitter role: splits each of its compound pages (as split_huge_page()'s caller would: the
// deferred-split shrinker, or migrate_pages() of a PTE-mapped THP), then re-forms it in place (a
// harness step) so that the next split can run, round after round.
import { C_STOP, PAGE_WORDS, PF_FLAGS, PG_head } from '../shared/layout.js';
import { forbiddenTotal } from '../shared/forbidden.js';
import { makeHugeMemory, type TailOrder, type Thp } from '../shared/mm/huge-memory.js';
import { SUCCESS } from '../shared/mm/move-mapping.js';
import { SITE } from '../shared/cost.js';
import { nowNs } from '../shared/clock.js';
import type { RoleContext, RoleResult } from './context.js';

export interface ThpSplitterConfig {
  thps: Thp[];
  order: TailOrder;
}

export function thpSplitter(ctx: RoleContext): RoleResult {
  const { m, t, tlb } = ctx;
  const cfg = ctx.config as unknown as ThpSplitterConfig;
  const w = m.w;
  const hm = makeHugeMemory(t, tlb, cfg.order);
  const isCompound = (x: Thp): boolean => (Atomics.load(w, m.L.pages + x.head * PAGE_WORDS + PF_FLAGS) & PG_head) !== 0;
  while (!ctx.stopped()) {
    ctx.parkIfAsked();
    const measuring = ctx.tick();
    // Harness: once a forbidden outcome is on record the pages are corrupt; stop splitting so the
    // report shows the first corruption, not its cascade (a correct variant never gets here).
    if (forbiddenTotal(m) > 0) { Atomics.wait(w, m.L.control + C_STOP, 0, 5); continue; }
    for (const x of cfg.thps) {
      if (isCompound(x)) {
        const t0 = measuring ? nowNs() : 0;
        if (hm.splitHugePage(x) === SUCCESS && measuring) ctx.record('split', nowNs() - t0);
      } else {
        hm.reformHugePage(x);
      }
      t.delay(SITE.betweenCalls);
    }
  }
  return ctx.finish();
}
