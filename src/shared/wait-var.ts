// wait_var_event_timeout() / wake_up_var() on a folio's _refcount (kernel/sched/wait_bit.c, v6.x), as
// John Hubbard's 2026 RFC uses them: the waiter names the folio in its task line, sets TASK_SLEEPING,
// tests the condition and sleeps with a timeout; wake_up_var() (after a put, behind a static key)
// wakes every task waiting on that folio. Set state, then test: a put between the two is not lost.
import { C_FOLIO_PUT_WAKEUP_KEY, C_STOP, LINE, TASK_RUNNING, TASK_SLEEPING, TS_STATE, TS_WAIT_VAR } from './layout.js';
import type { Mem } from './memory.js';
import { wakeTask } from './sleep.js';
import type { Task } from './task.js';

/** The outcome of one wait: the condition held (and when), or the timeout expired. */
export interface VarWait {
  ok: boolean;
  waitedNs: number;
}

/** wait_var_event_timeout(&folio->_refcount, cond(), timeoutMs): also returns (not ok) once the run stops. */
export function waitVarEventTimeout(t: Task, pfn: number, cond: () => boolean, timeoutMs: number): VarWait {
  const w = t.m.w;
  const line = t.m.L.taskLines + t.tid * LINE;
  const t0 = performance.now();
  if (cond()) return { ok: true, waitedNs: 0 };
  Atomics.store(w, line + TS_WAIT_VAR, pfn + 1);
  let ok = false;
  for (;;) {
    Atomics.store(w, line + TS_STATE, TASK_SLEEPING); // prepare_to_wait_event()
    if (cond()) { ok = true; break; }
    const left = timeoutMs - (performance.now() - t0);
    if (left <= 0 || Atomics.load(w, t.m.L.control + C_STOP) !== 0) break;
    Atomics.wait(w, line + TS_STATE, TASK_SLEEPING, Math.min(left, 50)); // 50 ms slices: a stopped run is seen soon
  }
  Atomics.store(w, line + TS_STATE, TASK_RUNNING); // finish_wait()
  Atomics.store(w, line + TS_WAIT_VAR, 0);
  return { ok, waitedNs: (performance.now() - t0) * 1e6 };
}

/** wake_up_var(&folio->_refcount): wakes every task waiting on the folio; returns how many. */
export function wakeUpVar(m: Mem, pfn: number): number {
  let n = 0;
  for (let k = 0; k < m.L.cfg.tasks; k++) {
    const line = m.L.taskLines + k * LINE;
    if (Atomics.load(m.w, line + TS_WAIT_VAR) === pfn + 1 && wakeTask(m.w, m.L.taskLines, k)) n++;
  }
  return n;
}

/** static_branch_unlikely(&folio_put_wakeup_key). */
export const folioPutWakeupKey = (m: Mem): boolean => Atomics.load(m.w, m.L.control + C_FOLIO_PUT_WAKEUP_KEY) > 0;

/** static_branch_inc / static_branch_dec of folio_put_wakeup_key (the patching cost is the caller's). */
export function toggleFolioPutWakeupKey(m: Mem, enable: boolean): void {
  Atomics.add(m.w, m.L.control + C_FOLIO_PUT_WAKEUP_KEY, enable ? 1 : -1);
}
