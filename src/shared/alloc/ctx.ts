// The caller of the allocator: which task runs, on which CPU, and the locks it takes. The zone
// lock, the per-CPU IRQ-off stand-in and the two zone mutexes are all lock words in the SAB.
import { CPU_LOCK, Z_DRAIN_MUTEX, Z_LOCK, Z_PCP_HIGH_LOCK } from '../layout.js';
import type { Mem } from '../memory.js';
import type { DelayFn } from '../cost.js';
import { spinLock, spinUnlock } from '../spinlock.js';
import { STAT, statRow } from '../stats.js';
import { zoneGeo, type ZoneGeo } from './zone.js';

export interface AllocCtx extends ZoneGeo {
  tid: number;
  cpu: number; // the CPU this task runs on (its own pcp)
  stats: number; // base of this task's counter row
  delay: DelayFn;
  /** spin_lock(&zone->lock); counts zoneLockTaken. */
  zoneLock(): void;
  zoneUnlock(): void;
  /** local_irq_save() on CPU c, or a remote drain "running on" c: takes cpuLock[c]. */
  irqOff(cpu: number): void;
  irqOn(cpu: number): void;
  /** mutex_lock(): spin-then-wait is enough, a holder never waits on its waiters. */
  mutexLock(word: number): void;
  mutexUnlock(word: number): void;
  drainMutex: number;
  pcpHighLock: number;
  /** Plain increment of this task's own counter (only this task writes its row). */
  count(stat: number, n?: number): void;
}

export function makeAllocCtx(m: Mem, tid: number, cpu: number, delay: DelayFn): AllocCtx {
  const g = zoneGeo(m);
  const w = m.w;
  const zl = g.zone + Z_LOCK;
  const stats = statRow(m, tid);
  const zoneLockTaken = stats + STAT.zoneLockTaken;
  return {
    ...g,
    tid, cpu, stats, delay,
    zoneLock() {
      spinLock(w, zl, tid);
      w[zoneLockTaken]++;
    },
    zoneUnlock() {
      spinUnlock(w, zl);
    },
    irqOff(c) {
      spinLock(w, g.cpuLine(c) + CPU_LOCK, tid);
    },
    irqOn(c) {
      spinUnlock(w, g.cpuLine(c) + CPU_LOCK);
    },
    mutexLock(word) {
      spinLock(w, word, tid);
    },
    mutexUnlock(word) {
      spinUnlock(w, word);
    },
    drainMutex: g.zone + Z_DRAIN_MUTEX,
    pcpHighLock: g.zone + Z_PCP_HIGH_LOCK,
    count(stat, n = 1) {
      w[stats + stat] += n;
    },
  };
}
