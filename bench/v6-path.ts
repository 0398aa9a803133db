// The v6.x path's costs (issue 9): (1) a user access on a TLB hit (tlb.ts) vs the old per-access PTE
// read (pagetable.ts), one thread, alternating rounds; (2) one uncontended move_pages call (v6.x,
// eager and deferred flush) vs one v4.19 migrate_pages call on the same one-page world, no injected
// costs (the harness's own overhead) and with the scenario's default cost model; (3) move_pages calls
// to the first failure per configuration from whole runs (median and p90 over the trials).
// Median of rounds, and the median of per-round ratios. `node dist/bench/v6-path.js [--quick] [--json]`.
import os from 'node:os';
import { createMemory, type Mem } from '../src/shared/memory.js';
import { makeTask } from '../src/shared/task.js';
import { makeTlb, pteCell } from '../src/shared/pagetable.js';
import { makeCachingTlb } from '../src/shared/tlb.js';
import { makeMovePages } from '../src/shared/mm/move-pages.js';
import { makeMigrator } from '../src/shared/mm/migrate.js';
import { isolateLruPage } from '../src/shared/mm/lru.js';
import { ptePfn } from '../src/shared/pagetable.js';
import { movePagesRace as sc } from '../src/scenarios/move-pages-race.js';
import { costModelFrom } from '../src/scenarios/common-params.js';
import { defaultParams } from '../src/run/params.js';
import { runOnce } from '../src/run/run-once.js';
import type { CostModel } from '../src/shared/cost.js';

const quick = process.argv.includes('--quick');
const med = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const nsPer = (batch: number, f: () => void): number => { const t0 = process.hrtime.bigint(); for (let i = 0; i < batch; i++) f(); return Number(process.hrtime.bigint() - t0) / batch; };

/** ns per access: the old rule (PTE read, slot, re-read) vs a caching-TLB hit, alternating rounds. */
function accessCost(rounds: number, batch: number): { oldNs: number; hitNs: number; ratio: number } {
  const p = { ...defaultParams(sc), seed: 1 };
  const m = createMemory(sc.memConfig(p));
  sc.setup(m, p, 'mainline');
  const cell = pteCell(m, 1, 0);
  const old = makeTlb(m, 0);
  const cached = makeCachingTlb(m, 1);
  let sink = 0;
  const touch = (pfn: number): void => { m.w[m.L.data + pfn * 2] = ++sink; };
  const a = (): void => { old.access(cell, touch); };
  const b = (): void => { cached.access(cell, touch); };
  nsPer(batch, a); nsPer(batch, b);
  const xs: number[] = [], ys: number[] = [], r: number[] = [];
  for (let k = 0; k < rounds; k++) {
    let x: number, y: number;
    if (k % 2) { y = nsPer(batch, b); x = nsPer(batch, a); } else { x = nsPer(batch, a); y = nsPer(batch, b); }
    xs.push(x); ys.push(y); r.push(y / x);
  }
  return { oldNs: med(xs), hitNs: med(ys), ratio: med(r) };
}

/** A one-page world of the scenario (mapping as given, nobody else running) and a task on CPU 0. */
function world(mapping: string): Mem {
  const p = { ...defaultParams(sc), mapping, seed: 1 };
  const m = createMemory(sc.memConfig(p));
  sc.setup(m, p, 'mainline');
  return m;
}

/** ns per uncontended call: v6 move_pages (eager, deferred) and v4.19 migrate_pages of the same page. */
function callCost(rounds: number, batch: number, cost: CostModel): Record<string, number> {
  const out: Record<string, number[]> = { v6Eager: [], v6Deferred: [], v419: [] };
  const mk = (tlbDefer: boolean): (() => void) => {
    const m = world('shared-anon');
    const t = makeTask(m, 0, { pageLock: 'v5.9-handoff', cost });
    const mp = makeMovePages(t, makeCachingTlb(m, 0), { unmapPte: 'clear-flush-set', tlbDefer, retryScale: 1 });
    let node = 1;
    return () => { if (mp.movePages(0, 0, node) !== 0) throw new Error('an uncontended move_pages failed'); node ^= 1; };
  };
  const v419 = (): (() => void) => {
    const m = world('shared-anon');
    const t = makeTask(m, 0, { cost });
    const mig = makeMigrator(t, makeTlb(m, 0), { moveMapping: 'check-under-lock', allocOrder: 'before-lock' });
    const cell = pteCell(m, 0, 0);
    return () => {
      const pfn = ptePfn(Atomics.load(m.w, cell));
      t.pg.getPage(pfn);
      if (!isolateLruPage(t, pfn)) throw new Error('isolation failed');
      t.pg.putPage(pfn);
      if (mig.migratePages([pfn]).succeeded !== 1) throw new Error('an uncontended migrate_pages failed');
    };
  };
  const fns: Record<string, () => void> = { v6Eager: mk(false), v6Deferred: mk(true), v419: v419() };
  for (const f of Object.values(fns)) nsPer(5000, f); // JIT warm-up: the first thousands of calls are 2-4x slower
  for (let k = 0; k < rounds; k++) {
    const names = Object.keys(fns);
    for (const n of k % 2 ? names.reverse() : names) out[n].push(nsPer(batch, fns[n]));
  }
  return { v6EagerNs: med(out.v6Eager), v6DeferredNs: med(out.v6Deferred), v419Ns: med(out.v419), ratioV6EagerToV419: med(out.v6Eager.map((x, i) => x / out.v419[i])) };
}

/** Calls to the first failure, per configuration, from whole runs. */
async function callsToFailure(durationS: number): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const [mapping, tlbFlush, retryScale] of [['shared-anon', 'eager', 1], ['shared-anon', 'eager', 3], ['shared-anon', 'deferred', 1], ['private-anon', 'eager', 1]] as const) {
    const r = await runOnce(sc, 'mainline', { ...defaultParams(sc), mapping, tlbFlush, retryScale }, { durationS, warmupS: 0.3, seed: 1 });
    const h = r.histograms.callsToFailure;
    rows.push({ mapping, tlbFlush, retryScale, calls: r.counters.movePagesCalls, failures: r.counters.movePagesFailed, trials: h.count, p50: h.count ? h.p50 : null, p90: h.count ? h.p90 : null, max: h.count ? h.max : null, cpuShare: r.cpuShare });
  }
  return rows;
}

const access = accessCost(quick ? 5 : 11, quick ? 200_000 : 1_000_000);
const bare = callCost(quick ? 5 : 11, quick ? 1000 : 5000, { ns: {} });
const costed = callCost(quick ? 5 : 11, quick ? 1000 : 3000, costModelFrom(defaultParams(sc)));
const failures = await callsToFailure(quick ? 1 : 3);
const result = { machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model}, node ${process.version}`, access, callBare: bare, callCosted: costed, callsToFailure: failures };
if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
else {
  console.log(result.machine);
  console.log(`access: old per-access PTE read ${access.oldNs.toFixed(1)} ns, TLB hit ${access.hitNs.toFixed(1)} ns (hit/old ${access.ratio.toFixed(2)})`);
  for (const [k, c] of [['no injected cost', bare], ['default cost model', costed]] as const) {
    console.log(`uncontended call (${k}): v6 move_pages eager ${(c.v6EagerNs / 1000).toFixed(2)} µs, deferred ${(c.v6DeferredNs / 1000).toFixed(2)} µs; v4.19 migrate_pages ${(c.v419Ns / 1000).toFixed(2)} µs (v6 eager / v4.19 ${c.ratioV6EagerToV419.toFixed(2)})`);
  }
  for (const f of failures) console.log(`calls to first failure: ${f.mapping} ${f.tlbFlush} x${f.retryScale}: ${f.failures}/${f.calls} calls failed, ${f.trials} trials, median ${f.p50 ?? '-'}, p90 ${f.p90 ?? '-'}, max ${f.max ?? '-'} (CPU share ${Number(f.cpuShare).toFixed(2)})`);
}
