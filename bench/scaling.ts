// How pagestorm's own throughput grows with threads (issue 15), every injected cost at 0:
// (a) partitioned: t independent groups, each one migrator on its own page in its own mm and its own
//     SharedArrayBuffer (run concurrently in one process): they share nothing a kernel would not, only
//     the host (caches, memory bus) and this process's main thread; pages/s per thread and efficiency.
// (b) disjoint pages of ONE mm: t migrators on t pages of one address space, so they share that mm's
//     page-table lock (ptl) and the zone's LRU lock, as a kernel's would.
// (c) contended: one popular page, one migrator and t-1 faulters: success, EAGAIN per migration, p50.
// Median of --runs runs per point; ratios against the 1-thread baseline of the same invocation.
// `node dist/bench/scaling.js [--threads 1,2,4] [--runs 3] [--duration 1] [--json]`
import os from 'node:os';
import { migrationEntryWait as sc } from '../src/scenarios/migration-entry-wait.js';
import { defaultParams } from '../src/run/params.js';
import { runOnce } from '../src/run/run-once.js';
import { runEnv } from '../src/run/env.js';
import type { Params } from '../src/scenarios/types.js';

const arg = (name: string, dflt: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const threads = arg('threads', `1,2,${2 * os.availableParallelism()}`).split(',').map(Number);
const runs = Number(arg('runs', '3'));
const durationS = Number(arg('duration', '1'));
const med = (xs: number[]): number => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); const n = s.length; return n === 0 ? NaN : n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const zero: Params = { faultNs: 0, unmapNs: 0, tlbFlushNs: 0, remapNs: 0, copyNs: 0, allocNs: 0, checkNs: 0, gapNs: 0, thinkNs: 0 };
const params = (o: Params): Params => ({ ...defaultParams(sc), ...zero, ...o });
const opts = (seed: number) => ({ durationS, warmupS: 0.2, seed });

async function partitioned(t: number, seed: number): Promise<number> {
  const rs = await Promise.all(Array.from({ length: t }, (_, g) => runOnce(sc, 'put-and-wait', params({ faulters: 0, migrators: 1, pages: 1 }), opts(seed + g))));
  return rs.reduce((s, r) => s + r.counters.migrateSucceeded / r.durationS, 0);
}

async function oneMm(t: number, seed: number): Promise<number> {
  const r = await runOnce(sc, 'put-and-wait', params({ faulters: 0, migrators: t, pages: t }), opts(seed));
  return r.counters.migrateSucceeded / r.durationS;
}

async function contended(t: number, seed: number): Promise<{ success: number; eagain: number; p50: number; perS: number }> {
  const r = await runOnce(sc, 'wait-locked', params({ faulters: t - 1, migrators: 1, pages: 1 }), opts(seed));
  return { success: r.rates.migrationSuccess.rate, eagain: r.derived.eagainPerMigration, p50: r.histograms.migration?.p50 ?? NaN, perS: r.counters.migrateSucceeded / r.durationS };
}

const rows: Record<string, unknown>[] = [];
const base: Record<string, number> = {};
for (const t of threads) {
  const a: number[] = []; const b: number[] = []; const c: Awaited<ReturnType<typeof contended>>[] = [];
  for (let k = 0; k < runs; k++) { a.push(await partitioned(t, 1 + k)); b.push(await oneMm(t, 1 + k)); c.push(await contended(t, 1 + k)); }
  const row = { threads: t, partitionedPerS: med(a), oneMmPerS: med(b), contendedSuccess: med(c.map((x) => x.success)), contendedEagainPerMigration: med(c.map((x) => x.eagain)), contendedP50Ns: med(c.map((x) => x.p50)), contendedPerS: med(c.map((x) => x.perS)) };
  if (t === threads[0]) { base.a = row.partitionedPerS; base.b = row.oneMmPerS; }
  rows.push({ ...row, partitionedSpeedup: row.partitionedPerS / base.a, partitionedEfficiency: row.partitionedPerS / base.a / (t / threads[0]), oneMmSpeedup: row.oneMmPerS / base.b, oneMmEfficiency: row.oneMmPerS / base.b / (t / threads[0]) });
}
const env = runEnv();
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ env, runs, durationS, rows }, null, 2)}\n`);
else {
  process.stdout.write(`pagestorm scaling, ${env.cores} cores allowed (${env.cpusAllowed}) of ${env.onlineCpus}, ${env.cpuModel}, node ${env.node}; median of ${runs} runs x ${durationS} s; all costs 0\n`);
  process.stdout.write('threads  partitioned Mpages/s (x, eff)  one-mm Mpages/s (x, eff)  contended: success  EAGAIN/migr  p50 ns  Mmigr/s\n');
  for (const r of rows as Record<string, number>[]) {
    process.stdout.write(`${String(r.threads).padStart(7)}  ${(r.partitionedPerS / 1e6).toFixed(3)} (${r.partitionedSpeedup.toFixed(2)}x, ${r.partitionedEfficiency.toFixed(2)})`.padEnd(42)
      + `${(r.oneMmPerS / 1e6).toFixed(3)} (${r.oneMmSpeedup.toFixed(2)}x, ${r.oneMmEfficiency.toFixed(2)})`.padEnd(26)
      + `${(100 * r.contendedSuccess).toFixed(1)}%`.padStart(19) + `${r.contendedEagainPerMigration.toFixed(3)}`.padStart(13) + `${Math.round(r.contendedP50Ns)}`.padStart(8) + `${(r.contendedPerS / 1e6).toFixed(3)}`.padStart(9) + '\n');
  }
}
