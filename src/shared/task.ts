// One simulated task's view of the kernel primitives: built once per thread, with every variant
// switch already resolved to a function (never a flag read in a hot loop).
import type { Mem } from './memory.js';
import { makePageOps, type FreeHook, type PageOps } from './page.js';
import { makeWaitqueue, type Waitqueue } from './waitqueue.js';
import { makeFolioWaitqueue } from './folio-wait.js';
import { makePageLock, type PageLock, type UnlockVariant } from './pagelock.js';
import { DEFAULT_SLEEP, type SleepPolicy } from './sleep.js';
import { makeDelay, type CostModel, type DelayFn } from './cost.js';
import { makeAllocator, type Allocator } from './alloc/allocator.js';
import { statRow } from './stats.js';
import type { KernelHooks } from './mm/hooks.js';

/** The page lock and its waitqueues: v4.19/v5.0 (waitqueue.ts) or v5.9+ with lock handoff (folio-wait.ts). */
export const PAGE_LOCK_VARIANTS = ['v5.0', 'v5.9-handoff'] as const;
export type PageLockVariant = (typeof PAGE_LOCK_VARIANTS)[number];

export interface TaskOptions {
  bookmark?: boolean;
  pageLock?: PageLockVariant;
  sleep?: Partial<SleepPolicy>;
  cost?: CostModel;
  seed?: number;
  unlock?: UnlockVariant;
  /** Note every page-lock release in its waitqueue bucket (for lost-wakeup state dumps). */
  trackReleases?: boolean;
  /** Overrides the free hook (default: the zone allocator's free_unref_page). */
  freeHook?: FreeHook;
  /** The CPU this task runs on (its pcp lists and cpuLock); default tid (mod cpus). */
  cpu?: number;
  /** Allocator variants: brokenFree (FO4 control), isolateDrain (v5.8 true, v5.11 false). */
  allocator?: { brokenFree?: boolean; isolateDrain?: boolean };
  /** A patch variant's hooks (set in the worker after loading the patch; functions are never cloned). */
  hooks?: Partial<KernelHooks>;
  /** A patch's counters: name -> word offset in the task's counter row (stats.ts PATCH_COUNTER_BASE + i). */
  counters?: Record<string, number>;
}

export interface Task {
  m: Mem;
  tid: number;
  pg: PageOps;
  wq: Waitqueue;
  lock: PageLock;
  delay: DelayFn;
  cpu: number;
  alloc: Allocator;
  /** Base of this task's counter row (stats.ts). */
  stats: number;
  /** The patch variant's hooks, if any; each seam picks its hook once when it is built. */
  hooks: Partial<KernelHooks>;
  /** A patch's counters: name -> absolute word in m.w (bump with task.m.w[task.counters.x]++). */
  counters: Record<string, number>;
  /** Records a sample into a named histogram while measuring (a no-op outside a role). */
  record(name: string, value: number): void;
}

export function makeTask(m: Mem, tid: number, o: TaskOptions = {}): Task {
  if (!(tid >= 0 && tid < m.L.cfg.tasks)) throw new RangeError(`task id ${tid} outside 0..${m.L.cfg.tasks - 1}`);
  const cpu = o.cpu ?? tid % m.L.cfg.cpus;
  const delay = makeDelay(o.cost ?? { ns: {} }, o.seed ?? 1, tid);
  const alloc = makeAllocator(m, tid, cpu, { delay, ...o.allocator });
  const hooks = o.hooks ?? {};
  const stats = statRow(m, tid);
  const counters = Object.fromEntries(Object.entries(o.counters ?? {}).map(([k, off]) => [k, stats + off]));
  // The task exists only once every part is built; the free hook and unlock hook reach it through this.
  let self: Task | undefined;
  const freeHook = hooks.freePage;
  const pg = makePageOps(m, tid, freeHook ? (pfn) => freeHook(self!, pfn) : o.freeHook ?? alloc.freePage);
  const putHook = hooks.folioPut;
  if (putHook) {
    const put = pg.putPage;
    pg.putPage = (pfn) => { put(pfn); putHook(self!, pfn); };
  }
  const wqOpt = { bookmark: o.bookmark ?? true, sleep: { ...DEFAULT_SLEEP, ...o.sleep }, delay, putPage: pg.putPage };
  const wq = o.pageLock === 'v5.9-handoff' ? makeFolioWaitqueue(m, tid, wqOpt) : makeWaitqueue(m, tid, wqOpt);
  const lock = makePageLock(m, pg, wq, delay, o.unlock ?? 'unlock-page', tid, o.trackReleases ?? false);
  const unlockHook = hooks.unlockPage;
  if (unlockHook) lock.unlockPage = (pfn) => unlockHook(self!, pfn);
  self = { m, tid, cpu, pg, wq, lock, delay, alloc, stats, hooks, counters, record: () => {} };
  return self;
}
