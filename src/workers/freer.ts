// Freer role: short-lived processes on one CPU. Each allocates a few pages, uses them for a moment,
// and exits: release_pages() -> free_unref_page_list(), or single put_page() frees. Its CPU then stays
// idle for a random time, as a CPU does once its task is gone: a page left on its pcp list leaves it
// only when this CPU next allocates or flushes (kernel-model.md §8.4, seed 002: "e.g. exit ->
// release_pages"). The prepare -> commit window of each free is widened by cost site freePrepare.
import { C_GO, PAGE_WORDS, PF_REF } from '../shared/layout.js';
import { makeRng, spinNs } from '../shared/cost.js';
import { STAT } from '../shared/stats.js';
import { nowNs } from '../shared/clock.js';
import type { RoleContext, RoleResult } from './context.js';

export interface FreerConfig {
  /** Pages one process allocates: 1..maxHeld. */
  maxHeld: number;
  /** Longest time a process uses its pages (busy, ns). */
  holdNs: number;
  /** Longest idle time of the CPU after an exit (ms); 0 = the next process starts at once. */
  idleMs: number;
  /** Probability that an exit frees its pages as one list (release_pages) rather than one by one. */
  listFreeProb: number;
  seed: number;
}

export function freer(ctx: RoleContext): RoleResult {
  const { m, t } = ctx;
  const cfg = ctx.config as unknown as FreerConfig;
  const w = m.w;
  const st = t.stats;
  const zl = st + STAT.zoneLockTaken;
  const rng = makeRng((cfg.seed ^ Math.imul(t.tid + 1, 0x2545f491)) | 0);
  const held = new Int32Array(Math.max(1, cfg.maxHeld));
  const list = new Int32Array(held.length);
  const dw = m.L.cfg.dataWords;
  const ref = (pfn: number): number => m.L.pages + pfn * PAGE_WORDS + PF_REF;
  const go = m.L.control + C_GO;
  let seq = 0;

  // release_pages(): drop each reference; the pages that reached zero go to free_unref_page_list().
  const releasePages = (n: number): void => {
    let k = 0;
    for (let i = 0; i < n; i++) if (Atomics.sub(w, ref(held[i]), 1) === 1) list[k++] = held[i];
    t.alloc.freeUnrefPageList(list.subarray(0, k));
  };
  const putEach = (n: number): void => {
    for (let i = 0; i < n; i++) t.pg.putPage(held[i]);
  };

  while (!ctx.stopped()) {
    ctx.parkIfAsked(); // between processes: nothing held, no free in flight
    const measuring = ctx.tick();
    const want = 1 + Math.floor(rng() * held.length);
    let n = 0;
    const za = w[zl];
    for (; n < want; n++) {
      const pfn = t.alloc.allocPage();
      if (pfn < 0) break;
      held[n] = pfn;
      if (dw > 0) w[m.L.data + pfn * dw] = ++seq; // the process uses its memory
    }
    w[st + STAT.freerAllocZoneLocks] += w[zl] - za;
    w[st + STAT.freerAllocs] += n;
    if (cfg.holdNs > 0) spinNs(rng() * cfg.holdNs);
    if (n > 0) {
      const zf = w[zl];
      const f0 = measuring ? nowNs() : 0;
      if (rng() < cfg.listFreeProb) releasePages(n);
      else putEach(n);
      if (measuring) ctx.record('freePage', (nowNs() - f0) / n);
      w[st + STAT.freerFreeZoneLocks] += w[zl] - zf;
      w[st + STAT.freerFrees] += n;
    }
    // The CPU idles: woken early only by the stop word (C_GO is notified at stop) or to park.
    const until = performance.now() + rng() * cfg.idleMs;
    for (let left = until - performance.now(); left > 0 && !ctx.stopped(); left = until - performance.now()) {
      ctx.parkIfAsked();
      Atomics.wait(w, go, 1, Math.min(10, left));
    }
  }
  return ctx.finish();
}
