// Exact counters for any run length: each role bumps a plain 32-bit word (the hot path stays one
// Int32 increment), and the main thread folds every word's signed 32-bit change into a JS number
// (exact to 2^53) often enough that no word can move 2^31 between two folds (a role would need
// ~10^8 events a second for 20 s; the runner folds every 20 ms).
import { STAT_MARKED, STAT_NAMES, statRow } from '../shared/stats.js';
import { STAT_WORDS_PER_TASK } from '../shared/layout.js';
import type { Mem } from '../shared/memory.js';

export interface StatFolder {
  /** Reads every counter word once and folds its change since the last fold. */
  fold(): void;
  /** Call just before the measure word is raised: each role's measure-start copy lies within 2^31 of now. */
  startMeasure(): void;
  /** Every task's counters since the run began, summed by name (differences of two calls are exact). */
  totals(): Record<string, number>;
  /** Since each task copied its row at measure start (what a run reports), summed by name; a task that has not copied yet counts 0. */
  measured(): Record<string, number>;
}

/** extra: names of a patch's counters, in the words after the built-in ones (stats.ts PATCH_COUNTER_BASE). */
export function makeStatFolder(m: Mem, extra: readonly string[] = []): StatFolder {
  const tasks = m.L.cfg.tasks;
  const names: readonly string[] = [...STAT_NAMES, ...extra];
  const n = names.length;
  if (n > STAT_MARKED) throw new RangeError(`${extra.length} patch counters do not fit in the ${STAT_MARKED - STAT_NAMES.length} spare counter words`);
  const w = m.w;
  const prev = new Int32Array(tasks * n);
  const acc = new Float64Array(tasks * n);
  let startAcc: Float64Array | null = null;
  let startLow: Int32Array | null = null;
  const word = (t: number, i: number): number => Atomics.load(w, statRow(m, t) + i);
  for (let t = 0; t < tasks; t++) for (let i = 0; i < n; i++) { prev[t * n + i] = word(t, i); acc[t * n + i] = prev[t * n + i]; }
  const fold = (): void => {
    for (let t = 0; t < tasks; t++) {
      for (let i = 0; i < n; i++) {
        const k = t * n + i;
        const raw = word(t, i);
        // (a - b) | 0 is the change modulo 2^32, read as signed: exact while |change| < 2^31.
        acc[k] += (raw - prev[k]) | 0;
        prev[k] = raw;
      }
    }
  };
  const sum = (f: (k: number, t: number, i: number) => number): Record<string, number> => {
    fold();
    const out: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < tasks; t++) s += f(t * n + i, t, i);
      out[names[i]] = s;
    }
    return out;
  };
  return {
    fold,
    startMeasure() { fold(); startAcc = acc.slice(); startLow = prev.slice(); },
    totals: () => sum((k) => acc[k]),
    measured: () => sum((k, t, i) => {
      if (!startAcc || !startLow || Atomics.load(w, m.L.statsBase + t * STAT_WORDS_PER_TASK + STAT_MARKED) === 0) return 0;
      // The row as the task copied it, unrolled to the full count: near the count at startMeasure.
      const copied = Atomics.load(w, m.L.statsBase + t * STAT_WORDS_PER_TASK + i);
      return acc[k] - (startAcc[k] + ((copied - startLow[k]) | 0));
    }),
  };
}

/** Test hook: every counter word of every task starts at `value` (drives counts past 2^31 / 2^32 in seconds). */
export function seedCounters(m: Mem, value: number): void {
  for (let t = 0; t < m.L.cfg.tasks; t++) for (let i = 0; i < STAT_NAMES.length; i++) Atomics.store(m.w, statRow(m, t) + i, value | 0);
}
