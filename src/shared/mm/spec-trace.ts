// Harness instrumentation (no kernel counterpart) for seed 003: per-frame trace words that let the
// speculative getters classify how their get raced a page_ref_freeze() (Baolin Wang's cases a-c)
// and let move_mapping attribute a failed count test to a transient or a kept reference.
// Built once per task: without MemConfig.pageTrace every hook is a no-op.
import { PT_FAILS, PT_FREEZE, PT_MOVED, PT_PINS, PT_SPEC, PT_WORDS } from '../layout.js';
import { STAT } from '../stats.js';
import type { Task } from '../task.js';

export interface SpecTrace {
  // move_mapping side
  /** Before the freeze CAS: the freeze window of oldPfn opens. */
  freezeOpen(pfn: number): void;
  /** After the unfreeze, or after a failed CAS. */
  freezeClose(pfn: number): void;
  /** The old frame's slot was switched away (called while it is frozen). */
  moved(pfn: number): void;
  /** The new frame is about to become visible in the slot: clear its stale trace. */
  published(pfn: number): void;
  /** A count test or freeze of pfn failed: count it and attribute it (pin held / transient only). */
  refTestFailed(pfn: number): void;
  // getter side
  /** Before a speculative get on pfn. */
  specBegin(pfn: number): void;
  /** The get failed; classified (case b if a freeze of pfn was open) unless this is a retry of one. */
  getFailed(pfn: number, classify: boolean): void;
  /** The get succeeded: the reference is speculative until kept() or dropped(); returns their token. */
  gotRef(pfn: number): number;
  /** The recheck failed and the reference is about to be dropped: case (c) or (a), else no race. */
  dropped(pfn: number, token: number): void;
  /** The recheck passed: the speculative reference becomes a kept one (a pin). */
  kept(pfn: number): void;
  /** A kept reference was put (called after the put, so a test that saw it also sees the pin). */
  unpinned(pfn: number): void;
  /** Failed tests of pfn so far (token for "did a test fail while I held my reference?"). */
  fails(pfn: number): number;
}

const noop = (): void => {};
const NO_TRACE: SpecTrace = {
  freezeOpen: noop, freezeClose: noop, moved: noop, published: noop, refTestFailed: noop,
  specBegin: noop, getFailed: noop, gotRef: () => 0, dropped: noop, kept: noop, unpinned: noop, fails: () => 0,
};

export function makeSpecTrace(t: Task): SpecTrace {
  const { m } = t;
  if (!m.L.cfg.pageTrace) return NO_TRACE;
  const w = m.w;
  const st = t.stats;
  const at = (pfn: number, f: number): number => m.L.pageTrace + pfn * PT_WORDS + f;
  return {
    freezeOpen: (pfn) => Atomics.store(w, at(pfn, PT_FREEZE), 1),
    freezeClose: (pfn) => Atomics.store(w, at(pfn, PT_FREEZE), 0),
    moved: (pfn) => Atomics.store(w, at(pfn, PT_MOVED), 1),
    published: (pfn) => Atomics.store(w, at(pfn, PT_MOVED), 0),
    refTestFailed(pfn) {
      Atomics.add(w, at(pfn, PT_FAILS), 1);
      // Read just after the failure: a kept pin explains it; else a speculative get still in flight.
      if (Atomics.load(w, at(pfn, PT_PINS)) > 0) w[st + STAT.eagainPinned]++;
      else if (Atomics.load(w, at(pfn, PT_SPEC)) > 0) w[st + STAT.eagainTransient]++;
    },
    specBegin() {
      w[st + STAT.specGets]++;
    },
    getFailed(pfn, classify) {
      w[st + STAT.specGetFailed]++;
      // (b) the freeze came first: the count was 0 because the frame was frozen, not free.
      if (classify && Atomics.load(w, at(pfn, PT_FREEZE)) !== 0) w[st + STAT.specCaseB]++;
    },
    gotRef(pfn) {
      Atomics.add(w, at(pfn, PT_SPEC), 1);
      return Atomics.load(w, at(pfn, PT_FAILS));
    },
    dropped(pfn, token) {
      w[st + STAT.specDropped]++;
      // (c) a freeze of this frame succeeded and its slot moved on: our get came after the unfreeze
      // (a get before the CAS would have failed it). (a) a test failed while our reference was held.
      if (Atomics.load(w, at(pfn, PT_MOVED)) !== 0) w[st + STAT.specCaseC]++;
      else if (Atomics.load(w, at(pfn, PT_FAILS)) !== token) w[st + STAT.specCaseA]++;
      Atomics.sub(w, at(pfn, PT_SPEC), 1);
    },
    kept(pfn) {
      w[st + STAT.specKept]++;
      Atomics.add(w, at(pfn, PT_PINS), 1);
      Atomics.sub(w, at(pfn, PT_SPEC), 1);
    },
    unpinned: (pfn) => { Atomics.sub(w, at(pfn, PT_PINS), 1); },
    fails: (pfn) => Atomics.load(w, at(pfn, PT_FAILS)),
  };
}
