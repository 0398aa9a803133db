// The order-0 free path in two phases (v5.8 mm/page_alloc.c): prepare with IRQs on reads the
// pageblock type with no lock and caches it; commit with IRQs off uses that cached value.
import {
  MIGRATE_ISOLATE, MIGRATE_MOVABLE, MIGRATE_PCPTYPES, PF_FLAGS, PF_INDEX, PF_MAPCOUNT, PF_MAPPING, PF_MT, PF_PRIVATE,
  PF_REF, PG_buddy, PG_offline,
} from '../layout.js';
import { recordConservation } from './conservation.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import type { AllocCtx } from './ctx.js';
import type { Buddy } from './buddy.js';
import type { Pcp } from './pcp.js';
import { LOC_NONE } from './zone.js';

/** Flags that belong to the allocator; free_pages_prepare() clears every other bit. */
export const PAGE_FLAGS_ALLOC_OWNED = PG_buddy | PG_offline;
/** SWAP_CLUSTER_MAX: free_unref_page_list() re-enables IRQs this often. */
export const FREE_LIST_IRQ_BATCH = 32;

export interface FreePath {
  /** free_unref_page_prepare(), v5.8: identity reset, unlocked block-type read cached in PF_MT, then ⟂. */
  freeUnrefPagePrepare(pfn: number): boolean;
  /** local_irq_save + free_unref_page_commit(), v5.8, on CPU cpu. */
  freeUnrefPageCommit(pfn: number, cpu?: number): void;
  /** BROKEN control: free_unref_page_commit() without IRQs off, so a remote drain can interleave. */
  freeUnrefPageCommitNoIrqOff(pfn: number, cpu?: number): void;
  /** free_unref_page(), v5.8: prepare + commit (the put_page FreeHook). */
  freeUnrefPage(pfn: number): void;
  /** free_unref_page_list(), v5.8: prepare all, then commit all in one IRQ-off section (reopened every 32). */
  freeUnrefPageList(pfns: ArrayLike<number>): void;
}

export function makeFreePath(c: AllocCtx, buddy: Buddy, pcp: Pcp, broken: boolean): FreePath {
  const w = c.w;
  const prepared = new Int32Array(c.nPages);

  const freeUnrefPagePrepare = (pfn: number): boolean => {
    const f = c.pf(pfn, PF_FLAGS);
    const flags = Atomics.load(w, f);
    const ref = Atomics.load(w, c.pf(pfn, PF_REF));
    // free_pages_check() -> bad_page(): a counted or already free frame is reported and not freed.
    if (ref !== 0 || (flags & PAGE_FLAGS_ALLOC_OWNED) !== 0) {
      recordConservation(c.m, pfn, 'bad-free', ref, c.tid);
      return false;
    }
    w[f] = Atomics.load(w, f) & PAGE_FLAGS_ALLOC_OWNED; // page->flags &= ~PAGE_FLAGS_CHECK_AT_PREP (non-atomic)
    Atomics.store(w, c.pf(pfn, PF_MAPPING), 0);
    Atomics.store(w, c.pf(pfn, PF_INDEX), 0);
    Atomics.store(w, c.pf(pfn, PF_MAPCOUNT), 0);
    w[c.pf(pfn, PF_PRIVATE)] = LOC_NONE;
    w[c.pf(pfn, PF_MT)] = buddy.blockMt(pfn); // set_pcppage_migratetype(page, get_pfnblock_migratetype())
    c.delay(SITE.freePrepare); // the seed-002 window: the block may become ISOLATE before commit
    return true;
  };

  // The broken control pauses inside its non-atomic count++ so a remote drain can land there.
  const gap = broken ? (): void => c.delay(SITE.freeCommitGap) : (): void => {};

  // free_unref_page_commit(), v5.8: the caller has IRQs off on cpu (or, broken, does not).
  const commitIrqsOff = (pfn: number, cpu: number): void => {
    let mt = w[c.pf(pfn, PF_MT)];
    c.count(STAT.frees);
    if (mt >= MIGRATE_PCPTYPES) {
      if (mt === MIGRATE_ISOLATE) {
        buddy.freeOnePage(pfn, mt);
        c.count(STAT.freesToBuddy);
        return;
      }
      mt = MIGRATE_MOVABLE; // HIGHATOMIC/CMA would be freed as MOVABLE (not modelled)
    }
    pcp.pcpAdd(cpu, pfn, mt, gap);
    c.count(STAT.freesToPcp);
  };

  // The IRQ-off section of the free path: the broken control leaves it out.
  const irqOff = broken ? (_cpu: number): void => {} : c.irqOff;
  const irqOn = broken ? (_cpu: number): void => {} : c.irqOn;

  const commitLocked = (pfn: number, cpu: number): void => {
    c.irqOff(cpu);
    commitIrqsOff(pfn, cpu);
    c.irqOn(cpu);
  };
  const commitNoIrqOff = (pfn: number, cpu: number): void => commitIrqsOff(pfn, cpu);
  const commit = broken ? commitNoIrqOff : commitLocked;

  return {
    freeUnrefPagePrepare,
    freeUnrefPageCommit(pfn, cpu = c.cpu) {
      commitLocked(pfn, cpu);
    },
    freeUnrefPageCommitNoIrqOff(pfn, cpu = c.cpu) {
      commitNoIrqOff(pfn, cpu);
    },
    freeUnrefPage(pfn) {
      if (!freeUnrefPagePrepare(pfn)) return;
      commit(pfn, c.cpu);
    },
    freeUnrefPageList(pfns) {
      if (pfns.length > c.nPages) throw new RangeError(`free list of ${pfns.length} pages exceeds the zone`);
      let n = 0;
      for (let i = 0; i < pfns.length; i++) {
        if (freeUnrefPagePrepare(pfns[i])) prepared[n++] = pfns[i];
      }
      const cpu = c.cpu;
      irqOff(cpu);
      for (let i = 0; i < n; i++) {
        commitIrqsOff(prepared[i], cpu);
        if ((i + 1) % FREE_LIST_IRQ_BATCH === 0 && i + 1 < n) {
          irqOn(cpu); // guard against long IRQ-off times: a remote drain may run here
          irqOff(cpu);
        }
      }
      irqOn(cpu);
    },
  };
}
