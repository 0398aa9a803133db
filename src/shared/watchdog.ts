// Lost-wakeup detectors (FO1, kernel-model.md §10.6) and their state dump.
// - The watchdog: a task asleep on a page bit that is clear at two samples at least thresholdMs apart,
//   with no wake delivered in between, has lost its wakeup.
// - The free check: a task asleep on a frame that is being freed has no holder left to wake it (§7.2 t=8).
// - The drain check: a task still asleep once every role has stopped.
// Each records the outcome, dumps the state once (lost-wakeup-dump.ts), then wakes the task so the run
// can drain: recorded, never silently recovered.
import {
  LINE, LWD_BY_DRAIN, LWD_BY_FREE, LWD_BY_WATCHDOG, PAGE_WORDS, PF_FLAGS, TASK_SLEEPING, TS_STATE, TS_WAIT_BIT,
  TS_WAIT_PAGE, TS_WAKES,
} from './layout.js';
import type { Mem } from './memory.js';
import { recordForbidden } from './forbidden.js';
import { wakeTask } from './sleep.js';
import { pageWaitBucket } from './waitqueue.js';
import { dumpLostWakeup, formatLostWakeupDump, readLostWakeupDump } from './lost-wakeup-dump.js';

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
  /** Longest a sleeper stayed a suspect (bit clear, not woken) before a wake reached it, in ms (sampled). */
  maxResolvedMs(): number;
}

export function makeLostWakeupWatchdog(m: Mem, thresholdMs: number): Watchdog {
  const w = m.w;
  const suspects = new Map<number, Suspect>();
  let maxResolved = 0;
  const resolved = (t: number, nowMs: number): void => {
    const s = suspects.get(t);
    if (s) { maxResolved = Math.max(maxResolved, nowMs - s.sinceMs); suspects.delete(t); }
  };
  return {
    maxResolvedMs: () => maxResolved,
    sample(nowMs) {
      const lost: LostWakeup[] = [];
      for (let t = 0; t < m.L.cfg.tasks; t++) {
        const line = m.L.taskLines + t * LINE;
        const pfn = Atomics.load(w, line + TS_WAIT_PAGE) - 1;
        const bit = Atomics.load(w, line + TS_WAIT_BIT);
        const flags = pfn >= 0 ? Atomics.load(w, m.L.pages + pfn * PAGE_WORDS + PF_FLAGS) : 0;
        if (Atomics.load(w, line + TS_STATE) !== TASK_SLEEPING || pfn < 0) { resolved(t, nowMs); continue; }
        if (flags & bit) { suspects.delete(t); continue; }
        const wakes = Atomics.load(w, line + TS_WAKES);
        const s = suspects.get(t);
        if (!s || s.pfn !== pfn || s.wakes !== wakes) {
          if (s) resolved(t, nowMs);
          suspects.set(t, { pfn, wakes, sinceMs: nowMs });
          continue;
        }
        if (nowMs - s.sinceMs < thresholdMs) continue;
        lost.push({ tid: t, pfn, bit, flags, bucket: pageWaitBucket(pfn), suspectForMs: nowMs - s.sinceMs });
        dumpLostWakeup(m, t, pfn, bit, LWD_BY_WATCHDOG);
        recordForbidden(m, 'lost-wakeup', pfn, bit, flags, t);
        suspects.delete(t);
        wakeTask(w, m.L.taskLines, t);
      }
      return lost;
    },
  };
}

/**
 * Harness check where reclaim frees a page whose count it froze (shrink_page_list's free_it): a task
 * still asleep on that frame can no longer be woken by any holder, because none is left (§7.2 t=7-8).
 * No threshold is needed: every correct waker wakes its sleepers before the page can be frozen and freed.
 * Records FO1 with the dump and wakes the task. Returns how many it found (normally 0).
 */
export function checkSleepersOnFreedPage(m: Mem, pfn: number): number {
  const w = m.w;
  let n = 0;
  for (let t = 0; t < m.L.cfg.tasks; t++) {
    const line = m.L.taskLines + t * LINE;
    if (Atomics.load(w, line + TS_STATE) !== TASK_SLEEPING || Atomics.load(w, line + TS_WAIT_PAGE) !== pfn + 1) continue;
    const bit = Atomics.load(w, line + TS_WAIT_BIT);
    dumpLostWakeup(m, t, pfn, bit, LWD_BY_FREE);
    recordForbidden(m, 'lost-wakeup', pfn, bit, Atomics.load(w, m.L.pages + pfn * PAGE_WORDS + PF_FLAGS), t);
    wakeTask(w, m.L.taskLines, t);
    n++;
  }
  return n;
}

/** Drain-out check (main thread, every role stopped): each task still asleep, with the dump of the first. */
export function sleepersAtDrain(m: Mem): string[] {
  const w = m.w;
  const out: string[] = [];
  for (let t = 0; t < m.L.cfg.tasks; t++) {
    const line = m.L.taskLines + t * LINE;
    if (Atomics.load(w, line + TS_STATE) !== TASK_SLEEPING) continue;
    const pfn = Atomics.load(w, line + TS_WAIT_PAGE) - 1;
    const bit = Atomics.load(w, line + TS_WAIT_BIT);
    if (pfn >= 0) dumpLostWakeup(m, t, pfn, bit, LWD_BY_DRAIN);
    const d = readLostWakeupDump(m);
    out.push(`task ${t} is asleep at drain-out${pfn >= 0 ? ` on frame ${pfn}` : ''}${d && d.tid === t && d.pfn === pfn ? `; ${formatLostWakeupDump(d)}` : ''}`);
  }
  return out;
}

