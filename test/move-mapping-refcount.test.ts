// Seed 003: move_mapping's refcount test vs speculative references. First Baolin Wang's three orders
// forced step by step on one thread (exact outcomes per variant), then the race on real threads:
// every known-buggy control is caught, every correct variant runs clean, and the claims' figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemory, type Mem } from '../src/shared/memory.js';
import { makeTask, type Task } from '../src/shared/task.js';
import { makeTlb, pteCell, ptePfn } from '../src/shared/pagetable.js';
import { slotCell } from '../src/shared/pagecache.js';
import { PAGE_WORDS, PF_REF } from '../src/shared/layout.js';
import { SITE } from '../src/shared/cost.js';
import { STAT, statRow, type StatName } from '../src/shared/stats.js';
import { isolateLruPage } from '../src/shared/mm/lru.js';
import { tryToUnmapMigration } from '../src/shared/mm/rmap.js';
import { EAGAIN, SUCCESS, makeMoveMapping, type MoveMappingVariant } from '../src/shared/mm/move-mapping.js';
import { makeGupFast, type GupRecheck } from '../src/shared/mm/gup.js';
import { makePagecacheLookup } from '../src/shared/mm/pagecache-lookup.js';
import { makeSpecTrace } from '../src/shared/mm/spec-trace.js';
import { runOnce } from '../src/run/run-once.js';
import { defaultParams } from '../src/run/params.js';
import { CONTROL_FOCUS, CONTROL_VARIANTS, CORRECT_VARIANTS, moveMappingRefcount as sc } from '../src/scenarios/move-mapping-refcount.js';
import type { RunResult } from '../src/report/schema.js';

const params = defaultParams(sc);
const MIGRATOR = 0;
const GUP = 1;
const PINNER = 2;

/** A booted world (one file page, mapped once), the page's frame, and one task per role. */
function world(): { m: Mem; pfn: number; tasks: Task[] } {
  const p = { ...params, seed: 1 };
  const m = createMemory(sc.memConfig(p));
  sc.setup(m, p, 'freeze-only');
  return { m, pfn: ptePfn(Atomics.load(m.w, pteCell(m, 0, 0))), tasks: [0, 1, 2].map((tid) => makeTask(m, tid)) };
}
const stat = (m: Mem, tid: number, s: StatName): number => m.w[statRow(m, tid) + STAT[s]];
const count = (m: Mem, pfn: number): number => Atomics.load(m.w, m.L.pages + pfn * PAGE_WORDS + PF_REF);
const slotPfn = (m: Mem): number => Atomics.load(m.w, slotCell(m, 0, 0)) - 1;

/** __unmap_and_move up to move_to_new_page: isolated, locked, a locked new page, PTEs now migration entries. */
function prepareMigration(m: Mem, t: Task, pfn: number): number {
  assert.ok(t.pg.getPageUnlessZero(pfn) && isolateLruPage(t, pfn));
  t.pg.putPage(pfn);
  assert.ok(t.lock.trylockPage(pfn));
  const n = t.alloc.allocPage();
  assert.ok(n >= 0 && t.lock.trylockPage(n));
  assert.ok(tryToUnmapMigration(t, makeTlb(m, t.cpu), pfn));
  return n;
}
/** The task with a hook run at one delay site (the race window the site marks). */
const hooked = (t: Task, site: number, hook: () => void): Task => ({ ...t, delay: (s: number) => { if (s === site) hook(); } });

const ALL: MoveMappingVariant[] = [...CORRECT_VARIANTS, 'no-freeze'];

test('case (a): a speculative reference taken before the test fails every variant alike; check-before-lock skips the xa_lock', () => {
  for (const v of ALL) {
    const { m, pfn, tasks } = world();
    const n = prepareMigration(m, tasks[MIGRATOR], pfn);
    const moveMapping = makeMoveMapping(tasks[MIGRATOR], v);
    const getter = makeSpecTrace(tasks[GUP]);
    // GUP-fast read the PTE before the unmap; its reference lands now, before the count test.
    getter.specBegin(pfn);
    assert.ok(tasks[GUP].pg.getPageUnlessZero(pfn));
    const token = getter.gotRef(pfn);
    assert.equal(moveMapping(pfn, n), EAGAIN, v);
    assert.equal(stat(m, MIGRATOR, 'moveMappingLocks'), v === 'check-before-lock' ? 0 : 1, `${v}: xa_lock taken`);
    assert.equal(stat(m, MIGRATOR, 'eagainTransient'), 1, `${v}: the EAGAIN is attributed to the transient reference`);
    getter.dropped(pfn, token); // its PTE recheck fails: the PTE is a migration entry now
    tasks[GUP].pg.putPage(pfn);
    assert.equal(stat(m, GUP, 'specCaseA'), 1, `${v}: classified (a)`);
    assert.equal(moveMapping(pfn, n), SUCCESS, `${v}: the retry succeeds once the reference is gone`);
    assert.equal(slotPfn(m), n);
    assert.equal(count(m, pfn), 1, `${v}: only the isolation reference is left on the old page`);
  }
});

test('case (b): a lookup during the freeze fails in every correct variant; without the freeze it keeps the old page', () => {
  for (const v of ALL) {
    const { m, pfn, tasks } = world();
    const n = prepareMigration(m, tasks[MIGRATOR], pfn);
    let tries = 0;
    const lookup = makePagecacheLookup(tasks[PINNER], () => tries++ > 0); // one pass, no retry
    let got = -2;
    // The pinner's find_get_page runs between the test/freeze and the slot store.
    const mm = makeMoveMapping(hooked(tasks[MIGRATOR], SITE.moveMappingSwitch, () => { got = lookup.findGetPage(0, 0); }), v);
    assert.equal(mm(pfn, n), SUCCESS, v);
    assert.equal(slotPfn(m), n);
    if (v === 'no-freeze') {
      assert.equal(got, pfn, 'no-freeze: the lookup kept a reference to the old page');
      assert.equal(count(m, pfn), 2, 'isolation + the pinner');
    } else {
      assert.equal(got, -1, `${v}: the get must fail on the frozen page`);
      assert.equal(stat(m, PINNER, 'specCaseB'), 1, `${v}: classified (b)`);
      assert.equal(count(m, pfn), 1);
    }
  }
});

test('case (c): GUP-fast that stalls across the migration gets the old page; the recheck drops it, without it is kept', () => {
  for (const recheck of ['recheck', 'no-recheck'] as GupRecheck[]) {
    const { m, pfn, tasks } = world();
    let n = -1;
    // The migration runs while GUP-fast sits between its PTE read and its get.
    const stall = () => { n = prepareMigration(m, tasks[MIGRATOR], pfn); assert.equal(makeMoveMapping(tasks[MIGRATOR], 'freeze-only')(pfn, n), SUCCESS); };
    const gup = makeGupFast(hooked(tasks[GUP], SITE.gupPteRead, stall), recheck);
    const got = gup.gupPteRange(pteCell(m, 0, 0));
    assert.equal(slotPfn(m), n);
    if (recheck === 'recheck') {
      assert.equal(got, -1, 'the PTE recheck must drop the reference');
      assert.equal(stat(m, GUP, 'specCaseC'), 1, 'classified (c)');
      assert.equal(stat(m, GUP, 'gupMatthew'), 1, "Matthew's sequence: got after the PTE became a migration entry");
      assert.equal(count(m, pfn), 1);
    } else {
      assert.equal(got, pfn, 'without the recheck GUP keeps the old page');
      assert.equal(count(m, pfn), 2);
    }
  }
});

// On real threads. Detectors are exact (no thresholds): a write seen after PG_migrated_from, an
// acknowledged generation missing from the slot's page, a count below zero. Each control runs with
// the writer that exploits it (CONTROL_FOCUS). Measured on the 2-core machine under load average
// 6-7 from other jobs, seeds 1-10: no-freeze first caught in 6-3284 ms (median 220), gup-no-recheck
// in 1-1560 ms (median 69); a 10 s cap, with a second seed if the first misses, is 3x the worst seen.
async function caught(variant: (typeof CONTROL_VARIANTS)[number]): Promise<RunResult> {
  let r: RunResult | undefined;
  for (let seed = 1; seed <= 2 && !r?.forbidden.length; seed++) {
    r = await runOnce(sc, variant, { ...params, ...CONTROL_FOCUS[variant] }, { durationS: 10, warmupS: 0, seed, stopOnForbidden: true });
  }
  return r!;
}

for (const v of CONTROL_VARIANTS) {
  test(`known-buggy control ${v} loses writes (FO2) within a bounded run`, async () => {
    const r = await caught(v);
    assert.equal(r.knownBuggy, true);
    const fo2 = r.forbidden.find((f) => f.kind === 'lost-write');
    assert.ok(fo2, `${v} not caught: ${JSON.stringify(r.forbidden)} ${r.error ?? ''}`);
    assert.ok(fo2.count >= 1 && fo2.firstAtMs <= 10_000);
    assert.match(fo2.detail, /frame \d+: write \d+ by task \d+ landed after the migration copy|acknowledged write/);
    assert.equal(r.forbidden.some((f) => f.kind === 'refcount-underflow' || f.kind === 'unfreeze-nonzero'), false, 'a lost write, not a refcount bug');
  });
}

test('the three correct variants run clean with every sentinel armed, and show the claims of seed 003', async () => {
  const runs: Record<string, RunResult[]> = Object.fromEntries(CORRECT_VARIANTS.map((v) => [v, []]));
  // Interleaved rounds, so a change in the machine's load falls on every variant alike.
  for (let round = 0; round < 2; round++) {
    const order = round % 2 ? [...CORRECT_VARIANTS].reverse() : [...CORRECT_VARIANTS];
    for (const v of order) runs[v].push(await runOnce(sc, v, params, { durationS: 1.5, warmupS: 0.2, seed: 40 + round }));
  }
  const pooled = (v: string, k: string): number => runs[v].reduce((s, r) => s + r.counters[k], 0);
  const all = (k: string): number => CORRECT_VARIANTS.reduce((s, v) => s + pooled(v, k), 0);
  for (const v of CORRECT_VARIANTS) {
    for (const r of runs[v]) {
      assert.deepEqual(r.forbidden, [], `${v}: ${JSON.stringify(r.forbidden)}`);
      assert.equal(r.quiescence.checked, true);
      assert.deepEqual(r.quiescence.violations, []);
      assert.equal(r.interrupted, false, r.error);
    }
    // The sentinels had something to watch: pinned writes, kept references, successful migrations.
    assert.ok(pooled(v, 'pinWrites') > 10_000 && pooled(v, 'specKept') > 1000, `${v}: too few pinned writes`);
    assert.ok(pooled(v, 'migrateSucceeded') > 100, `${v}: too few migrations`);
  }
  // xa_lock acquisitions per move_mapping call: exactly one where the test sits under (or is) the
  // locked freeze; check-before-lock's early test turns a busy page away without the lock.
  // (The counter snapshots at the start and end of a run may split one call per migrator: +-1 each.)
  for (const v of ['check-under-lock', 'freeze-only']) {
    const d = pooled(v, 'moveMappingLocks') - pooled(v, 'moveMappingCalls');
    assert.ok(Math.abs(d) <= 2 * runs[v].length, `${v}: ${pooled(v, 'moveMappingLocks')} locks for ${pooled(v, 'moveMappingCalls')} calls`);
  }
  const cbl = pooled('check-before-lock', 'moveMappingLocks') / pooled('check-before-lock', 'moveMappingCalls');
  assert.ok(cbl < 0.8, `check-before-lock took the xa_lock on ${cbl} of its calls`);
  // C003-1, C003-3, C003-4 on real threads, pooled: transient-reference EAGAINs, Matthew's sequence,
  // all three of Baolin's orders, and new pages met before their copy. That the three variants'
  // rates are the same is shown per interleaving by the case (a)-(c) tests above; per run the rate
  // is not comparable on a loaded 2-core machine: one getter preempted while it holds a transient
  // reference turns into a burst of EAGAINs, and runs of one variant ranged 0-6 % per call
  // (load average 2-10), so a Wilson or bootstrap test here would test the scheduler.
  for (const k of ['eagainTransient', 'specCaseA', 'specCaseB', 'specCaseC', 'gupMatthew', 'lookupUptodateWait']) assert.ok(all(k) > 0, `${k} never happened`);
});
