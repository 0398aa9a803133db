// Locker role: another user of the page lock on the migrating pages (a file fault, truncate, another
// migrator): lock_page(), a short hold, unlock_page(); it records how long lock_page() waited.
import { PAGE_WORDS, PF_INDEX } from '../shared/layout.js';
import { ptePfn, pteCell } from '../shared/pagetable.js';
import { spinNs } from '../shared/cost.js';
import { STAT } from '../shared/stats.js';
import { nowNs } from '../shared/clock.js';
import type { RoleContext, RoleResult } from './context.js';

export interface LockerConfig {
  /** Page indexes, round-robin; the frame is read from mm 0's PTE. */
  pages: number[];
  holdNs: number;
  /** Pause between lock holds (a sleep when >= 50 µs, a busy wait below). */
  gapNs: number;
}

export function locker(ctx: RoleContext): RoleResult {
  const { m, t } = ctx;
  const cfg = ctx.config as unknown as LockerConfig;
  const w = m.w;
  const cells = cfg.pages.map((i) => pteCell(m, 0, i));
  const idle = new Int32Array(new SharedArrayBuffer(4));
  const gap = cfg.gapNs >= 50_000 ? (): void => { Atomics.wait(idle, 0, 0, cfg.gapNs / 1e6); } : (): void => spinNs(cfg.gapNs);
  let k = 0;
  while (!ctx.stopped()) {
    const measuring = ctx.tick();
    const idx = cfg.pages[k];
    const pfn = ptePfn(Atomics.load(w, cells[k]));
    k = k + 1 === cells.length ? 0 : k + 1;
    // Like a page-cache user: a reference first, then the lock, then check the page is still the one.
    if (!t.pg.getPageUnlessZero(pfn)) continue;
    if (w[m.L.pages + pfn * PAGE_WORDS + PF_INDEX] === idx) {
      const t0 = measuring ? nowNs() : 0;
      if (!t.lock.trylockPage(pfn)) { w[t.stats + STAT.lockContended]++; t.lock.lockPage(pfn); }
      if (measuring) ctx.record('lockWait', nowNs() - t0);
      spinNs(cfg.holdNs);
      t.lock.unlockPage(pfn);
    }
    t.pg.putPage(pfn);
    gap();
  }
  return ctx.finish();
}
