// GUP-fast user role: pins a page through get_user_pages_fast() on its mm's PTE (§6.1), writes
// generation-tagged values into the pinned page (a reference is its licence to write, §0.4), then
// unpins it; the slow path (a migration entry, or a failed fast pin) just counts and retries.
import { pteCell } from '../shared/pagetable.js';
import { makeGupFast, type GupRecheck } from '../shared/mm/gup.js';
import { SITE } from '../shared/cost.js';
import { makePinnedWrites } from './pinned-writes.js';
import type { RoleContext, RoleResult } from './context.js';

export interface GupReaderConfig {
  mm: number;
  /** Page indexes (PTE slots) this reader pins, round-robin. */
  pages: number[];
  /** Pages in the run (the ack table's row length). */
  nPages: number;
  /** The data word this writer owns in every page. */
  word: number;
  writesPerPin: number;
  recheck: GupRecheck;
}

export function gupReader(ctx: RoleContext): RoleResult {
  const { m, t } = ctx;
  const cfg = ctx.config as unknown as GupReaderConfig;
  const gup = makeGupFast(t, cfg.recheck);
  const writes = makePinnedWrites(t, { word: cfg.word, pages: cfg.nPages, writesPerPin: cfg.writesPerPin });
  const cells = cfg.pages.map((i) => pteCell(m, cfg.mm, i));
  let k = 0;
  while (!ctx.stopped()) {
    ctx.parkIfAsked();
    ctx.tick();
    const idx = cfg.pages[k];
    const pfn = gup.gupPteRange(cells[k]);
    k = k + 1 === cells.length ? 0 : k + 1;
    if (pfn >= 0) {
      writes.write(pfn, idx);
      gup.unpinUserPage(pfn);
      writes.ack(idx);
    }
    t.delay(SITE.think);
  }
  return ctx.finish();
}
