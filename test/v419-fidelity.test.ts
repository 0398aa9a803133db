// The v4.19-fidelity switches of kernel-model-v6.md: D2, filemap_fault's lock_page_or_retry (a refault
// sleeps on the page lock holding its find_get_page reference, then retries once with lock_page);
// D4, the spin reported with every rate; D6, the migrate mode (ASYNC never sleeps in lock_page,
// ASYNC and SYNC_LIGHT fail a page under writeback with -EBUSY). Exact counts, no timing: a real
// worker thread sleeps, and the test waits for its sleep counter before it releases the bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemory, type Mem } from '../src/shared/memory.js';
import {
  C_SCRATCH, DEFAULT_MEM, PAGE_WORDS, PF_FLAGS, PF_MAPCOUNT, PF_MAPPING, PF_REF, PG_locked, PG_lru, PG_writeback, WE_FLAGS, WE_LINKED, WE_WORDS,
  WQ_FLAG_EXCLUSIVE, type MemConfig,
} from '../src/shared/layout.js';
import { makeTask, type Task } from '../src/shared/task.js';
import { SITE } from '../src/shared/cost.js';
import { isPresent, makeTlb, ptePfn, pteCell, ptlOf } from '../src/shared/pagetable.js';
import { slotCell } from '../src/shared/pagecache.js';
import { STAT, statRow } from '../src/shared/stats.js';
import { isolateLruPage } from '../src/shared/mm/lru.js';
import { makeReclaim } from '../src/shared/mm/vmscan.js';
import { VM_FAULT_DONE, VM_FAULT_RETRY, makeFilemapFault } from '../src/shared/mm/filemap-fault.js';
import { makeMigrator, type MigrateMode } from '../src/shared/mm/migrate.js';
import { bootMappedPages } from '../src/scenarios/mapped-pages.js';
import { migrateAllocOrder } from '../src/scenarios/migrate-alloc-order.js';
import { migrationEntryWait } from '../src/scenarios/migration-entry-wait.js';
import { renderRunText } from '../src/report/run-text.js';
import { runOnce } from '../src/run/run-once.js';
import { defaultParams } from '../src/run/params.js';
import { runThreads } from './helpers/threads.js';

const R = new URL('./helpers/fidelity-routines.js', import.meta.url).href;
const NOSPIN = { sleep: { spinNs: 0 } };

const word = (m: Mem, pfn: number, k: number): number => Atomics.load(m.w, m.L.pages + pfn * PAGE_WORDS + k);
const stat = (m: Mem, tid: number, k: keyof typeof STAT): number => Atomics.load(m.w, statRow(m, tid) + STAT[k]);
const entry = (m: Mem, tid: number, k: number): number => Atomics.load(m.w, m.L.entries + 2 * tid * WE_WORDS + k);

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

// ---- D2: filemap_fault ------------------------------------------------------------------------------

const fileCfg: MemConfig = { ...DEFAULT_MEM, pages: 40, tasks: 3, cpus: 2, mms: 2, ptesPerMm: 1, files: 1, slotsPerFile: 1, pagesPerBlock: 40 };

/** One cached file page mapped in mm 0 only: mm 1's PTE is none (as after reclaim's or truncation's unmap). */
function fileWorld() {
  const m = createMemory(fileCfg);
  const [p] = bootMappedPages(m, { pages: 1, mapcount: 2, file: true, pcpHigh: 6, pcpBatch: 2 });
  const holder = makeTask(m, 0, { cpu: 0 });
  Atomics.store(m.w, pteCell(m, 1, 0), 0);
  Atomics.sub(m.w, m.L.pages + p * PAGE_WORDS + PF_MAPCOUNT, 1);
  holder.pg.putPage(p); // the PTE's reference
  assert.equal(word(m, p, PF_REF), 2, 'cache + mm 0');
  return { m, p, holder, ctl: m.L.control + C_SCRATCH };
}

/** The faulter (task 1) on a worker thread, started and told to go; resolves to its result. */
async function startFaulter(m: Mem, ctl: number, allowRetry: boolean, go = true) {
  const run = runThreads<{ rc: number; counters: Record<string, number> }>([{
    module: R, fn: 'filemapFaulter', payload: { sab: m.sab, cfg: fileCfg, tid: 1, opts: NOSPIN, ctl, mm: 1, idx: 0, allowRetry },
  }]);
  await until(() => Atomics.load(m.w, ctl) === 1, 'the faulter thread to start');
  const release = (): void => { Atomics.store(m.w, ctl, 2); Atomics.notify(m.w, ctl); };
  if (go) release();
  return { run, release };
}
const asleepOnPage = (m: Mem): boolean => stat(m, 1, 'sleeps') >= 1 && entry(m, 1, WE_LINKED) === 1;

test('D2: a refault meeting a locked page takes a SHARED wait holding its reference, then returns VM_FAULT_RETRY; the retry maps it', async () => {
  const { m, p, holder, ctl } = fileWorld();
  assert.ok(holder.lock.trylockPage(p));
  const { run } = await startFaulter(m, ctl, true);
  await until(() => asleepOnPage(m), 'the faulter to sleep on the page lock');
  assert.equal(word(m, p, PF_REF), 3, "cache + mm 0 + the sleeping faulter's find_get_page reference");
  assert.equal(entry(m, 1, WE_FLAGS) & WQ_FLAG_EXCLUSIVE, 0, 'wait_on_page_locked (SHARED), not lock_page');
  assert.equal(stat(m, 1, 'filemapLockWaits'), 1);
  assert.equal(Atomics.load(m.w, pteCell(m, 1, 0)), 0, 'nothing mapped while the lock is held');
  holder.lock.unlockPage(p);
  const [r] = await run;
  assert.equal(r.rc, VM_FAULT_RETRY);
  assert.equal(r.counters.filemapFaultRetries, 1);
  assert.equal(r.counters.filemapLockPage, 0);
  assert.equal(r.counters.filemapAllocs, 0);
  assert.equal(word(m, p, PF_REF), 2, 'the reference was put after the wait');
  assert.equal(Atomics.load(m.w, pteCell(m, 1, 0)), 0, 'VM_FAULT_RETRY maps nothing');
  // The retry (FAULT_FLAG_TRIED) finds the lock free: mapped under the lock, the fault's reference becomes the PTE's.
  const f = makeTask(m, 2);
  assert.equal(makeFilemapFault(f, 0).filemapFault(pteCell(m, 1, 0), ptlOf(m, 1), 0, false), VM_FAULT_DONE);
  const pte = Atomics.load(m.w, pteCell(m, 1, 0));
  assert.ok(isPresent(pte) && ptePfn(pte) === p);
  assert.equal(word(m, p, PF_REF), 3);
  assert.equal(word(m, p, PF_MAPCOUNT), 2);
  assert.equal(word(m, p, PF_FLAGS) & PG_locked, 0);
});

test('D2: the retry sleeps in lock_page with its reference; a page that left the cache meanwhile is refilled and mapped', async () => {
  const { m, p, holder, ctl } = fileWorld();
  assert.ok(holder.lock.trylockPage(p));
  const { run } = await startFaulter(m, ctl, false);
  await until(() => asleepOnPage(m), 'the faulter to sleep in lock_page');
  assert.equal(word(m, p, PF_REF), 3, 'the reference is held through lock_page');
  assert.equal(entry(m, 1, WE_FLAGS) & WQ_FLAG_EXCLUSIVE, WQ_FLAG_EXCLUSIVE, '__lock_page: an EXCLUSIVE wait');
  assert.equal(stat(m, 1, 'filemapLockPage'), 1);
  // The lock holder takes the page out of the cache (as truncation would), then unlocks.
  Atomics.store(m.w, slotCell(m, 0, 0), 0);
  Atomics.store(m.w, m.L.pages + p * PAGE_WORDS + PF_MAPPING, 0);
  holder.pg.putPage(p); // the cache's reference
  holder.lock.unlockPage(p);
  const [r] = await run;
  assert.equal(r.rc, VM_FAULT_DONE);
  assert.equal(r.counters.filemapMappingChanged, 1, 'page->mapping != mapping under the lock: retry_find');
  assert.equal(r.counters.filemapAllocs, 1, 'the miss read a new page into the cache');
  const q = Atomics.load(m.w, slotCell(m, 0, 0)) - 1;
  assert.ok(q >= 0 && q !== p);
  const pte = Atomics.load(m.w, pteCell(m, 1, 0));
  assert.ok(isPresent(pte) && ptePfn(pte) === q, 'mm 1 maps the new page');
  assert.equal(word(m, q, PF_REF), 2, 'cache + the PTE');
  assert.equal(word(m, q, PF_FLAGS) & PG_locked, 0);
  assert.equal(word(m, p, PF_REF), 1, "the old page keeps only mm 0's reference");
});

test("D2: a refault during reclaim's locked window holds its reference through the wait: the freeze fails and unlock_page wakes it", async () => {
  const { m, p, holder: r, ctl } = fileWorld();
  assert.ok(r.pg.getPageUnlessZero(p));
  assert.ok(isolateLruPage(r, p));
  r.pg.putPage(p);
  const { run, release } = await startFaulter(m, ctl, true, false);
  // Reclaim holds the page lock here (after trylock_page, before try_to_unmap): let the faulter in, wait for its sleep.
  const rAt: Task = {
    ...r,
    delay: (site) => {
      if (site !== SITE.reclaimChecks) return;
      release();
      const end = Date.now() + 20_000;
      while (!asleepOnPage(m)) if (Date.now() > end) throw new Error('the faulter never slept on the page lock');
    },
  };
  // Even v4.19's lock-less __ClearPageLocked is safe here: the waiter's reference makes __remove_mapping fail first.
  const reclaim = makeReclaim(rAt, makeTlb(m, 0), 'nonatomic-clear', 0);
  assert.equal(reclaim.shrinkPageList(p), false);
  assert.equal(stat(m, 0, 'reclaimFreezeFailed'), 1);
  assert.equal(stat(m, 0, 'wakesSent'), 1, 'keep_locked: unlock_page woke the SHARED waiter');
  const [res] = await run;
  assert.equal(res.rc, VM_FAULT_RETRY);
  assert.equal(res.counters.filemapLockWaits, 1);
  assert.equal(Atomics.load(m.w, slotCell(m, 0, 0)), p + 1, 'still cached');
  assert.equal(word(m, p, PF_REF), 1, 'the cache only: mm 0 was unmapped, the faulter put its reference');
  assert.equal(word(m, p, PF_FLAGS) & (PG_locked | PG_lru), PG_lru, 'unlocked and put back');
});

// ---- D6: the migrate mode -----------------------------------------------------------------------------

const anonCfg: MemConfig = { ...DEFAULT_MEM, pages: 40, tasks: 4, cpus: 2, mms: 1, ptesPerMm: 1, files: 1, slotsPerFile: 1, pagesPerBlock: 40 };

/** One anonymous page mapped once, isolated by the migrator (task 0); task 2 is another lock user. */
function anonWorld(mode: MigrateMode) {
  const m = createMemory(anonCfg);
  const [p] = bootMappedPages(m, { pages: 1, mapcount: 1, file: false, pcpHigh: 6, pcpBatch: 2 });
  const t = makeTask(m, 0, NOSPIN);
  assert.ok(t.pg.getPageUnlessZero(p));
  assert.ok(isolateLruPage(t, p));
  t.pg.putPage(p);
  const mig = makeMigrator(t, makeTlb(m, 0), { moveMapping: 'check-under-lock', allocOrder: 'before-lock', mode });
  return { m, p, mig, other: makeTask(m, 2), ctl: m.L.control + C_SCRATCH };
}

/**
 * Task 3 on a worker thread releases the bit on p once the migrator (task 0) has slept; stop() ends it
 * unused. Where the mode must not sleep, a wrong model then fails the counts instead of hanging the test.
 */
async function releaserFor(m: Mem, p: number, bit: number, ctl: number) {
  const run = runThreads<boolean>([{ module: R, fn: 'releaseWhenSlept', payload: { sab: m.sab, cfg: anonCfg, tid: 3, opts: NOSPIN, ctl, pfn: p, bit, target: 0 } }]);
  await until(() => Atomics.load(m.w, ctl) === 1, 'the releaser thread to start');
  const stop = (): void => { Atomics.store(m.w, ctl, 3); };
  return { run, stop }; // not the promise itself: an async function would wait for it
}

test('D6: MIGRATE_ASYNC never calls lock_page: a busy source lock fails all ten passes on trylock, no sleep', async () => {
  const { m, p, mig, other, ctl } = anonWorld('async');
  assert.ok(other.lock.trylockPage(p));
  const { run, stop } = await releaserFor(m, p, PG_locked, ctl);
  const res = mig.migratePages([p]);
  stop();
  assert.deepEqual(await run, [false], 'the migrator slept on the lock');
  assert.deepEqual(res, { succeeded: 0, failed: 1, attempts: 10 });
  assert.equal(stat(m, 0, 'eagainTrylock'), 10);
  assert.equal(stat(m, 0, 'migrateLockPage'), 0);
  assert.equal(stat(m, 0, 'migrateLockSleeps'), 0);
  assert.equal(stat(m, 0, 'waits'), 0);
  assert.equal(stat(m, 0, 'sleeps'), 0);
  assert.ok(word(m, p, PF_FLAGS) & PG_lru, 'put back on the LRU');
});

for (const mode of ['sync-light', 'sync'] as const) {
  test(`D6: ${mode} sleeps in lock_page from the fourth pass and then migrates`, async () => {
    const { m, p, mig, other, ctl } = anonWorld(mode);
    assert.ok(other.lock.trylockPage(p));
    const { run: released } = await releaserFor(m, p, PG_locked, ctl);
    assert.deepEqual(mig.migratePages([p]), { succeeded: 1, failed: 0, attempts: 4 });
    assert.deepEqual(await released, [true]);
    assert.equal(stat(m, 0, 'eagainTrylock'), 3, 'passes 1-3 only trylock');
    assert.equal(stat(m, 0, 'migrateLockPage'), 1);
    assert.equal(stat(m, 0, 'migrateLockSleeps'), 1);
  });
}

for (const mode of ['async', 'sync-light'] as const) {
  test(`D6: ${mode} fails a page under writeback with -EBUSY at once: no retry, no wait`, async () => {
    const { m, p, mig, ctl } = anonWorld(mode);
    Atomics.or(m.w, m.L.pages + p * PAGE_WORDS + PF_FLAGS, PG_writeback);
    const { run, stop } = await releaserFor(m, p, PG_writeback, ctl);
    const res = mig.migratePages([p]);
    stop();
    assert.deepEqual(await run, [false], 'the migrator waited for writeback');
    assert.deepEqual(res, { succeeded: 0, failed: 1, attempts: 1 });
    assert.equal(stat(m, 0, 'ebusyWriteback'), 1);
    assert.equal(stat(m, 0, 'eagainWriteback'), 0);
    assert.equal(stat(m, 0, 'waits'), 0);
    assert.equal(word(m, p, PF_FLAGS) & (PG_lru | PG_locked), PG_lru, 'unlocked and put back');
  });
}

test('D6: sync retries a page under writeback, then waits for it from the fourth pass', async () => {
  const { m, p, mig, ctl } = anonWorld('sync');
  Atomics.or(m.w, m.L.pages + p * PAGE_WORDS + PF_FLAGS, PG_writeback);
  const { run: released } = await releaserFor(m, p, PG_writeback, ctl);
  assert.deepEqual(mig.migratePages([p]), { succeeded: 1, failed: 0, attempts: 4 });
  assert.deepEqual(await released, [true]);
  assert.equal(stat(m, 0, 'eagainWriteback'), 3);
  assert.equal(stat(m, 0, 'ebusyWriteback'), 0);
  assert.equal(stat(m, 0, 'sleeps'), 1, 'one wait_on_page_writeback');
});

test('D6: --migrate-mode async under lock contention: the migrator never calls lock_page', async () => {
  const params = { ...defaultParams(migrateAllocOrder), migrateMode: 'async' };
  const r = await runOnce(migrateAllocOrder, 'before-lock', params, { durationS: 1, warmupS: 0.2, seed: 1 });
  assert.deepEqual(r.forbidden, []);
  assert.deepEqual(r.quiescence.violations, []);
  assert.ok(r.counters.eagainTrylock > 0, 'the lockers never made the source lock busy');
  assert.equal(r.counters.migrateLockPage, 0);
  assert.equal(r.counters.migrateLockSleeps, 0);
});

// ---- D4: the spin next to every rate --------------------------------------------------------------------

test('D4: a run reports its spinNs with every rate, in the document and the text', async () => {
  const params = { ...defaultParams(migrationEntryWait), faulters: 1, spinNs: 0 };
  const r = await runOnce(migrationEntryWait, 'put-and-wait', params, { durationS: 0.3, warmupS: 0.1, seed: 1 });
  assert.equal(r.rates.migrationSuccess.spinNs, 0);
  const text = renderRunText(r).split('\n');
  const head = text.findIndex((l) => /^rate\s/.test(l));
  assert.match(text[head], /\bspinNs\b/);
  assert.match(text[head + 2], /^migrationSuccess\s+\d+\/\d+\s+[\d.]+%\s+0\s/);
});
