// Parameters every scenario shares: the kernel cost model (with the source of each default), the
// perturbation hook, and the sleep policy.
import type { CostModel } from '../shared/cost.js';
import { MIGRATE_MODES, type MigrateMode } from '../shared/mm/migrate.js';
import type { SleepPolicy } from '../shared/sleep.js';
import type { ParamSpec, Params } from './types.js';

export const costParams: ParamSpec[] = [
  { key: 'thinkNs', flag: 'think-ns', kind: 'int', min: 0, default: 0, unit: 'ns', description: "a faulter's busy pause between touches (0 = persistent faulter)" },
  { key: 'faultNs', flag: 'fault-ns', kind: 'int', min: 0, default: 500, unit: 'ns', description: 'fault entry: exception, do_swap_page, PTE walk', source: 'prototype baseline ~0.5 µs; page-fault entry+exit on x86 is 0.3–1 µs' },
  { key: 'unmapNs', flag: 'unmap-ns', kind: 'int', min: 0, default: 1000, unit: 'ns', description: 'try_to_unmap_one per mapping: rmap walk, PTE clear', source: 'prototype: 2 µs per mapping including the flush, split here 1 + 1' },
  { key: 'tlbFlushNs', flag: 'tlb-flush-ns', kind: 'int', min: 0, default: 1000, unit: 'ns', description: 'ptep_clear_flush TLB shootdown per mapping', source: 'a cross-CPU shootdown IPI round trip is ~1–3 µs on x86 servers' },
  { key: 'remapNs', flag: 'remap-ns', kind: 'int', min: 0, default: 300, unit: 'ns', description: 'remove_migration_pte per mapping', source: 'prototype baseline 0.3 µs' },
  { key: 'copyNs', flag: 'copy-ns', kind: 'int', min: 0, default: 500, unit: 'ns', description: 'copying one 4 KiB page', source: '4 KiB at ~8–10 GB/s' },
  { key: 'allocNs', flag: 'alloc-ns', kind: 'int', min: 0, default: 500, unit: 'ns', description: 'get_new_page', source: 'prototype baseline 0.5 µs (pcp fast path is ~0.1–0.3 µs)' },
  { key: 'checkNs', flag: 'check-ns', kind: 'int', min: 0, default: 1000, unit: 'ns', description: 'after the last PTE is unmapped, up to the refcount test: the rmap walk tail and move_to_new_page', source: "1 µs: this model's faulter get->put window measures 0.3-0.6 µs (about 3x a kernel's); at 0.3 µs the put-and-wait faulter phase-locks to the check (bimodal 25%/99.8% success)" },
  { key: 'gapNs', flag: 'gap-ns', kind: 'int', min: 0, default: 20000, unit: 'ns', description: "a migrator's gap between migrate_pages() calls", source: 'prototype: 20 µs–1 ms changed little' },
  { key: 'jitterProb', flag: 'jitter-prob', kind: 'number', min: 0, max: 1, default: 0, description: 'probability of a random pause at each race-window site (⟂)' },
  { key: 'jitterNs', flag: 'jitter-ns', kind: 'int', min: 0, default: 0, unit: 'ns', description: 'longest random pause at a race-window site' },
];

/** A migrator preempted after try_to_unmap (a real sleep, holding only the page lock). */
export const migratePreemptParams: ParamSpec[] = [
  { key: 'preemptProb', flag: 'migrate-preempt-prob', kind: 'number', min: 0, max: 1, default: 0, description: 'probability that the migrator is preempted (really sleeps) after try_to_unmap, holding only the page lock' },
  { key: 'preemptUs', flag: 'migrate-preempt-us', kind: 'int', min: 0, default: 200, unit: 'µs', description: 'longest such sleep; lets a faulter sharing its core run inside the window' },
];

/** The migrator's migrate_pages() mode (kernel-model-v6.md D6). */
export const migrateModeParams: ParamSpec[] = [
  {
    key: 'migrateMode', flag: 'migrate-mode', kind: 'choice', choices: MIGRATE_MODES, default: 'sync',
    description: 'migrate_pages() mode: async never sleeps in lock_page (trylock on every pass) and fails a page under writeback with -EBUSY; sync-light takes lock_page from the fourth pass but fails writeback with -EBUSY; sync also waits for writeback',
    source: 'v4.19 callers: NUMA balancing migrate_misplaced_page() is ASYNC (MR_NUMA_MISPLACED); compaction is ASYNC, then SYNC_LIGHT (direct compaction, kcompactd; SYNC only from /proc/sys/vm/compact_memory); move_pages(), memory offline and alloc_contig_range() are SYNC',
  },
];

/** The migrator config's mode from --migrate-mode. */
export const migrateModeFrom = (p: Params): MigrateMode => (p.migrateMode as MigrateMode | undefined) ?? 'sync';

export const sleepParams: ParamSpec[] = [
  { key: 'bookmark', flag: 'bookmark', kind: 'bool', default: true, description: 'v4.14 bookmark wake walk, at most 65 entries per bucket-lock hold (--no-bookmark: the v4.13 single walk)' },
  { key: 'spinNs', flag: 'spin-ns', kind: 'int', min: 0, default: 50000, unit: 'ns', description: 'spin on the task state word before Atomics.wait (0 = sleep at once)', source: 'bench/primitives: a bare Atomics.wait wake is tens of µs here' },
];

const RACE_SITES = ['waitqGap', 'getToPut', 'freePrepare', 'gupPteRead'] as const;

export function costModelFrom(p: Params): CostModel {
  const n = (k: string): number => (p[k] as number | undefined) ?? 0;
  const jitter = n('jitterProb') > 0 && n('jitterNs') > 0
    ? Object.fromEntries(RACE_SITES.map((s) => [s, { prob: n('jitterProb'), maxNs: n('jitterNs') }]))
    : {};
  return {
    ns: {
      think: n('thinkNs'), faultEntry: n('faultNs'), unmapPerMapping: n('unmapNs'), tlbFlush: n('tlbFlushNs'),
      remapPerMapping: n('remapNs'), copy: n('copyNs'), alloc: n('allocNs'), moveMappingCheck: n('checkNs'), betweenCalls: n('gapNs'),
    },
    jitter,
  };
}

export function sleepFrom(p: Params): Partial<SleepPolicy> {
  return { spinNs: (p.spinNs as number | undefined) ?? 50000 };
}

/** The waitqueue task options every role gets: the sleep policy and the wake walk. */
export function waitOptionsFrom(p: Params): { sleep: Partial<SleepPolicy>; bookmark: boolean } {
  return { sleep: sleepFrom(p), bookmark: p.bookmark !== false };
}
