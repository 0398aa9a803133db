// LRU-add batches (mm/swap.c, v6.x; kernel-model-v6.md D5): folio_add_lru() parks the folio in a
// per-CPU batch holding an extra reference, and PG_lru is set only when the batch drains. While
// lru_disable_count > 0 (lru_cache_disable(), as move_pages(2) calls it) the batch is bypassed.
import { CPU_LOCK, C_LRU_DISABLE, LINE, LRU_BATCH_COUNT, LRU_BATCH_SIZE, PAGE_WORDS, PF_FLAGS, PG_lru, Z_LRU_LOCK } from '../layout.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';

export interface LruBatch {
  /** folio_add_lru(): takes a reference for the batch; drains when full or while the cache is disabled. */
  folioAddLru(pfn: number): void;
  /** lru_add_drain(): this CPU's batch onto the LRU. */
  lruAddDrain(): void;
  /** lru_add_drain_all(): every CPU's batch (here on the caller's thread, under each CPU's lock). */
  lruAddDrainAll(): void;
  /** lru_cache_disable() / lru_cache_enable(). */
  lruCacheDisable(): void;
  lruCacheEnable(): void;
}

export function makeLruBatch(t: Task): LruBatch {
  const { m, pg } = t;
  const w = m.w;
  const batchOf = (cpu: number): number => m.L.lruBatch + cpu * LINE;
  const cpuLock = (cpu: number): number => m.L.cpuLines + cpu * LINE + CPU_LOCK;
  const out: number[] = [];

  // folio_batch_move_lru(): under the cpu's local lock take the batch out; PG_lru and the puts after,
  // outside it (a put may free the folio, and the free path takes the same per-CPU lock).
  const drainCpu = (cpu: number): void => {
    const b = batchOf(cpu);
    spinLock(w, cpuLock(cpu), t.tid);
    const n = w[b + LRU_BATCH_COUNT];
    for (let i = 0; i < n; i++) out.push(w[b + 1 + i] - 1);
    w[b + LRU_BATCH_COUNT] = 0;
    spinUnlock(w, cpuLock(cpu));
    if (out.length === 0) return;
    moveToLru(out);
    out.length = 0;
  };
  const moveToLru = (pfns: readonly number[]): void => {
    const lock = m.L.zone + Z_LRU_LOCK;
    spinLock(w, lock, t.tid);
    for (const p of pfns) Atomics.or(w, m.L.pages + p * PAGE_WORDS + PF_FLAGS, PG_lru);
    spinUnlock(w, lock);
    for (const p of pfns) pg.putPage(p); // folios_put(): the batch's references
    w[t.stats + STAT.lruDrains]++;
  };

  return {
    folioAddLru(pfn) {
      pg.getPage(pfn);
      w[t.stats + STAT.lruBatchAdds]++;
      if (Atomics.load(w, m.L.control + C_LRU_DISABLE) > 0) { moveToLru([pfn]); return; }
      const b = batchOf(t.cpu);
      spinLock(w, cpuLock(t.cpu), t.tid);
      const n = w[b + LRU_BATCH_COUNT];
      w[b + 1 + n] = pfn + 1;
      w[b + LRU_BATCH_COUNT] = n + 1;
      spinUnlock(w, cpuLock(t.cpu));
      if (n + 1 === LRU_BATCH_SIZE) drainCpu(t.cpu);
    },
    lruAddDrain: () => drainCpu(t.cpu),
    lruAddDrainAll() {
      for (let c = 0; c < m.L.cfg.cpus; c++) drainCpu(c);
    },
    lruCacheDisable() {
      Atomics.add(w, m.L.control + C_LRU_DISABLE, 1);
      this.lruAddDrainAll(); // the kernel's synchronize_rcu_expedited() then drain-all: no batch add is in flight after
    },
    lruCacheEnable() {
      Atomics.sub(w, m.L.control + C_LRU_DISABLE, 1);
    },
  };
}
