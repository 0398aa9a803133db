// Booting and checking a set of popular pages mapped into several mms (anon or one file), shared by
// the scenarios that migrate, reclaim or offline such pages.
import {
  ANON_MAPPING, LINE, NIL, PAGE_WORDS, PF_FLAGS, PF_INDEX, PF_MAPCOUNT, PF_MAPPING, PF_REF, PG_locked, PG_lru, PG_uptodate,
  PTE_PRESENT, PTE_WRITE, TASK_SLEEPING, TS_STATE, WAIT_TABLE_SIZE, WQ_LIST, pteMake,
} from '../shared/layout.js';
import type { Mem } from '../shared/memory.js';
import { makeTask } from '../shared/task.js';
import { initZone } from '../shared/alloc/init.js';
import { auditConservation } from '../shared/alloc/conservation.js';
import { isPresent, ptePfn, pteCell } from '../shared/pagetable.js';
import { fileMapping, slotCell } from '../shared/pagecache.js';
import type { Violation } from './types.js';

export interface MappedPages {
  pages: number;
  mapcount: number;
  file: boolean;
  pcpHigh: number;
  pcpBatch: number;
}

/** Frames a run needs: the pages, their migration targets, and what the pcp lists may hold. */
export const framesFor = (pages: number, cpus: number, pcpHigh: number): number => pages * 3 + 16 + cpus * (pcpHigh + 1);

/** Frees every frame to the zone, then allocates and maps the pages (main thread, as task 0). */
export function bootMappedPages(m: Mem, o: MappedPages): number[] {
  initZone(m, { high: o.pcpHigh, batch: o.pcpBatch });
  const t = makeTask(m, 0);
  const w = m.w;
  const pfns: number[] = [];
  for (let i = 0; i < o.pages; i++) {
    const pfn = t.alloc.allocPage();
    if (pfn < 0) throw new Error('boot: the zone ran out of frames');
    const a = m.L.pages + pfn * PAGE_WORDS;
    Atomics.store(w, a + PF_REF, o.mapcount + (o.file ? 1 : 0));
    w[a + PF_MAPCOUNT] = o.mapcount;
    w[a + PF_MAPPING] = o.file ? fileMapping(0) : ANON_MAPPING;
    w[a + PF_INDEX] = i;
    Atomics.or(w, a + PF_FLAGS, PG_lru | PG_uptodate);
    for (let mm = 0; mm < o.mapcount; mm++) Atomics.store(w, pteCell(m, mm, i), pteMake(pfn, PTE_PRESENT | PTE_WRITE));
    if (o.file) Atomics.store(w, slotCell(m, 0, i), pfn + 1);
    pfns.push(pfn);
  }
  return pfns;
}

/** §0.4 at quiescence: refcount = holders, unlocked, every PTE present on the current frame, no waiter left. */
export function checkMappedPages(m: Mem, o: MappedPages): Violation[] {
  const w = m.w;
  const out: Violation[] = [];
  for (let i = 0; i < o.pages; i++) {
    const pfn = ptePfn(Atomics.load(w, pteCell(m, 0, i)));
    for (let mm = 0; mm < o.mapcount; mm++) {
      const pte = Atomics.load(w, pteCell(m, mm, i));
      if (!isPresent(pte) || ptePfn(pte) !== pfn) out.push({ kind: 'invariant', detail: `page ${i}: mm ${mm} PTE ${pte.toString(16)} is not present on frame ${pfn}` });
    }
    const a = m.L.pages + pfn * PAGE_WORDS;
    const want = o.mapcount + (o.file ? 1 : 0);
    const ref = Atomics.load(w, a + PF_REF);
    if (ref !== want) out.push({ kind: ref < 0 ? 'refcount-underflow' : 'invariant', detail: `page ${i} (frame ${pfn}): refcount ${ref}, holders ${want}` });
    if (w[a + PF_MAPCOUNT] !== o.mapcount) out.push({ kind: 'invariant', detail: `page ${i} (frame ${pfn}): mapcount ${w[a + PF_MAPCOUNT]}, expected ${o.mapcount}` });
    const f = Atomics.load(w, a + PF_FLAGS);
    if (f & PG_locked) out.push({ kind: 'invariant', detail: `page ${i} (frame ${pfn}) is still locked` });
    if (!(f & PG_lru)) out.push({ kind: 'invariant', detail: `page ${i} (frame ${pfn}) is not back on the LRU` });
    if (o.file && Atomics.load(w, slotCell(m, 0, i)) !== pfn + 1) out.push({ kind: 'invariant', detail: `page ${i}: cache slot does not hold frame ${pfn}` });
  }
  for (let b = 0; b < WAIT_TABLE_SIZE; b++) {
    if (w[m.L.waitTable + b * LINE + WQ_LIST] !== NIL) out.push({ kind: 'invariant', detail: `waitqueue bucket ${b} still has entries` });
  }
  for (let t = 0; t < m.L.cfg.tasks; t++) {
    if (Atomics.load(w, m.L.taskLines + t * LINE + TS_STATE) === TASK_SLEEPING) out.push({ kind: 'lost-wakeup', detail: `task ${t} is asleep at drain-out` });
  }
  for (const v of auditConservation(m)) out.push({ kind: 'page-conservation', detail: `frame ${v.pfn}: ${v.problem}` });
  return out;
}
