// Reclaimer role: kswapd/direct reclaim on clean page-cache pages, one page per shrink_page_list()
// call, taking each page the way isolate_lru_pages() does (a reference first, then PG_lru).
import { slotCell } from '../shared/pagecache.js';
import { isolateLruPage } from '../shared/mm/lru.js';
import { makeReclaim, type ReclaimPreempt, type ReclaimUnlock } from '../shared/mm/vmscan.js';
import { SITE } from '../shared/cost.js';
import { nowNs } from '../shared/clock.js';
import type { RoleContext, RoleResult } from './context.js';

export interface ReclaimerConfig {
  file: number;
  /** Page indexes of the file this reclaimer scans, round-robin (the model's inactive LRU order). */
  pages: number[];
  unlock: ReclaimUnlock;
  /** Simulated preemption between trylock_page and __remove_mapping (absent = none). */
  preempt?: ReclaimPreempt;
}

export function reclaimer(ctx: RoleContext): RoleResult {
  const { m, t, tlb } = ctx;
  const cfg = ctx.config as unknown as ReclaimerConfig;
  const w = m.w;
  const reclaim = makeReclaim(t, tlb, cfg.unlock, cfg.file, cfg.preempt);
  const slots = cfg.pages.map((i) => slotCell(m, cfg.file, i));
  let k = 0;
  while (!ctx.stopped()) {
    ctx.parkIfAsked();
    const measuring = ctx.tick();
    const slot = slots[k];
    k = k + 1 === slots.length ? 0 : k + 1;
    const s = Atomics.load(w, slot);
    if (s === 0) { t.delay(SITE.reclaimGap); continue; } // not cached now: the faulters will refill it
    const p = s - 1;
    // __isolate_lru_page(): get_page_unless_zero() first, then PG_lru; the slot recheck makes sure the
    // frame is still this index's page and not a freed or reused one.
    if (!t.pg.getPageUnlessZero(p)) continue;
    if (Atomics.load(w, slot) !== s || !isolateLruPage(t, p)) { t.pg.putPage(p); continue; }
    t.pg.putPage(p); // the isolation reference remains
    const t0 = measuring ? nowNs() : 0;
    reclaim.shrinkPageList(p);
    if (measuring) ctx.record('reclaim', nowNs() - t0);
    t.delay(SITE.reclaimGap);
  }
  return ctx.finish();
}
