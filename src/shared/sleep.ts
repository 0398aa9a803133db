// Task sleep and wake-up: the kernel's "set state, test, schedule" on a per-task futex word.
// The sleeper marks itself TASK_SLEEPING (under the waitqueue lock, in waitqueue.ts), then calls
// sleep(); a waker does CAS SLEEPING -> RUNNING and Atomics.notify (try_to_wake_up()).
import { LINE, PAGE_WORDS, PF_FLAGS, TASK_RUNNING, TASK_SLEEPING, TS_SLEEP_SINCE_MS, TS_STATE, TS_WAIT_BIT, TS_WAIT_PAGE, TS_WAKES } from './layout.js';
import type { Mem } from './memory.js';
import { recordForbidden } from './forbidden.js';
import { runMs } from './clock.js';

export interface SleepPolicy {
  /** Spin on the state word this long before Atomics.wait; 0 sleeps at once. */
  spinNs: number;
  /** Sentinel: wake up after this long asleep and check for a lost wakeup; 0 = never. */
  sentinelMs: number;
  /** After a sentinel finds the awaited bit clear, wait this much longer before calling it lost. */
  graceMs: number;
}

/**
 * Default: spin 50 µs, then sleep. bench/primitives measured a bare Atomics.wait/notify wake at
 * tens of µs on these VMs and under 1 µs once the waker lands inside a spin of this length.
 * Sentinel 2 s + 250 ms grace: far above any legitimate wake delay seen on a loaded 2-core box
 * (host preemption maxima of 1–11 ms in measured-limits.md), so a correct variant never trips it.
 */
export const DEFAULT_SLEEP: SleepPolicy = { spinNs: 50_000, sentinelMs: 2000, graceMs: 250 };

/** The spin a run's sleeps used: its --spin-ns, else the default (kernel-model-v6.md D4: every success rate depends on it). */
export const spinNsOf = (params: Record<string, unknown>): number => (typeof params.spinNs === 'number' ? params.spinNs : DEFAULT_SLEEP.spinNs);

export interface TaskSleep {
  /** Records what the task is about to sleep on, for the sentinel and for state dumps. */
  prepare(pfn: number, bit: number): void;
  /** schedule(): returns once woken (or after recording a lost wakeup). */
  sleep(): void;
  /** Ends a wait: TASK_RUNNING, nothing awaited. */
  finish(): void;
}

/** try_to_wake_up() for a TASK_SLEEPING task; true if this call woke it. */
export function wakeTask(w: Int32Array, taskLines: number, t: number): boolean {
  const a = taskLines + t * LINE;
  if (Atomics.compareExchange(w, a + TS_STATE, TASK_SLEEPING, TASK_RUNNING) !== TASK_SLEEPING) return false;
  Atomics.add(w, a + TS_WAKES, 1);
  Atomics.notify(w, a + TS_STATE, 1);
  return true;
}

export function makeTaskSleep(m: Mem, tid: number, policy: SleepPolicy): TaskSleep {
  const w = m.w;
  const line = m.L.taskLines + tid * LINE;
  const st = line + TS_STATE;
  const pages = m.L.pages;
  const spinMs = policy.spinNs / 1e6;
  const timeout = policy.sentinelMs > 0 ? policy.sentinelMs : Infinity;

  // The sentinel's check: the awaited bit is clear, yet no wake reached us.
  const awaitedHolds = (): boolean => {
    const p = Atomics.load(w, line + TS_WAIT_PAGE) - 1;
    if (p < 0) return false;
    return (Atomics.load(w, pages + p * PAGE_WORDS + PF_FLAGS) & Atomics.load(w, line + TS_WAIT_BIT)) === 0;
  };

  const spin = (): boolean => {
    const until = performance.now() + spinMs;
    for (;;) {
      for (let i = 0; i < 32; i++) if (Atomics.load(w, st) !== TASK_SLEEPING) return true;
      if (performance.now() >= until) return false;
    }
  };

  return {
    prepare(pfn, bit) {
      Atomics.store(w, line + TS_WAIT_PAGE, pfn + 1);
      Atomics.store(w, line + TS_WAIT_BIT, bit);
      Atomics.store(w, st, TASK_SLEEPING);
    },
    sleep() {
      if (spinMs > 0 && spin()) return;
      w[line + TS_SLEEP_SINCE_MS] = Math.round(runMs());
      while (Atomics.load(w, st) === TASK_SLEEPING) {
        if (Atomics.wait(w, st, TASK_SLEEPING, timeout) !== 'timed-out') continue;
        if (!awaitedHolds()) continue;
        if (Atomics.wait(w, st, TASK_SLEEPING, policy.graceMs) !== 'timed-out' || !awaitedHolds()) continue;
        const p = Atomics.load(w, line + TS_WAIT_PAGE) - 1;
        recordForbidden(m, 'lost-wakeup', p, Atomics.load(w, line + TS_WAIT_BIT),
          Atomics.load(w, pages + p * PAGE_WORDS + PF_FLAGS), tid);
        // Recorded above; the task then runs on so the run can drain and report.
        Atomics.compareExchange(w, st, TASK_SLEEPING, TASK_RUNNING);
      }
    },
    finish() {
      Atomics.store(w, st, TASK_RUNNING);
      Atomics.store(w, line + TS_WAIT_PAGE, 0);
    },
  };
}
