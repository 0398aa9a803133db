// Lost-wakeup watchdog (FO1, kernel-model.md §10.6): a task asleep on a page bit that is clear at two
// samples at least thresholdMs apart, with no wake delivered in between, has lost its wakeup.
// It is recorded, then woken so the run can drain: recorded, never silently recovered.
import { LINE, PAGE_WORDS, PF_FLAGS, TASK_SLEEPING, TS_STATE, TS_WAIT_BIT, TS_WAIT_PAGE, TS_WAKES, WAIT_TABLE_BITS } from './layout.js';
import type { Mem } from './memory.js';
import { recordForbidden } from './forbidden.js';
import { wakeTask } from './sleep.js';

export interface LostWakeup {
  tid: number;
  pfn: number;
  bit: number;
  flags: number;
  bucket: number;
  suspectForMs: number;
}

interface Suspect {
  pfn: number;
  wakes: number;
  sinceMs: number;
}

export interface Watchdog {
  /** One sample at run time nowMs; returns (and records) the wakeups found lost. */
  sample(nowMs: number): LostWakeup[];
}

export function makeLostWakeupWatchdog(m: Mem, thresholdMs: number): Watchdog {
  const w = m.w;
  const suspects = new Map<number, Suspect>();
  return {
    sample(nowMs) {
      const lost: LostWakeup[] = [];
      for (let t = 0; t < m.L.cfg.tasks; t++) {
        const line = m.L.taskLines + t * LINE;
        const pfn = Atomics.load(w, line + TS_WAIT_PAGE) - 1;
        const bit = Atomics.load(w, line + TS_WAIT_BIT);
        const flags = pfn >= 0 ? Atomics.load(w, m.L.pages + pfn * PAGE_WORDS + PF_FLAGS) : 0;
        if (Atomics.load(w, line + TS_STATE) !== TASK_SLEEPING || pfn < 0 || flags & bit) { suspects.delete(t); continue; }
        const wakes = Atomics.load(w, line + TS_WAKES);
        const s = suspects.get(t);
        if (!s || s.pfn !== pfn || s.wakes !== wakes) { suspects.set(t, { pfn, wakes, sinceMs: nowMs }); continue; }
        if (nowMs - s.sinceMs < thresholdMs) continue;
        const bucket = Math.imul(pfn, 0x61c88647) >>> (32 - WAIT_TABLE_BITS);
        lost.push({ tid: t, pfn, bit, flags, bucket, suspectForMs: nowMs - s.sinceMs });
        recordForbidden(m, 'lost-wakeup', pfn, bit, flags, t);
        suspects.delete(t);
        wakeTask(w, m.L.taskLines, t);
      }
      return lost;
    },
  };
}
