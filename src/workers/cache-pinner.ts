// Page-cache pinner role: a lock-free find_get_page() (§4.6) whose reference is kept while it writes
// generation-tagged values into the page without the page lock (the page-cache analogue of a GUP
// pin), then put_page().
import { makePagecacheLookup } from '../shared/mm/pagecache-lookup.js';
import { SITE } from '../shared/cost.js';
import { makePinnedWrites } from './pinned-writes.js';
import type { RoleContext, RoleResult } from './context.js';

export interface CachePinnerConfig {
  file: number;
  /** Page indexes this pinner looks up, round-robin. */
  pages: number[];
  /** Pages in the run (the ack table's row length). */
  nPages: number;
  /** The data word this writer owns in every page. */
  word: number;
  writesPerPin: number;
}

export function cachePinner(ctx: RoleContext): RoleResult {
  const { t } = ctx;
  const cfg = ctx.config as unknown as CachePinnerConfig;
  const lookup = makePagecacheLookup(t, ctx.stopped);
  const writes = makePinnedWrites(t, { word: cfg.word, pages: cfg.nPages, writesPerPin: cfg.writesPerPin });
  let k = 0;
  while (!ctx.stopped()) {
    ctx.parkIfAsked();
    ctx.tick();
    const idx = cfg.pages[k];
    k = k + 1 === cfg.pages.length ? 0 : k + 1;
    const pfn = lookup.findGetPage(cfg.file, idx);
    if (pfn >= 0) {
      writes.write(pfn, idx);
      lookup.putCachePage(pfn);
      writes.ack(idx);
    }
    t.delay(SITE.think);
  }
  return ctx.finish();
}
