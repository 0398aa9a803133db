// Where each patch counter lives: the patches' counters in file order, then declaration order, in
// the counter row's spare words. The main thread and every worker compute the same table.
import { PATCH_COUNTER_BASE } from '../shared/stats.js';
import type { Patch } from './define.js';

/** name -> word offset in a task's counter row. */
export function counterOffsets(patches: readonly Patch[]): Record<string, number> {
  const names = patches.flatMap((p) => p.counters ?? []);
  return Object.fromEntries(names.map((n, i) => [n, PATCH_COUNTER_BASE + i]));
}

export function counterNames(patches: readonly Patch[]): string[] {
  return patches.flatMap((p) => p.counters ?? []);
}
