// move_pages(2) for one page (mm/migrate.c do_pages_move(), v6.x): lru_cache_disable(),
// add_page_for_migration() (follow_page(FOLL_GET), folio_isolate_lru()), then
// migrate_pages(MIGRATE_SYNC, MR_SYSCALL) to the target node. Two "nodes" are two pageblock ranges of
// the one zone: node 1's blocks are tagged MIGRATE_RECLAIMABLE so the per-type free lists (and pcp
// lists) keep each node's frames apart; alloc_migration_target() asks for the target node's type.
import { MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, PTE_PRESENT } from '../layout.js';
import type { Mem } from '../memory.js';
import { ptePfn, pteCell, ptlOf } from '../pagetable.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';
import type { CachingTlb } from '../tlb.js';
import { isolateLruPage } from './lru.js';
import { makeLruBatch } from './lru-batch.js';
import { MIGRATE_SYNC, makeMigratorV6, type MigrateV6Options } from './migrate-v6.js';

/** The migratetype that stands for each node's free frames. */
export const NODE_MT = [MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE] as const;
export const ENOENT = -2;

/** page_to_nid(): which of the two nodes a frame belongs to. */
export const nodeOfPfn = (m: Mem, pfn: number): number =>
  Atomics.load(m.w, m.L.blocks + Math.floor(pfn / m.L.cfg.pagesPerBlock)) === MIGRATE_RECLAIMABLE ? 1 : 0;

export interface MovePages {
  /** move_pages(pid, 1, &addr, &node, status, MPOL_MF_MOVE_ALL): pages not migrated (0 or 1), or -errno. */
  movePages(mm: number, idx: number, node: number): number;
}

export function makeMovePages(t: Task, tlb: CachingTlb, o: Omit<MigrateV6Options, 'getNewFolio'>): MovePages {
  const { m, pg } = t;
  const w = m.w;
  const st = t.stats;
  let target = 0;
  // alloc_migration_target(): a frame of the target node (a fallback to the other node is counted).
  const getNewFolio = (): number => {
    const dst = t.alloc.allocPage(NODE_MT[target]);
    if (dst >= 0 && nodeOfPfn(m, dst) !== target) w[st + STAT.wrongNode]++;
    return dst;
  };
  const migrator = makeMigratorV6(t, tlb, { ...o, getNewFolio });
  const lru = makeLruBatch(t);

  // add_page_for_migration(): 0 = queued (isolated, our reference), 1 = already on the node, or -errno.
  const addPageForMigration = (mm: number, idx: number, node: number, out: number[]): number => {
    const cell = pteCell(m, mm, idx);
    spinLock(w, ptlOf(m, mm), t.tid); // follow_page(FOLL_GET): a present PTE only
    const pte = Atomics.load(w, cell);
    const present = (pte & PTE_PRESENT) !== 0;
    if (present) pg.getPage(ptePfn(pte));
    spinUnlock(w, ptlOf(m, mm));
    if (!present) return ENOENT;
    const pfn = ptePfn(pte);
    let rc = 0;
    if (nodeOfPfn(m, pfn) === node) rc = 1;
    else if (!isolateLruPage(t, pfn)) { rc = -16; w[st + STAT.movePagesBusy]++; } // -EBUSY
    else out.push(pfn);
    pg.putPage(pfn); // the follow_page reference; isolation holds its own
    return rc;
  };

  return {
    movePages(mm, idx, node) {
      lru.lruCacheDisable();
      const list: number[] = [];
      let rc = addPageForMigration(mm, idx, node, list);
      if (rc === 0) {
        target = node;
        rc = migrator.migratePages(list, MIGRATE_SYNC).failed; // MR_SYSCALL
      } else if (rc === 1) rc = 0;
      lru.lruCacheEnable();
      w[st + STAT.movePagesCalls]++;
      if (rc !== 0) w[st + STAT.movePagesFailed]++;
      return rc;
    },
  };
}
