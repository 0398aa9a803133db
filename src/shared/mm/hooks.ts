// The seams a variant may replace: one entry per kernel step the model already chooses once per
// task. A patch's hooks take the task first, then exactly the seam's own arguments.
import type { Task } from '../task.js';
import type { OfflineRound, OfflineSteps } from './memory-hotplug.js';
import type { UnmapPteOps } from './try-to-migrate.js';

/** migrateRetry's answers: stop retrying, try the page again, or try with force (lock_page may sleep). */
export const RETRY_STOP = 0;
export const RETRY_TRY = 1;
export const RETRY_FORCE = 2;

/** moveFailed's answers: keep the source locked and unmapped for the next move pass (mainline), or undo now and unmap it again later. */
export const MOVE_RETRY = 0;
export const MOVE_BACK_OFF = 1;

export interface KernelHooks {
  /** __migration_entry_wait() after get_page_unless_zero (ptl dropped): wait, consume the reference; return the ns from t0 until the put_page, or -1. */
  migrationEntryWait(task: Task, pfn: number, t0: number): number;
  /** unlock_page(): release PG_locked and wake whoever PG_waiters announces. */
  unlockPage(task: Task, pfn: number): void;
  /** migrate_page_move_mapping(): prove nobody else holds oldPfn and switch its slot to newPfn; 0 or -EAGAIN (-11). */
  moveMapping(task: Task, oldPfn: number, newPfn: number): number;
  /** migrate_pages() before each pass (0-based): RETRY_STOP, RETRY_TRY or RETRY_FORCE for the pages still pending. */
  migrateRetry(task: Task, pass: number, pending: number): number;
  /** shrink_page_list(): release the lock of a page that __remove_mapping() froze at 0 and took out of the cache. */
  reclaimUnlock(task: Task, pfn: number): void;
  /** __split_huge_page_tail(): make one tail a page of its own (flags, mapping, compound head, refcount unfreeze). */
  splitTail(task: Task, head: number, tail: number): void;
  /** free_unref_page(): where a page goes when put_page() drops its last reference. */
  freePage(task: Task, pfn: number): void;
  /**
   * __offline_pages()' loop, after the range is isolated: scan, migrate, check (and drain) until the
   * check passes (return true) or signal(round.iterations++) says stop (return false).
   */
  offlineLoop(task: Task, steps: OfflineSteps, start: number, end: number, round: OfflineRound, signal: (iterations: number) => boolean): boolean;
  /** v6.x migrate_folio_unmap() once src is locked and unmapped: 0 to go on to the move, or -EAGAIN (-11) to undo and retry the unmap later. */
  unmapDone(task: Task, src: number, dst: number): number;
  /** v6.x migrate_pages_batch() move loop after migrate_folio_move() returned rc (-EAGAIN): MOVE_RETRY or MOVE_BACK_OFF; it may sleep first. */
  moveFailed(task: Task, src: number, rc: number, pass: number): number;
  /** v6.x migrate_pages() on entry (enter true) and on return (false), e.g. to toggle a static key. */
  migratePagesCall(task: Task, enter: boolean): void;
  /** v6.x try_to_migrate_one() under the ptl: put the migration entry in place of the present PTE at cell, in some order; return the old PTE. */
  unmapPte(task: Task, ops: UnmapPteOps, cell: number, entry: number, defer: boolean): number;
  /** The move_pages(2) caller after its failures-th consecutive failed call of an iteration: true to call again, false to fail the iteration. */
  movePagesRetry(task: Task, failures: number): boolean;
  /** folio_put(): runs after every put_page() of the task (the reference is already dropped). */
  folioPut(task: Task, pfn: number): void;
}

export type HookName = keyof KernelHooks;

export interface HookSeam {
  /** The parameters the hook must declare, in order. */
  params: readonly string[];
  /** The kernel step and where the model chooses it. */
  seam: string;
  /** The built-in switch it stands in for. */
  replaces: string;
  /** Roles that reach the seam ('*' = any role that takes or drops a page lock or a page). */
  roles: readonly string[];
}

export const HOOKS: Record<HookName, HookSeam> = {
  migrationEntryWait: { params: ['task', 'pfn', 't0'], seam: '__migration_entry_wait() (shared/mm/fault.ts)', replaces: 'faulter wait: wait-locked | put-and-wait', roles: ['faulter'] },
  unlockPage: { params: ['task', 'pfn'], seam: 'unlock_page() (shared/pagelock.ts)', replaces: 'task unlock: unlock-page | broken-*', roles: ['*'] },
  moveMapping: { params: ['task', 'oldPfn', 'newPfn'], seam: 'migrate_page_move_mapping() (shared/mm/move-mapping.ts)', replaces: 'migrator moveMapping: check-under-lock | check-before-lock | freeze-only | no-freeze', roles: ['migrator', 'offliner'] },
  migrateRetry: { params: ['task', 'pass', 'pending'], seam: 'migrate_pages() pass loop (shared/mm/migrate.ts)', replaces: '10 passes, force from the 4th', roles: ['migrator', 'offliner'] },
  reclaimUnlock: { params: ['task', 'pfn'], seam: 'shrink_page_list() release after __remove_mapping() (shared/mm/vmscan.ts)', replaces: 'reclaimer unlock: nonatomic-clear | unlock-page', roles: ['reclaimer'] },
  splitTail: { params: ['task', 'head', 'tail'], seam: '__split_huge_page_tail() (shared/mm/huge-memory.ts)', replaces: 'thp-splitter order: unfreeze-then-clear-head | clear-head-then-unfreeze', roles: ['thp-splitter'] },
  freePage: { params: ['task', 'pfn'], seam: 'free_unref_page() (shared/task.ts free hook)', replaces: "the zone allocator's pcp/buddy free", roles: ['*'] },
  offlineLoop: { params: ['task', 'steps', 'start', 'end', 'round', 'signal'], seam: '__offline_pages() loop (shared/mm/memory-hotplug.ts)', replaces: 'offliner loop: drain-every-iter | no-redrain | drain-again | pcp-disable', roles: ['offliner'] },
  unmapDone: { params: ['task', 'src', 'dst'], seam: 'v6.x migrate_folio_unmap() end (shared/mm/migrate-v6.ts)', replaces: 'mainline: always go on to the move', roles: ['move-pages'] },
  moveFailed: { params: ['task', 'src', 'rc', 'pass'], seam: 'v6.x migrate_pages_batch() move-stage -EAGAIN (shared/mm/migrate-v6.ts)', replaces: 'mainline: retry the move with the source still locked', roles: ['move-pages'] },
  migratePagesCall: { params: ['task', 'enter'], seam: 'v6.x migrate_pages() entry and return (shared/mm/migrate-v6.ts)', replaces: 'mainline: nothing', roles: ['move-pages'] },
  unmapPte: { params: ['task', 'ops', 'cell', 'entry', 'defer'], seam: 'v6.x try_to_migrate_one() PTE sequence (shared/mm/try-to-migrate.ts)', replaces: 'clear-flush-set | clear-set-flush | xchg-to-entry', roles: ['move-pages'] },
  movePagesRetry: { params: ['task', 'failures'], seam: 'the move_pages(2) caller (workers/page-mover.ts)', replaces: 'the selftest: the first failure fails the iteration', roles: ['move-pages'] },
  folioPut: { params: ['task', 'pfn'], seam: 'put_page() / folio_put() (shared/task.ts)', replaces: 'a plain put', roles: ['*'] },
};

export const HOOK_NAMES = Object.keys(HOOKS) as HookName[];
