// The v6.x primitives under real contention: the caching TLB's flush, the v5.9+ folio lock with
// handoff, and migration_entry_wait_on_locked() taking no reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemory, type Mem } from '../src/shared/memory.js';
import {
  C_SCRATCH, DEFAULT_MEM, LINE, PAGE_WORDS, PF_FLAGS, PF_REF, PG_locked, PG_waiters, PTE_PRESENT, TASK_RUNNING, TS_STATE,
  WE_FLAGS, WE_WORDS, WQ_FLAG_CUSTOM, WQ_FLAG_DONE, WQ_FLAG_WOKEN, pteMake, type MemConfig,
} from '../src/shared/layout.js';
import { makeTask } from '../src/shared/task.js';
import { EXCLUSIVE } from '../src/shared/waitqueue.js';
import { readForbidden } from '../src/shared/forbidden.js';
import { sumStats } from '../src/shared/stats.js';
import { runThreads } from './helpers/threads.js';

const V6 = new URL('./helpers/v6-routines.js', import.meta.url).href;
const PRIM = new URL('./helpers/prim-routines.js', import.meta.url).href;
const cfg: MemConfig = { ...DEFAULT_MEM, pages: 16, tasks: 8, cpus: 8 };
const flags = (m: Mem, p: number): number => Atomics.load(m.w, m.L.pages + p * PAGE_WORDS + PF_FLAGS);
const ref = (m: Mem, p: number): number => Atomics.load(m.w, m.L.pages + p * PAGE_WORDS + PF_REF);

async function tlbRace(noFlush: boolean): Promise<{ stale: number; hits: number; misses: number }> {
  const m = createMemory(cfg);
  const cell = m.L.ptes + 3;
  const frames = [4, 5, 6];
  Atomics.store(m.w, cell, pteMake(frames[0], PTE_PRESENT));
  const parties = 3;
  const job = (fn: string, tid: number) => ({ module: V6, fn, payload: { sab: m.sab, cfg, tid, cell, frames, iters: 20_000, noFlush, parties } });
  const [, ...acc] = await runThreads<{ stale: number; hits: number; misses: number }>([job('tlbFlusher', 0), job('tlbAccessor', 1), job('tlbAccessor', 2)]);
  return acc.reduce((a, r) => ({ stale: a.stale + r.stale, hits: a.hits + r.hits, misses: a.misses + r.misses }), { stale: 0, hits: 0, misses: 0 });
}

test('caching TLB: after flushCell() returns no CPU reaches the retired frame (20k flushes, two accessors)', async () => {
  const r = await tlbRace(false);
  assert.equal(r.stale, 0, `${r.stale} accesses went through a flushed translation`);
  assert.ok(r.hits > 1000, `only ${r.hits} TLB hits: the cache was not exercised`);
  assert.ok(r.misses > 100, `only ${r.misses} misses: the flushes never met a cached entry`);
});

test('caching TLB control: clearing the PTE without the flush leaves stale translations in use (caught)', async () => {
  const r = await tlbRace(true);
  assert.ok(r.stale > 0, 'no stale access seen: the check cannot catch a missing flush');
});

test('v5.9 folio lock: a non-atomic counter under the lock ends exact (3 threads x 20k), and waiters slept', async () => {
  const m = createMemory(cfg);
  const iters = 20_000;
  const opts = { pageLock: 'v5.9-handoff' as const, sleep: { spinNs: 0 } };
  await runThreads([0, 1, 2].map((tid) => ({
    module: PRIM, fn: 'lockedIncrement', payload: { sab: m.sab, cfg, tid, iters, pfn: 7, holdNs: 300, parties: 3, opts },
  })));
  assert.equal(m.w[m.L.data + 7 * cfg.dataWords], 3 * iters);
  assert.equal(flags(m, 7) & PG_locked, 0);
  const s = sumStats(m);
  assert.ok(s.sleeps > 0, 'no locker ever slept: the waitqueue was not exercised');
  assert.deepEqual(readForbidden(m), []);
});

test('v5.9 wake_page_function: a WQ_FLAG_CUSTOM waiter is handed the lock by the unlocker (PG_locked stays set)', () => {
  const m = createMemory(cfg);
  const holder = makeTask(m, 0, { pageLock: 'v5.9-handoff' });
  const waiter = makeTask(m, 1, { pageLock: 'v5.9-handoff' });
  assert.ok(holder.lock.trylockPage(2));
  waiter.wq.prepareToWaitPage(2, PG_locked, EXCLUSIVE);
  const entry = m.L.entries + 2 * 1 * WE_WORDS + WE_FLAGS;
  Atomics.or(m.w, entry, WQ_FLAG_CUSTOM); // the waiter spent its unfairness
  holder.lock.unlockPage(2);
  assert.equal(flags(m, 2) & PG_locked, PG_locked, 'the lock was not handed over');
  assert.equal(Atomics.load(m.w, entry) & (WQ_FLAG_WOKEN | WQ_FLAG_DONE), WQ_FLAG_WOKEN | WQ_FLAG_DONE);
  assert.equal(Atomics.load(m.w, m.L.taskLines + 1 * LINE + TS_STATE), TASK_RUNNING);
  assert.equal(sumStats(m).lockHandoffs, 1);
  assert.equal(flags(m, 2) & PG_waiters, 0, 'the queue is empty: PG_waiters must be cleared');
});

test('v5.9 wake_page_function: without CUSTOM the exclusive waiter is woken to take the lock itself', () => {
  const m = createMemory(cfg);
  const holder = makeTask(m, 0, { pageLock: 'v5.9-handoff' });
  const waiter = makeTask(m, 1, { pageLock: 'v5.9-handoff' });
  assert.ok(holder.lock.trylockPage(2));
  waiter.wq.prepareToWaitPage(2, PG_locked, EXCLUSIVE);
  holder.lock.unlockPage(2);
  assert.equal(flags(m, 2) & PG_locked, 0);
  assert.equal(Atomics.load(m.w, m.L.entries + 2 * WE_WORDS + WE_FLAGS) & (WQ_FLAG_WOKEN | WQ_FLAG_DONE), WQ_FLAG_WOKEN);
  assert.equal(sumStats(m).lockHandoffs, 0);
});

test('migration_entry_wait_on_locked() sleeps without a reference, releases the ptl, returns on unlock', async () => {
  const m = createMemory(cfg);
  const me = makeTask(m, 0, { pageLock: 'v5.9-handoff' });
  const P = 3;
  Atomics.store(m.w, m.L.pages + P * PAGE_WORDS + PF_REF, 2);
  assert.ok(me.lock.trylockPage(P));
  const ptl = m.L.ptl;
  const done = m.L.control + C_SCRATCH + 1;
  const run = runThreads([{ module: V6, fn: 'entryWaiter', payload: { sab: m.sab, cfg, tid: 1, pfn: P, ptl, opts: { pageLock: 'v5.9-handoff', sleep: { spinNs: 0 } } } }]);
  const until = Date.now() + 10_000;
  while (!(Atomics.load(m.w, m.L.taskLines + LINE + TS_STATE) !== TASK_RUNNING && flags(m, P) & PG_waiters && Atomics.load(m.w, ptl) === 0)) {
    if (Date.now() > until) assert.fail('the waiter never went to sleep with the ptl released');
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(ref(m, P), 2, 'the waiter took a reference');
  assert.equal(Atomics.load(m.w, done), 0);
  me.lock.unlockPage(P);
  await run;
  assert.equal(Atomics.load(m.w, done), 1);
  assert.equal(ref(m, P), 2);
  assert.equal(flags(m, P) & (PG_locked | PG_waiters), 0);
});
