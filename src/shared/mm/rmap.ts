// The rmap walk with migration entries (mm/rmap.c try_to_unmap_one TTU_MIGRATION, mm/migrate.c
// remove_migration_pte, v4.19). The model's rmap: a page of index i is mapped at PTE slot i of
// each mm, so the walk visits that slot in every mm and handles the PTEs that point at the page.
import { PAGE_WORDS, PF_FLAGS, PF_INDEX, PF_MAPCOUNT, PG_dirty, PTE_DIRTY, PTE_MIGRATION, PTE_PRESENT, PTE_WRITE, pteMake } from '../layout.js';
import { isMigrationEntry, isPresent, ptePfn, pteCell, ptlOf, type TlbOps } from '../pagetable.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { SITE } from '../cost.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';

/** try_to_unmap(page, TTU_MIGRATION): every present PTE of the page becomes a migration entry. */
export function tryToUnmapMigration(t: Task, tlb: TlbOps, pfn: number): boolean {
  const { m, pg, delay } = t;
  const w = m.w;
  const a = m.L.pages + pfn * PAGE_WORDS;
  const idx = w[a + PF_INDEX];
  for (let mm = 0; mm < m.L.cfg.mms; mm++) {
    const cell = pteCell(m, mm, idx);
    if (ptePfn(Atomics.load(w, cell)) !== pfn || !isPresent(Atomics.load(w, cell))) continue;
    delay(SITE.unmapPerMapping); // rmap walk to this vma and page_vma_mapped_walk, before the ptl
    spinLock(w, ptlOf(m, mm), t.tid);
    const pte = Atomics.load(w, cell);
    if (isPresent(pte) && ptePfn(pte) === pfn) {
      // ptep_clear_flush() under the ptl, then the migration entry, writable iff the PTE was.
      const old = tlb.clearFlushSet(cell, pteMake(pfn, PTE_MIGRATION | (pte & PTE_WRITE)));
      delay(SITE.tlbFlush);
      if (old & PTE_DIRTY) Atomics.or(w, a + PF_FLAGS, PG_dirty);
      Atomics.sub(w, a + PF_MAPCOUNT, 1);
      pg.putPage(pfn); // the mapping's reference
      w[t.stats + STAT.unmapOps]++;
    }
    spinUnlock(w, ptlOf(m, mm));
  }
  return Atomics.load(w, a + PF_MAPCOUNT) === 0;
}

/** remove_migration_ptes(old, new): each migration entry for old becomes a present PTE of new. */
export function removeMigrationPtes(t: Task, oldPfn: number, newPfn: number): void {
  const { m, pg, delay } = t;
  const w = m.w;
  const idx = w[m.L.pages + oldPfn * PAGE_WORDS + PF_INDEX];
  const na = m.L.pages + newPfn * PAGE_WORDS;
  for (let mm = 0; mm < m.L.cfg.mms; mm++) {
    const cell = pteCell(m, mm, idx);
    if (!isMigrationEntry(Atomics.load(w, cell)) || ptePfn(Atomics.load(w, cell)) !== oldPfn) continue;
    spinLock(w, ptlOf(m, mm), t.tid);
    const pte = Atomics.load(w, cell);
    if (isMigrationEntry(pte) && ptePfn(pte) === oldPfn) {
      delay(SITE.remapPerMapping);
      pg.getPage(newPfn); // the new mapping's reference
      Atomics.add(w, na + PF_MAPCOUNT, 1);
      Atomics.store(w, cell, pteMake(newPfn, PTE_PRESENT | (pte & PTE_WRITE)));
      w[t.stats + STAT.remapOps]++;
    }
    spinUnlock(w, ptlOf(m, mm));
  }
}
