// The page model's primitives under real contention (worker_threads), with exact counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemory, type Mem } from '../src/shared/memory.js';
import { C_SCRATCH, DEFAULT_MEM, type MemConfig, PAGE_WORDS, PF_FLAGS, PF_REF, PG_locked, PG_waiters } from '../src/shared/layout.js';
import { makeTask } from '../src/shared/task.js';
import { readForbidden } from '../src/shared/forbidden.js';
import { sumStats } from '../src/shared/stats.js';
import { runThreads } from './helpers/threads.js';
import { makeLostWakeupWatchdog } from '../src/shared/watchdog.js';
import type { UnlockVariant } from '../src/shared/pagelock.js';

const ROUTINES = new URL('./helpers/prim-routines.js', import.meta.url).href;
const cfg: MemConfig = { ...DEFAULT_MEM, pages: 16, tasks: 8, cpus: 8 };
const ref = (m: Mem, p: number): number => Atomics.load(m.w, m.L.pages + p * PAGE_WORDS + PF_REF);
const flags = (m: Mem, p: number): number => Atomics.load(m.w, m.L.pages + p * PAGE_WORDS + PF_FLAGS);
const lost = (m: Mem): number => readForbidden(m).find((f) => f.kind === 'lost-wakeup')?.count ?? 0;
/** The control line's scratch words hold a test's own flags. */
const ctlWord = (m: Mem): number => m.L.control + C_SCRATCH;

test('N threads x M get/put pairs leave the refcount exact', async () => {
  const m = createMemory(cfg);
  Atomics.store(m.w, m.L.pages + 3 * PAGE_WORDS + PF_REF, 1);
  const iters = 100_000;
  const res = await runThreads<number>([0, 1, 2, 3].map((tid) => ({
    module: ROUTINES, fn: 'getPut', payload: { sab: m.sab, cfg, tid, iters, pfn: 3 },
  })));
  assert.equal(ref(m, 3), 1);
  assert.deepEqual(res, [iters, iters, iters, iters]); // the page never reached zero, so every get succeeded
  assert.deepEqual(readForbidden(m), []);
});

test('page_ref_freeze succeeds only at the expected count, and a frozen count refuses every get', () => {
  const m = createMemory(cfg);
  const t = makeTask(m, 0);
  Atomics.store(m.w, m.L.pages + 4 * PAGE_WORDS + PF_REF, 3);
  assert.equal(t.pg.pageRefFreeze(4, 2), false);
  assert.equal(t.pg.pageRefFreeze(4, 4), false);
  assert.equal(ref(m, 4), 3);
  assert.equal(t.pg.pageRefFreeze(4, 3), true);
  assert.equal(ref(m, 4), 0);
  assert.equal(t.pg.getPageUnlessZero(4), false);
  t.pg.pageRefUnfreeze(4, 3);
  assert.equal(ref(m, 4), 3);
  assert.deepEqual(readForbidden(m), []);
  t.pg.pageRefUnfreeze(4, 3); // on a live count: FO3
  Atomics.store(m.w, m.L.pages + 6 * PAGE_WORDS + PF_REF, 0);
  t.pg.putPage(6); // below zero: FO3, undone
  assert.equal(ref(m, 6), 0);
  assert.deepEqual(readForbidden(m).map((f) => [f.kind, f.count]), [['refcount-underflow', 1], ['unfreeze-nonzero', 1]]);
});

test('while a page is frozen no get_page_unless_zero succeeds (threads racing the freezer)', async () => {
  const m = createMemory(cfg);
  Atomics.store(m.w, m.L.pages + 5 * PAGE_WORDS + PF_REF, 1);
  const ctl = ctlWord(m);
  const [fz, ...getters] = await runThreads<Record<string, number>>([
    { module: ROUTINES, fn: 'freezer', payload: { sab: m.sab, cfg, tid: 0, iters: 50_000, pfn: 5, ctl, parties: 3 } },
    { module: ROUTINES, fn: 'specGetter', payload: { sab: m.sab, cfg, tid: 1, iters: 0, pfn: 5, ctl, parties: 3 } },
    { module: ROUTINES, fn: 'specGetter', payload: { sab: m.sab, cfg, tid: 2, iters: 0, pfn: 5, ctl, parties: 3 } },
  ]);
  assert.equal(fz.frozen + fz.refused, fz.tries);
  assert.ok(fz.tries >= 50_000);
  assert.ok(fz.frozen > 0, 'the freezer never won: the test proved nothing');
  for (const g of getters) assert.equal(g.violations, 0);
  assert.ok(getters.some((g) => g.failed > 0), 'no getter ever met a frozen count: the test proved nothing');
  assert.equal(ref(m, 5), 1);
});

test('a non-atomic counter guarded by the page lock ends exact', async () => {
  const m = createMemory(cfg);
  const iters = 20_000;
  await runThreads([0, 1, 2].map((tid) => ({
    module: ROUTINES, fn: 'lockedIncrement', payload: { sab: m.sab, cfg, tid, iters, pfn: 7, holdNs: 100, parties: 3 },
  })));
  assert.equal(m.w[m.L.data + 7 * cfg.dataWords], 3 * iters);
  assert.equal(flags(m, 7) & PG_locked, 0);
  const s = sumStats(m);
  assert.ok(s.sleeps > 0, 'no locker ever slept: the waitqueue was not exercised');
});

/**
 * Lockers hand the lock around in rounds while SHARED waiters watch it; between rounds the page is
 * left unlocked, so a wakeup that was missed is not rescued by a later unlock and the watchdog
 * (asleep, bit clear at two samples 20 ms apart, no wake in between) sees it.
 */
async function handoffs(unlock: UnlockVariant, rounds: number, iters: number): Promise<{ m: Mem; lost: number }> {
  const m = createMemory(cfg);
  const ctl = ctlWord(m);
  const opts = {
    unlock,
    sleep: { spinNs: 0, sentinelMs: 0 },
    cost: { ns: {}, jitter: { unlockGap: { prob: 1, maxNs: 20_000 } } },
  };
  const lockers = [0, 1, 2].map((tid) => ({
    module: ROUTINES, fn: 'roundLocker', payload: { sab: m.sab, cfg, tid, iters, rounds, pfn: 9, ctl, holdNs: 1000, opts: { ...opts, seed: tid + 1 } },
  }));
  const waiters = [3, 4].map((tid) => ({
    module: ROUTINES, fn: 'sharedWaiter', payload: { sab: m.sab, cfg, tid, iters: 0, pfn: 9, ctl, opts },
  }));
  const run = runThreads([...lockers, ...waiters], 120_000);
  const dog = makeLostWakeupWatchdog(m, 20);
  let lostCount = 0;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (let r = 1; r <= rounds; r++) {
    Atomics.store(m.w, ctl, r);
    Atomics.notify(m.w, ctl);
    while (Atomics.load(m.w, ctl + 1) < 3 * r) { lostCount += dog.sample(performance.now()).length; await pause(5); }
    for (let k = 0; k < 6; k++) { lostCount += dog.sample(performance.now()).length; await pause(5); }
  }
  Atomics.store(m.w, ctl + 2, 1); // stop the waiters
  Atomics.store(m.w, m.L.pages + 9 * PAGE_WORDS + PF_FLAGS, PG_locked);
  me(m).lock.unlockPage(9); // a last lock/unlock wakes any waiter that went to sleep after the stop
  await run;
  assert.equal(m.w[m.L.data + 9 * cfg.dataWords], 3 * rounds * iters, 'the lock let two holders in');
  assert.equal(lost(m), lostCount);
  return { m, lost: lostCount };
}
const me = (m: Mem) => makeTask(m, 7);

test('100k+ lock handoffs with exclusive and shared waiters lose no wakeup', async () => {
  const { m, lost: n } = await handoffs('unlock-page', 40, 900); // 108k handoffs
  const s = sumStats(m);
  assert.ok(s.sleeps > 1000, `only ${s.sleeps} sleeps: waiters were not exercised`);
  assert.ok(s.wakesSent > 1000);
  assert.equal(n, 0);
  assert.equal(flags(m, 9) & PG_locked, 0);
});

for (const broken of ['broken-load-then-clear', 'broken-nonatomic-clear'] as const) {
  test(`a broken unlock (${broken}) is caught as a lost wakeup`, async () => {
    const { lost: n } = await handoffs(broken, 60, 20);
    assert.ok(n > 0, 'the broken unlock was never caught');
  });
}

test('a DROP waiter never touches the page after its put: the page is freed and reused under it', async () => {
  const m = createMemory(cfg);
  const me = makeTask(m, 0);
  const ctl = ctlWord(m);
  const P = 2;
  const rounds = 200;
  const run = runThreads([{ module: ROUTINES, fn: 'dropWaiter', payload: { sab: m.sab, cfg, tid: 1, iters: rounds, pfn: P, ctl, opts: { sleep: { spinNs: 0 } } } }]);
  Atomics.store(m.w, m.L.pages + P * PAGE_WORDS + PF_REF, 1);
  const waiterLine = m.L.taskLines + 16;
  let reusedBeforeReturn = 0;
  for (let i = 0; i < rounds; i++) {
    assert.ok(me.lock.trylockPage(P));
    Atomics.store(m.w, ctl, i + 1);
    Atomics.notify(m.w, ctl);
    // Wait (without blocking the main thread) until the waiter has queued and put its reference.
    const until = Date.now() + 5000;
    while (!(Atomics.load(m.w, waiterLine) === 1 && ref(m, P) === 1 && (flags(m, P) & PG_waiters))) {
      if (Date.now() > until) assert.fail(`round ${i}: waiter never went to sleep`);
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(me.pg.pageRefFreeze(P, 1), 'the sleeping DROP waiter still held a reference'); // C000-5
    me.lock.unlockPage(P); // wakes the waiter (v5.0 reclaim: unlock_page, then free)
    me.alloc.freePage(P);
    const again = me.alloc.allocPage();
    assert.equal(again, P, 'the freed frame was not the one reused');
    m.w[m.L.data + P * cfg.dataWords] = 1000 + i; // the new owner's contents
    assert.ok(me.lock.trylockPage(P), 'someone else took the reused page lock');
    if (Atomics.load(m.w, ctl + 1) !== i + 1) reusedBeforeReturn++;
    while (Atomics.load(m.w, ctl + 1) !== i + 1) await new Promise((r) => setImmediate(r));
    assert.equal(ref(m, P), 1, `round ${i}: the waiter changed the reused page's refcount`);
    assert.equal(flags(m, P) & (PG_locked | PG_waiters), PG_locked, `round ${i}: the waiter touched the reused page's flags`);
    assert.equal(m.w[m.L.data + P * cfg.dataWords], 1000 + i);
    me.lock.unlockPage(P);
  }
  await run;
  assert.ok(reusedBeforeReturn > 0, 'the page was never reused before the waiter returned: the test proved nothing');
  assert.deepEqual(readForbidden(m), []);
});
