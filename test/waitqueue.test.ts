// The hashed waitqueue's wake rules, exact: bookmark chunks, exclusive stop, collisions, PG_waiters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemory, type Mem } from '../src/shared/memory.js';
import {
  C_SCRATCH, DEFAULT_MEM, LINE, PAGE_WORDS, PF_FLAGS, PF_REF, PG_locked, PG_waiters, TASK_RUNNING, TASK_SLEEPING,
  TS_STATE, WE_LINKED, WE_WORDS, WQ_LIST, WQ_MAX_HOLD, NIL, type MemConfig,
} from '../src/shared/layout.js';
import { makeTask, type Task } from '../src/shared/task.js';
import { EXCLUSIVE, SHARED, pageWaitBucket, type Behavior } from '../src/shared/waitqueue.js';
import { sumStats, statRow, STAT } from '../src/shared/stats.js';
import { runThreads } from './helpers/threads.js';

const cfg: MemConfig = { ...DEFAULT_MEM, pages: 1024, tasks: 300, cpus: 2 };
const flags = (m: Mem, p: number): number => Atomics.load(m.w, m.L.pages + p * PAGE_WORDS + PF_FLAGS);
const state = (m: Mem, t: number): number => Atomics.load(m.w, m.L.taskLines + t * LINE + TS_STATE);
const linked = (m: Mem, t: number): number => Atomics.load(m.w, m.L.entries + 2 * t * WE_WORDS + WE_LINKED);
const bucket = (m: Mem, p: number): number => m.L.waitTable + pageWaitBucket(p) * LINE;

/** Queues tasks from..to-1 on a page through the real prepare_to_wait half, without blocking them. */
function queueTasks(m: Mem, pfn: number, from: number, to: number, behavior: Behavior = SHARED): Task[] {
  const ts: Task[] = [];
  for (let t = from; t < to; t++) {
    const task = makeTask(m, t);
    task.wq.prepareToWaitPage(pfn, PG_locked, behavior);
    ts.push(task);
  }
  return ts;
}

function lockThenUnlock(waker: Task, pfn: number): void {
  Atomics.or(waker.m.w, waker.m.L.pages + pfn * PAGE_WORDS + PF_FLAGS, PG_locked);
  waker.lock.unlockPage(pfn);
}

test('bookmark walk: 250 queued waiters, at most 65 entries per bucket-lock hold, every waiter woken', () => {
  const m = createMemory(cfg);
  const waker = makeTask(m, 0, { bookmark: true });
  queueTasks(m, 5, 1, 251);
  lockThenUnlock(waker, 5);
  for (let t = 1; t <= 250; t++) { assert.equal(state(m, t), TASK_RUNNING); assert.equal(linked(m, t), 0); }
  assert.equal(m.w[bucket(m, 5) + WQ_MAX_HOLD], 65);
  assert.equal(m.w[statRow(m, 0) + STAT.walkHolds], 4); // 65 + 65 + 65 + 55
  assert.equal(m.w[bucket(m, 5) + WQ_LIST], NIL);
  assert.equal(flags(m, 5) & PG_waiters, 0);
});

test('without the bookmark (v4.13) one hold walks all 250 entries', () => {
  const m = createMemory(cfg);
  const waker = makeTask(m, 0, { bookmark: false });
  queueTasks(m, 5, 1, 251);
  lockThenUnlock(waker, 5);
  assert.equal(m.w[bucket(m, 5) + WQ_MAX_HOLD], 250);
  assert.equal(m.w[statRow(m, 0) + STAT.walkHolds], 1);
  for (let t = 1; t <= 250; t++) assert.equal(state(m, t), TASK_RUNNING);
});

test('a walk wakes the shared waiters before the first exclusive one, that one, and stops', () => {
  const m = createMemory(cfg);
  const waker = makeTask(m, 0);
  queueTasks(m, 8, 1, 100);
  queueTasks(m, 8, 100, 101, EXCLUSIVE);
  queueTasks(m, 8, 101, 201);
  lockThenUnlock(waker, 8);
  for (let t = 1; t <= 100; t++) assert.equal(state(m, t), TASK_RUNNING, `task ${t}`);
  for (let t = 101; t <= 200; t++) { assert.equal(state(m, t), TASK_SLEEPING); assert.equal(linked(m, t), 1); }
  assert.equal(flags(m, 8) & PG_waiters, PG_waiters, 'waiters remain, PG_waiters must stay set');
  lockThenUnlock(waker, 8);
  for (let t = 101; t <= 200; t++) assert.equal(state(m, t), TASK_RUNNING);
  assert.equal(flags(m, 8) & PG_waiters, 0);
});

test('a walk that finds the page locked again returns -1: nobody is woken, PG_waiters stays set', () => {
  const m = createMemory(cfg);
  const waker = makeTask(m, 0);
  queueTasks(m, 8, 1, 4);
  Atomics.or(m.w, m.L.pages + 8 * PAGE_WORDS + PF_FLAGS, PG_locked);
  waker.wq.wakeUpPageBit(8, PG_locked); // as if re-locked between the unlock and the walk
  for (let t = 1; t < 4; t++) assert.equal(state(m, t), TASK_SLEEPING);
  assert.equal(flags(m, 8) & PG_waiters, PG_waiters);
  waker.lock.unlockPage(8); // the re-locker's own unlock wakes them
  for (let t = 1; t < 4; t++) assert.equal(state(m, t), TASK_RUNNING);
});

test('hash collisions: two pages, one bucket; only the right waiters wake and PG_waiters stays right', () => {
  const m = createMemory(cfg);
  const waker = makeTask(m, 0);
  const p = 0;
  let q = 1;
  while (pageWaitBucket(q) !== pageWaitBucket(p)) q++;
  assert.ok(q < cfg.pages, 'no colliding pair in range');
  for (let t = 1; t <= 6; t++) queueTasks(m, t % 2 ? p : q, t, t + 1);
  lockThenUnlock(waker, p);
  for (let t = 1; t <= 6; t++) assert.equal(state(m, t), t % 2 ? TASK_RUNNING : TASK_SLEEPING, `task ${t}`);
  // p matched and the list is not empty (q's waiters), so PG_waiters on p stays set: the kernel's
  // "thundering herd on rare collisions"; the next unlock of p finds no match and clears it.
  assert.equal(flags(m, p) & PG_waiters, PG_waiters);
  lockThenUnlock(waker, p);
  assert.equal(flags(m, p) & PG_waiters, 0);
  assert.equal(flags(m, q) & PG_waiters, PG_waiters);
  for (let t = 2; t <= 6; t += 2) assert.equal(state(m, t), TASK_SLEEPING);
  lockThenUnlock(waker, q);
  for (let t = 2; t <= 6; t += 2) assert.equal(state(m, t), TASK_RUNNING);
  assert.equal(flags(m, q) & PG_waiters, 0);
});

test('real sleeping threads among 250 queued entries across two colliding pages are all woken', async () => {
  const m = createMemory(cfg);
  const waker = makeTask(m, 0);
  let q = 1;
  while (pageWaitBucket(q) !== pageWaitBucket(0)) q++;
  assert.ok(q < cfg.pages, 'no colliding pair in range');
  Atomics.store(m.w, m.L.pages + q * PAGE_WORDS + PF_REF, 4);
  Atomics.or(m.w, m.L.pages + q * PAGE_WORDS + PF_FLAGS, PG_locked);
  queueTasks(m, 0, 10, 130); // another page's waiters in the same bucket
  queueTasks(m, q, 130, 260);
  const R = new URL('./helpers/prim-routines.js', import.meta.url).href;
  const ctl = m.L.control + C_SCRATCH;
  const run = runThreads([1, 2, 3].map((tid) => ({
    module: R, fn: 'sharedWaiter', payload: { sab: m.sab, cfg, tid, iters: 0, pfn: q, ctl, opts: { sleep: { spinNs: 0 } } },
  })));
  const until = Date.now() + 5000;
  while (![1, 2, 3].every((t) => state(m, t) === TASK_SLEEPING && linked(m, t))) {
    if (Date.now() > until) assert.fail('the real waiters never slept');
    await new Promise((r) => setImmediate(r));
  }
  Atomics.store(m.w, ctl + 2, 1); // the waiters stop after this wake
  waker.lock.unlockPage(q);
  await run;
  for (let t = 130; t < 260; t++) assert.equal(state(m, t), TASK_RUNNING);
  for (let t = 10; t < 130; t++) assert.equal(state(m, t), TASK_SLEEPING);
  assert.ok(m.w[bucket(m, q) + WQ_MAX_HOLD] <= 65);
  assert.equal(sumStats(m).wakesSent, 133);
});
