// Transient pinner role (John Hubbard's 2026 RFC: "transient references from GPU operations like
// cuMemset"): takes a reference on the page the way GUP-fast does (lockless PTE read,
// get_page_unless_zero, PTE re-check), holds it for a while without the CPU (DMA in flight), drops
// it, and never takes the folio lock. A migration that meets the pin fails its refcount test.
import { isPresent, ptePfn, pteCell } from '../shared/pagetable.js';
import { STAT } from '../shared/stats.js';
import { nowNs } from '../shared/clock.js';
import type { RoleContext, RoleResult } from './context.js';

export interface TransientPinnerConfig {
  mm: number;
  idx: number;
  /** How long a pin is held, in µs (a sleep: the device works, the CPU does not). */
  holdUs: number;
  /** Pause between pins, in µs. */
  gapUs: number;
}

export function transientPinner(ctx: RoleContext): RoleResult {
  const { m, t } = ctx;
  const cfg = ctx.config as unknown as TransientPinnerConfig;
  const w = m.w;
  const cell = pteCell(m, cfg.mm, cfg.idx);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const sleepUs = (us: number): void => { if (us > 0) Atomics.wait(nap, 0, 0, us / 1000); };
  while (!ctx.stopped()) {
    const measuring = ctx.tick();
    const pte = Atomics.load(w, cell); // gup_pte_range(): the PTE without the ptl
    if (!isPresent(pte)) { sleepUs(cfg.gapUs); continue; } // under migration: GUP-fast would fall back; try later
    const pfn = ptePfn(pte);
    if (!t.pg.getPageUnlessZero(pfn)) continue;
    if (Atomics.load(w, cell) !== pte) { t.pg.putPage(pfn); continue; } // the PTE changed: not ours to keep
    const t0 = measuring ? nowNs() : 0;
    w[t.stats + STAT.pinSessions]++;
    sleepUs(cfg.holdUs);
    t.pg.putPage(pfn); // unpin_user_page(): folio_put()
    if (measuring) ctx.record('pinHold', nowNs() - t0);
    sleepUs(cfg.gapUs);
  }
  return ctx.finish();
}
