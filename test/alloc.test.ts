// The zone allocator (buddy + per-CPU lists, v5.8–v5.11): deterministic single-thread steps, then real
// worker threads as CPUs under remote drains and isolation, audited for page conservation (FO4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemory, type Mem } from '../src/shared/memory.js';
import {
  DEFAULT_MEM, MIGRATE_ISOLATE, MIGRATE_MOVABLE, type MemConfig, PAGE_WORDS, PCP_ALLOC_ISOLATED, PCP_BATCH, PCP_COUNT,
  PCP_HIGH, PF_FLAGS, PF_MAPPING, PF_MT, PF_PRIVATE, PF_REF, PG_buddy, PG_dirty, PG_offline, Z_NR_ISOLATE, Z_PCP_HIGH_LOCK,
} from '../src/shared/layout.js';
import { makeTask, type Task } from '../src/shared/task.js';
import { readForbidden } from '../src/shared/forbidden.js';
import { sumStats, type StatName } from '../src/shared/stats.js';
import { initZone, SMALL_PCP } from '../src/shared/alloc/init.js';
import { auditConservation, pageCensus } from '../src/shared/alloc/conservation.js';
import { locBuddy, locPcp, zoneGeo } from '../src/shared/alloc/zone.js';
import { runThreads } from './helpers/threads.js';
import { ctlWords, type AllocJob, type AuditRoundsResult, type ChurnResult } from './helpers/alloc-routines.js';

const ROUTINES = new URL('./helpers/alloc-routines.js', import.meta.url).href;
const small: MemConfig = { ...DEFAULT_MEM, pages: 16, pagesPerBlock: 8, cpus: 2, tasks: 2 };
const pf = (m: Mem, p: number, f: number): number => Atomics.load(m.w, m.L.pages + p * PAGE_WORDS + f);
const cpuWord = (m: Mem, cpu: number, f: number): number => Atomics.load(m.w, zoneGeo(m).cpuLine(cpu) + f);
const freeCount = (m: Mem, mt: number): number => Atomics.load(m.w, zoneGeo(m).freeCount(mt));
const stat = (m: Mem, name: StatName): number => sumStats(m)[name];
const forbidden = (m: Mem, kind: string): number => readForbidden(m).find((f) => f.kind === kind)?.count ?? 0;

/** A fresh small zone (16 frames, 2 blocks, high 6, batch 2) and a task on CPU 0 (plus one on CPU 1). */
function zone(cfg: MemConfig = small): { m: Mem; t: Task; t1: Task } {
  const m = createMemory(cfg);
  initZone(m, SMALL_PCP);
  return { m, t: makeTask(m, 0, { cpu: 0 }), t1: makeTask(m, 1, { cpu: 1 }) };
}

function assertClean(m: Mem): void {
  assert.deepEqual(auditConservation(m), []);
  assert.deepEqual(readForbidden(m), []);
}

test('alloc refills batch pages from buddy; a free goes to the pcp head with its cached type', () => {
  const { m, t } = zone();
  assert.equal(t.alloc.allocPage(), 0); // rmqueue_bulk moved 0 and 1; 0 handed out
  assert.equal(cpuWord(m, 0, PCP_COUNT), 1);
  assert.equal(pf(m, 1, PF_PRIVATE), locPcp(0, MIGRATE_MOVABLE));
  assert.equal(pf(m, 0, PF_REF), 1);
  assert.equal(pf(m, 0, PF_FLAGS) & PG_buddy, 0);
  assert.equal(pf(m, 0, PF_PRIVATE), 0);
  assert.equal(freeCount(m, MIGRATE_MOVABLE), 14);
  assert.deepEqual([stat(m, 'allocs'), stat(m, 'pcpRefills'), stat(m, 'zoneLockTaken')], [1, 1, 1]);
  // The page's identity is reset at prepare (free_pages_prepare).
  Atomics.or(m.w, m.L.pages + PF_FLAGS, PG_dirty);
  Atomics.store(m.w, m.L.pages + PF_MAPPING, 5);
  t.pg.putPage(0);
  assert.equal(cpuWord(m, 0, PCP_COUNT), 2);
  assert.equal(pf(m, 0, PF_PRIVATE), locPcp(0, MIGRATE_MOVABLE));
  assert.equal(pf(m, 0, PF_MT), MIGRATE_MOVABLE);
  assert.equal(pf(m, 0, PF_FLAGS), 0);
  assert.equal(pf(m, 0, PF_MAPPING), 0);
  assert.deepEqual([stat(m, 'frees'), stat(m, 'freesToPcp'), stat(m, 'zoneLockTaken')], [1, 1, 1]);
  assert.equal(t.alloc.allocPage(), 0, 'LIFO: the hottest page is handed out first');
  assert.deepEqual(pageCensus(m), { allocated: 1, pcp: 1, buddy: 14, offline: 0, ignored: 0, lost: 0 });
  assertClean(m);
});

test('a free that brings count to high flushes batch pages, oldest first, under the zone lock', () => {
  const { m, t } = zone();
  const got = Array.from({ length: 7 }, () => t.alloc.allocPage());
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(cpuWord(m, 0, PCP_COUNT), 1); // 7 left from the fourth refill
  assert.equal(stat(m, 'pcpRefills'), 4);
  for (let p = 0; p < 4; p++) t.pg.putPage(p);
  assert.equal(cpuWord(m, 0, PCP_COUNT), 5);
  assert.equal(stat(m, 'pcpBulkFrees'), 0);
  t.pg.putPage(4); // count 6 >= high 6: free_pcppages_bulk(batch 2) takes 7 then 0
  assert.equal(cpuWord(m, 0, PCP_COUNT), 4);
  assert.equal(stat(m, 'pcpBulkFrees'), 1);
  assert.equal(pf(m, 7, PF_FLAGS) & PG_buddy, PG_buddy);
  assert.equal(pf(m, 0, PF_PRIVATE), locBuddy(MIGRATE_MOVABLE));
  assert.equal(m.w[zoneGeo(m).freeList(MIGRATE_MOVABLE)] - 1, 0, 'buddy frees go to the list head');
  assert.equal(freeCount(m, MIGRATE_MOVABLE), 8 + 2);
  assert.equal(stat(m, 'zoneLockTaken'), 4 + 1);
  assert.deepEqual(pageCensus(m), { allocated: 2, pcp: 4, buddy: 10, offline: 0, ignored: 0, lost: 0 });
  assertClean(m);
});

test('a page whose block is ISOLATE at prepare goes straight to the buddy ISOLATE list', () => {
  const { m, t } = zone();
  for (let p = 0; p < 16; p++) assert.equal(t.alloc.allocPage(), p);
  assert.equal(t.alloc.allocPage(), -1);
  assert.equal(stat(m, 'allocFailed'), 1);
  assert.equal(t.alloc.setMigratetypeIsolate(1), 0);
  assert.equal(t.alloc.setMigratetypeIsolate(1), -16, 'already isolated: -EBUSY');
  assert.equal(Atomics.load(m.w, m.L.zone + Z_NR_ISOLATE), 1);
  t.pg.putPage(9);
  assert.equal(pf(m, 9, PF_PRIVATE), locBuddy(MIGRATE_ISOLATE));
  assert.equal(freeCount(m, MIGRATE_ISOLATE), 1);
  assert.equal(cpuWord(m, 0, PCP_COUNT), 0);
  assert.deepEqual([stat(m, 'freesToBuddy'), stat(m, 'freesToPcp')], [1, 0]);
  t.pg.putPage(1); // block 0 is MOVABLE: pcp
  assert.equal(cpuWord(m, 0, PCP_COUNT), 1);
  assert.equal(t.alloc.testPagesIsolated(8, 16), 8, 'frame 8 is still allocated');
  assert.equal(t.alloc.testPagesIsolated(0, 16), 0, 'block 0 is not isolated');
  assertClean(m);
});

test('drain_all_pages empties a remote CPU; the v5.8 snapshot skips a CPU whose free has not committed', () => {
  const { m, t, t1 } = zone();
  const got = Array.from({ length: 6 }, () => t.alloc.allocPage());
  for (const p of got.slice(0, 3)) t.pg.putPage(p);
  assert.equal(cpuWord(m, 0, PCP_COUNT), 3);
  assert.equal(t1.alloc.drainAllPages(), 1, 'only CPU 0 has pcp pages');
  assert.equal(cpuWord(m, 0, PCP_COUNT), 0);
  assert.equal(freeCount(m, MIGRATE_MOVABLE), 13);
  assert.deepEqual([sumStats(m).drains, sumStats(m).drainCpus], [1, 1]);
  // A prepared free reads as an empty pcp: the snapshot skips it and the page lands after the drain.
  Atomics.store(m.w, m.L.pages + 3 * PAGE_WORDS + PF_REF, 0);
  assert.ok(t.alloc.freeUnrefPagePrepare(3));
  assert.equal(t1.alloc.drainAllPages(), 0);
  t.alloc.freeUnrefPageCommit(3);
  assert.equal(cpuWord(m, 0, PCP_COUNT), 1);
  assert.equal(t1.alloc.drainAllPages(true), 2, 'force_all_cpus drains every CPU');
  assert.equal(cpuWord(m, 0, PCP_COUNT), 0);
  assert.deepEqual([sumStats(m).drains, sumStats(m).drainCpus], [3, 3]);
  assertClean(m);
});

test('seed 002: a free prepared before isolation sits on a pcp list, test_pages_isolated fails until a drain', () => {
  const { m, t, t1 } = zone();
  for (let p = 0; p < 16; p++) t.alloc.allocPage();
  for (let p = 8; p < 16; p++) if (p !== 12) t.pg.putPage(p);
  Atomics.store(m.w, m.L.pages + 12 * PAGE_WORDS + PF_REF, 0);
  assert.ok(t.alloc.freeUnrefPagePrepare(12)); // reads MOVABLE, then the ⟂ window
  assert.equal(t1.alloc.startIsolatePageRange(8, 16), 0); // v5.8: isolate, move free pages, drain
  assert.equal(cpuWord(m, 0, PCP_COUNT), 0);
  t.alloc.freeUnrefPageCommit(12); // the cached MOVABLE: onto CPU 0's pcp list
  assert.equal(pf(m, 12, PF_PRIVATE), locPcp(0, MIGRATE_MOVABLE));
  assert.equal(t1.alloc.testPagesIsolated(8, 16), 12, 'the pcp page is not PageBuddy: EBUSY at 12');
  assert.equal(t1.alloc.drainAllPages(), 1);
  assert.equal(pf(m, 12, PF_PRIVATE), locBuddy(MIGRATE_ISOLATE), 'the bulk free re-read the block type');
  assert.equal(t1.alloc.testPagesIsolated(8, 16), -1);
  assert.equal(freeCount(m, MIGRATE_ISOLATE), 8);
  assert.equal(t1.alloc.offlineIsolatedPages(8, 16), 8);
  assert.equal(freeCount(m, MIGRATE_ISOLATE), 0);
  assert.equal(pf(m, 12, PF_FLAGS), PG_offline);
  assert.deepEqual(pageCensus(m), { allocated: 8, pcp: 0, buddy: 0, offline: 8, ignored: 0, lost: 0 });
  assertClean(m);
  assert.equal(t1.alloc.onlinePages(8, 16), 8);
  assert.equal(Atomics.load(m.w, m.L.blocks + 1), MIGRATE_MOVABLE);
  assert.equal(Atomics.load(m.w, m.L.zone + Z_NR_ISOLATE), 0);
  assert.equal(freeCount(m, MIGRATE_MOVABLE), 8);
  assertClean(m);
});

test('a pcp page of a block isolated meanwhile is still handed out (allowed), and counted', () => {
  const { m, t, t1 } = zone();
  assert.equal(t.alloc.allocPage(), 0); // frame 1 on CPU 0's pcp
  t1.alloc.undoIsolatePageRange(0, 8); // not isolated: no-op
  assert.equal(t1.alloc.setMigratetypeIsolate(0), 0); // v5.8 drain would flush frame 1 ...
  assert.equal(pf(m, 1, PF_PRIVATE), locBuddy(MIGRATE_ISOLATE));
  t1.alloc.undoIsolatePageRange(0, 8); // move_freepages_block() puts each page at the list head: 7 first
  assert.equal(t.alloc.allocPage(), 7, 'back on MOVABLE after the undo');
  const m2 = zone().m; // ... the v5.11 order isolates without draining:
  const a = makeTask(m2, 0, { cpu: 0 }).alloc;
  const b = makeTask(m2, 1, { cpu: 1, allocator: { isolateDrain: false } }).alloc;
  assert.equal(a.allocPage(), 0);
  assert.equal(b.setMigratetypeIsolate(0), 0);
  assert.equal(a.allocPage(), 1);
  assert.equal(cpuWord(m2, 0, PCP_ALLOC_ISOLATED), 1);
  assert.equal(forbidden(m2, 'isolate-alloc'), 0);
  assert.equal(a.allocPage(), 8, 'the refill skips the ISOLATE list');
  assertClean(m2);
  assertClean(m);
});

test('zone_pcp_disable: the next free goes through to buddy; enable restores high and batch', () => {
  const { m, t, t1 } = zone();
  const got = Array.from({ length: 4 }, () => t.alloc.allocPage());
  t.pg.putPage(got[0]);
  assert.equal(cpuWord(m, 0, PCP_COUNT), 1);
  t1.alloc.zonePcpDisable();
  assert.equal(Atomics.load(m.w, m.L.zone + Z_PCP_HIGH_LOCK), 1 + 1, 'pcp_batch_high_lock held until enable');
  for (const cpu of [0, 1]) assert.deepEqual([cpuWord(m, cpu, PCP_HIGH), cpuWord(m, cpu, PCP_BATCH), cpuWord(m, cpu, PCP_COUNT)], [0, 1, 0]);
  assert.deepEqual([sumStats(m).drains, sumStats(m).drainCpus], [1, 2]);
  const bulk = stat(m, 'pcpBulkFrees');
  t.pg.putPage(got[1]);
  assert.equal(cpuWord(m, 0, PCP_COUNT), 0);
  assert.equal(pf(m, got[1], PF_FLAGS) & PG_buddy, PG_buddy);
  assert.equal(stat(m, 'pcpBulkFrees'), bulk + 1);
  assert.equal(t.alloc.allocPage(), got[1], 'a refill of batch 1');
  assert.equal(cpuWord(m, 0, PCP_COUNT), 0);
  t1.alloc.zonePcpEnable();
  assert.equal(Atomics.load(m.w, m.L.zone + Z_PCP_HIGH_LOCK), 0);
  for (const cpu of [0, 1]) assert.deepEqual([cpuWord(m, cpu, PCP_HIGH), cpuWord(m, cpu, PCP_BATCH)], [6, 2]);
  t.pg.putPage(got[2]);
  assert.equal(cpuWord(m, 0, PCP_COUNT), 1);
  assertClean(m);
});

test('the audit and the isolate-alloc detector catch hand-made corruption', () => {
  const { m, t } = zone();
  assert.equal(t.alloc.allocPage(), 0);
  m.w[zoneGeo(m).cpuLine(0) + PCP_COUNT] = 2; // count says 2, list holds 1
  Atomics.store(m.w, m.L.pages + 5 * PAGE_WORDS + PF_FLAGS, 0); // frame 5 loses PageBuddy on a buddy list
  const v = auditConservation(m, { record: false });
  assert.deepEqual(v.map((x) => x.problem).sort(), ['buddy-flag', 'count']);
  const { m: m2, t: t2 } = zone();
  Atomics.store(m2.w, m2.L.blocks + 0, MIGRATE_ISOLATE); // block type changed without moving its free pages
  assert.equal(t2.alloc.allocPage(), 0);
  assert.equal(forbidden(m2, 'isolate-alloc'), 2, 'both pages of the refill came from an ISOLATE block');
  const v2 = auditConservation(m2);
  assert.ok(v2.some((x) => x.problem === 'isolate-list'));
  assert.ok(v2.some((x) => x.problem === 'nr-isolate'));
  assert.equal(forbidden(m2, 'page-conservation'), v2.length);
});

test('initZone over a pfn range starts the rest offline; onlining frees it; a bad free is refused as FO4', () => {
  const m = createMemory(small);
  initZone(m, { ...SMALL_PCP, startPfn: 0, endPfn: 8 });
  const t = makeTask(m, 0, { cpu: 0 });
  assert.deepEqual(pageCensus(m), { allocated: 0, pcp: 0, buddy: 8, offline: 8, ignored: 0, lost: 0 });
  assert.equal(t.alloc.allocPage(), 0);
  t.alloc.freePage(0); // refcount 1: free_pages_check refuses it
  t.pg.putPage(0);
  t.alloc.drainAllPages();
  t.alloc.freePage(0); // already PageBuddy: refused, the lists stay intact
  assert.equal(forbidden(m, 'page-conservation'), 2);
  assert.deepEqual(auditConservation(m, { record: false }), []);
  assert.equal(t.alloc.onlinePages(8, 16), 8);
  assert.deepEqual(pageCensus(m), { allocated: 0, pcp: 0, buddy: 16, offline: 0, ignored: 0, lost: 0 });
  assert.deepEqual(auditConservation(m, { record: false }), []);
});

// ---- real threads ----

const mtCfg: MemConfig = { ...DEFAULT_MEM, pages: 128, pagesPerBlock: 8, cpus: 4, tasks: 4 };

function threadZone(cfg: MemConfig) {
  const m = createMemory(cfg);
  initZone(m, SMALL_PCP);
  const ctl = new SharedArrayBuffer(4 * ctlWords(cfg.pages));
  const base = { sab: m.sab, ctl, cfg };
  return { m, base };
}

function assertExact(m: Mem, churned: ChurnResult[]): void {
  const s = sumStats(m);
  const held = churned.flatMap((r) => r.held);
  assert.deepEqual(churned.map((r) => r.doubleAllocs), churned.map(() => 0), 'a page was handed to two owners');
  assert.equal(s.allocs, churned.reduce((a, r) => a + r.allocs, 0));
  assert.equal(s.frees, churned.reduce((a, r) => a + r.frees, 0));
  assert.equal(s.allocs - s.frees, held.length);
  for (const p of held) assert.equal(pf(m, p, PF_REF), 1);
  const census = pageCensus(m);
  assert.equal(census.allocated, held.length);
  assert.equal(census.allocated + census.pcp + census.buddy, m.L.cfg.pages);
  assert.deepEqual(auditConservation(m), []);
  assert.deepEqual(readForbidden(m), []);
}

test('3 CPUs allocate and free (single and list frees) under concurrent remote drains: every frame accounted for', async () => {
  const { m, base } = threadZone(mtCfg);
  const iters = 20_000;
  const jobs: AllocJob[] = [0, 1, 2].map((cpu) => ({ ...base, tid: cpu, cpu, seed: 11 + cpu, parties: 4, iters, maxHeld: 24 }));
  jobs.push({ ...base, tid: 3, cpu: 3, seed: 99, parties: 4, workers: 3 });
  const res = await runThreads<unknown>(jobs.map((payload, i) => ({ module: ROUTINES, fn: i < 3 ? 'churn' : 'drainer', payload })));
  const churned = res.slice(0, 3) as ChurnResult[];
  const drained = res[3] as { drains: number; cpusDrained: number; bulkFrees: number };
  assertExact(m, churned);
  const s = sumStats(m);
  assert.ok(churned.every((r) => r.allocs > iters / 4 && r.listFrees > 0));
  assert.equal(s.drains, drained.drains);
  assert.equal(s.drainCpus, drained.cpusDrained);
  assert.ok(drained.bulkFrees > 0, 'no remote drain ever found pcp pages: the test proved nothing');
  assert.ok(s.pcpBulkFrees > 0 && s.pcpRefills > 0);
});

test('isolating, offlining and undoing blocks under alloc/free load never hands out an ISOLATE page from buddy', async () => {
  const { m, base } = threadZone(mtCfg);
  const iters = 20_000;
  const jobs: AllocJob[] = [0, 1].map((cpu) => ({ ...base, tid: cpu, cpu, seed: 21 + cpu, parties: 3, iters, maxHeld: 24 }));
  jobs.push({ ...base, tid: 2, cpu: 2, seed: 7, parties: 3, workers: 2 });
  const res = await runThreads<unknown>(jobs.map((payload, i) => ({ module: ROUTINES, fn: i < 2 ? 'churn' : 'isolator', payload })));
  const iso = res[2] as { isolations: number; busy: number; passed: number; offlined: number };
  assert.ok(iso.isolations > 0, 'no block was isolated while the workers ran');
  assert.equal(forbidden(m, 'isolate-alloc'), 0);
  assert.equal(Atomics.load(m.w, m.L.zone + Z_NR_ISOLATE), 0);
  assertExact(m, res.slice(0, 2) as ChurnResult[]);
});

// The broken commit pauses inside its non-atomic count++ (freeCommitGap); jitter makes the window vary.
const brokenCost = { ns: {}, jitter: { freeCommitGap: { prob: 1, maxNs: 2000 } } };

async function freerVsDrains(brokenFree: boolean, rounds: number): Promise<{ m: Mem; audit: AuditRoundsResult; ms: number }> {
  const cfg: MemConfig = { ...DEFAULT_MEM, pages: 64, pagesPerBlock: 8, cpus: 2, tasks: 2 };
  const { m, base } = threadZone(cfg);
  // A round outlasts a scheduler slice, so threads sharing one core still preempt each other mid-round.
  const common = { ...base, parties: 2, rounds, opsPerRound: 20_000, cost: brokenCost, drainGapNs: 5000 };
  const t0 = performance.now();
  const [, audit] = await runThreads<unknown>([
    { module: ROUTINES, fn: 'roundFreer', payload: { ...common, tid: 0, cpu: 0, seed: 5, brokenFree, maxHeld: 8 } },
    { module: ROUTINES, fn: 'drainAuditor', payload: { ...common, tid: 1, cpu: 1, seed: 6 } },
  ]) as [unknown, AuditRoundsResult];
  return { m, audit, ms: performance.now() - t0 };
}

test('BROKEN control: a free commit without the per-CPU lock racing remote drains is caught by the audit', async () => {
  const { m, audit } = await freerVsDrains(true, 40);
  assert.ok(audit.caught, `not caught in ${audit.rounds} rounds (${audit.drains} drains)`);
  assert.ok(audit.violations.length > 0);
  assert.ok(forbidden(m, 'page-conservation') > 0);
});

test('the same freer with the per-CPU lock, same perturbation, stays clean through every audit', async () => {
  const { m, audit } = await freerVsDrains(false, 5);
  assert.equal(audit.caught, false, JSON.stringify(audit.violations));
  assert.equal(audit.rounds, 5);
  assert.ok(sumStats(m).drainCpus > 0, 'the drains never found pcp pages: the control proved nothing');
  assert.deepEqual(readForbidden(m), []);
});
