// Event counters: one row of STAT_WORDS_PER_TASK 32-bit words per task, written only by that task
// with plain stores (no contention); the runner folds them into exact totals (run/stat-folder.ts).
import { STAT_WORDS_PER_TASK } from './layout.js';
import type { Mem } from './memory.js';

export const STAT_NAMES = [
  // page lock and waitqueue (mm/filemap.c)
  'waits', 'sleeps', 'resleeps', 'wakesSent', 'walkEntries', 'walkHolds', 'lockContended',
  // fault path (__migration_entry_wait)
  'touches', 'migrationEntryFaults', 'faultGetFailed', 'waitsOnLocked',
  // migrate_pages()
  'migrateCalls', 'migratePages', 'migrateSucceeded', 'migrateFailed', 'migrateAttempts',
  'eagain1', 'eagain2', 'eagain3', 'eagain4', 'eagain5', 'eagain6', 'eagain7', 'eagain8', 'eagain9', 'eagain10',
  'eagainTrylock', 'eagainRefcount', 'eagainFreeze', 'eagainSlot', 'eagainWriteback', 'eagainNewpage',
  'unmapOps', 'remapOps', 'newpageAllocs', 'newpageWasted', 'newpageWastedLock', 'moveMappingLocks',
  // allocator (mm/page_alloc.c)
  'allocs', 'allocFailed', 'frees', 'freesToPcp', 'freesToBuddy', 'pcpRefills', 'pcpBulkFrees', 'zoneLockTaken',
  'drains', 'drainCpus',
  // move_mapping vs speculative references (seed 003): GUP-fast, lock-free page-cache lookups, pins
  'moveMappingCalls', 'eagainTransient', 'eagainPinned',
  'specGets', 'specGetFailed', 'specDropped', 'specKept', 'specCaseA', 'specCaseB', 'specCaseC',
  'gupFallback', 'gupMatthew', 'gupMatthewSeen', 'lookupUptodateWait', 'pinSessions', 'pinWrites',
  // reclaim (shrink_page_list, __remove_mapping) and the filemap fault that refills the cache (seed 000 §7)
  'reclaimAttempts', 'reclaimSucceeded', 'reclaimFreezeFailed', 'reclaimKept', 'reclaimWaitersAtRemove',
  'filemapFaults', 'filemapAllocs',
  // THP split (split_huge_page_to_list, 605ca5ede764) and the harness's re-forming of the THP
  'thpSplits', 'thpSplitBusy', 'thpWindowRefs', 'thpReforms', 'thpReformBusy',
  // memory offline (__offline_pages, seed 002): rounds, the freers' allocator cost, the periodic audit
  'offlineRounds', 'offlineFinished', 'offlineTimedOut', 'offlineIters', 'offlineCheckFails', 'offlinePcpSeen',
  'freerAllocs', 'freerFrees', 'freerAllocZoneLocks', 'freerFreeZoneLocks', 'audits', 'auditSkipped',
  // v4.19 filemap_fault's lock_page_or_retry (kernel-model-v6.md D2) and the migrate mode (D6)
  'filemapLockWaits', 'filemapFaultRetries', 'filemapLockPage', 'filemapMappingChanged', 'filemapPteRaced',
  'migrateLockPage', 'migrateLockSleeps', 'ebusyWriteback',
  // v6.x migration (issue 9): the caching TLB, the lock-free fault path, the folio lock, migrate_pages_batch, move_pages(2)
  'tlbHits', 'tlbMisses', 'tlbFlushes', 'tlbBatchFlushes', 'noneFaults', 'anonBackoffs', 'shmemFaults', 'shmemNoPage',
  'shmemLockWaits', 'shmemMapped', 'lockHandoffs', 'unmapEagain', 'moveEagain', 'moveEagainWaiters', 'lruBatchAdds',
  'lruDrains', 'movePagesCalls', 'movePagesFailed', 'movePagesBusy', 'wrongNode', 'unmapBackoffs', 'moveBackoffs',
  'selftestIterations', 'selftestFailures',
  // shrink_page_list() pages whose trylock_page() failed (kept without a try; not a reclaim outcome)
  'reclaimTrylockFailed',
  // later issues append here
] as const;
export type StatName = (typeof STAT_NAMES)[number];
export const STAT: Record<StatName, number> = Object.fromEntries(STAT_NAMES.map((n, i) => [n, i])) as Record<StatName, number>;
/** The last word of a task's measure-start copy says the copy was made (the runner counts only marked rows). */
export const STAT_MARKED = STAT_WORDS_PER_TASK - 1;
if (STAT_NAMES.length > STAT_MARKED) throw new Error('too many stat counters for a task row');
/** A patch's own counters live in the row's spare words, from here up to (not including) STAT_MARKED. */
export const PATCH_COUNTER_BASE = STAT_NAMES.length;
export const PATCH_COUNTER_WORDS = STAT_MARKED - PATCH_COUNTER_BASE;

/** Base word of a task's counter row; add STAT.x to it. */
export const statRow = (m: Mem, tid: number): number => m.L.stats + tid * STAT_WORDS_PER_TASK;

/**
 * Copies a task's row aside when measuring begins. Only the row's own writer calls it, between two
 * operations, so the measured counters (row - copy) never split an operation at the warm-up edge.
 */
export function markMeasureStart(m: Mem, tid: number): void {
  const row = statRow(m, tid);
  const base = m.L.statsBase + tid * STAT_WORDS_PER_TASK;
  for (let i = 0; i < STAT_MARKED; i++) m.w[base + i] = m.w[row + i]; // built-in and patch counters
  Atomics.store(m.w, base + STAT_MARKED, 1);
}

/** Sums every task's row into named totals (main thread, after the roles joined or while parked). */
export function sumStats(m: Mem): Record<StatName, number> {
  const out = {} as Record<StatName, number>;
  for (let i = 0; i < STAT_NAMES.length; i++) {
    let s = 0;
    for (let t = 0; t < m.L.cfg.tasks; t++) s += Atomics.load(m.w, statRow(m, t) + i);
    out[STAT_NAMES[i]] = s;
  }
  return out;
}
