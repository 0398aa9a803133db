// Shards and merge: a compare split into shard files by block merges back to the same runs, counters,
// histograms and table; shard runs end to end merge to every block exactly once; soak shards sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { SCENARIOS } from '../src/scenarios/index.js';
import { compareRuns } from '../src/run/compare-runs.js';
import { defaultParams } from '../src/run/params.js';
import { mergeCompare, mergeRuns } from '../src/run/merge.js';
import { mergeSummaries } from '../src/run/histograms.js';
import { parseShard, shardBlocks, shardCells, shardSeconds } from '../src/run/shard.js';
import type { CompareResult, RunResult } from '../src/report/schema.js';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
const mew = SCENARIOS.find((s) => s.name === 'migration-entry-wait')!;
const dir = mkdtempSync(join(tmpdir(), 'pagestorm-merge-'));
const fast = ['--duration', '0.2', '--warmup', '0', '--faulters', '1', '--quiet'];

test('shards split deterministically and cover the work once', () => {
  assert.deepEqual([0, 1, 2].map((i) => shardBlocks(7, { index: i, count: 3 })), [[0, 1], [2, 3], [4, 5, 6]]);
  assert.deepEqual(shardCells(['a', 'b', 'c', 'd', 'e'], { index: 1, count: 2 }), ['b', 'd']);
  assert.ok(Math.abs([0, 1, 2].reduce((s, i) => s + shardSeconds(10, { index: i, count: 3 }), 0) - 10) < 1e-12);
  assert.throws(() => parseShard('3/3'), /--shard "3\/3": expected i\/n with 0 <= i < n/);
  assert.throws(() => parseShard('x'), /expected i\/n/);
});

test('a compare cut into shard files by block merges back to the identical runs, counters, histograms and table', async () => {
  const p = { ...defaultParams(mew), faulters: 1 };
  const whole = await compareRuns(mew, 'wait-locked', 'put-and-wait', p, 2, { durationS: 0.2, warmupS: 0, seed: 5 });
  const part = (b: number): CompareResult & { shard: unknown } => ({
    ...whole, shard: { index: b, count: 2, blocks: [b], repeat: 2 },
    runs: Object.fromEntries(Object.entries(whole.runs).map(([k, rs]) => [k, rs.filter((r) => r.block === b)])),
  });
  const files = [0, 1].map((b) => ({ file: `shard${b}.json`, doc: JSON.parse(JSON.stringify(part(b))) as Record<string, unknown> }));
  const merged = mergeCompare(mew, files.reverse());
  const same = JSON.parse(JSON.stringify(whole)) as CompareResult;
  assert.deepEqual(merged.runs, same.runs, 'every run row, counters and histograms included, comes back unchanged');
  assert.deepEqual(JSON.parse(JSON.stringify(merged.rows)), same.rows, 'one machine: the same table as the unsharded compare');
  assert.equal(merged.repeat, 2);
  assert.equal(merged.complete, true);
  // The histograms merge losslessly: the merged count is the sum, and one run's encoding decodes to its own summary.
  const runs = Object.values(whole.runs).flat();
  const units = Object.fromEntries(Object.entries(mew.histograms).map(([k, h]) => [k, h.unit]));
  const total = mergeSummaries(runs.map((r) => r.histograms), units);
  for (const k of Object.keys(mew.histograms)) assert.equal(total[k].count, runs.reduce((s, r) => s + (r.histograms[k]?.count ?? 0), 0), k);
  const one = runs.find((r) => r.histograms.migration.count > 0)!;
  assert.deepEqual(mergeSummaries([one.histograms], units).migration, one.histograms.migration);
  // The merged runs document of the same runs: counters summed exactly.
  const asRuns = runs.filter((r) => r.variant === 'wait-locked').map((r, i) => ({ file: `r${i}.json`, doc: JSON.parse(JSON.stringify(r)) as Record<string, unknown> }));
  const mr = mergeRuns(mew, asRuns);
  for (const k of Object.keys(mr.counters)) assert.equal(mr.counters[k], asRuns.reduce((s, f) => s + (f.doc as unknown as RunResult).counters[k], 0), k);
  hdr.initWebAssemblySync();
  const h = hdr.decodeFromCompressedBase64(mr.histograms.migration.hdr!, 32, true);
  assert.equal(h.totalCount, mr.histograms.migration.count);
  h.destroy();
});

test('compare --shard 0/2 and 1/2 on two machines, then merge: every block exactly once, machines as blocks', () => {
  const outs = [0, 1].map((i) => join(dir, `c${i}.json`));
  for (const [i, out] of outs.entries()) {
    const r = spawnSync(process.execPath, [CLI, 'compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--repeat', '3', '--shard', `${i}/2`, '--seed', '9', '--out', out, '--json', ...fast],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PAGESTORM_MACHINE: `node-${i}` } });
    assert.equal(r.status, 0, r.stderr);
  }
  const m = cli('merge', ...outs, '--json', '--out', join(dir, 'merged.json'));
  assert.equal(m.status, 0, m.stderr);
  const doc = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as CompareResult & { machines: Record<string, number> };
  for (const label of doc.labels) assert.deepEqual(doc.runs[label].map((r) => r.block).sort(), [0, 1, 2]);
  assert.deepEqual(doc.machines, { 'node-0': 2, 'node-1': 4 });
  assert.ok(doc.rows.every((r) => r.test === 'van-elteren' || r.test === 'none'), doc.rows.map((r) => r.test).join());
  assert.deepEqual(Object.values(doc.runs).flat().map((r) => r.seed).sort((a, b) => a - b), [9, 10, 11, 12, 13, 14], 'each block keeps its seeds');
  // A file given twice: each block still counted once.
  const twice = cli('merge', ...outs, outs[0], '--json');
  assert.equal(twice.status, 0, twice.stderr);
  assert.equal((JSON.parse(twice.stdout) as CompareResult).repeat, 3);
});

test('merge refuses files of different experiments, naming the file and the field', () => {
  const a = JSON.parse(readFileSync(join(dir, 'c0.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...a, params: { ...(a.params as object), faulters: 2 } }));
  const r = cli('merge', join(dir, 'c0.json'), join(dir, 'other.json'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /other\.json: params .* differs from .*c0\.json's/);
  assert.equal(cli('merge', join(dir, 'nope.json')).status, 2);
});

test('sweep and soak shards merge: every cell once, soak counters summed', () => {
  const sw = [0, 1].map((i) => join(dir, `w${i}.json`));
  for (const [i, out] of sw.entries()) assert.equal(cli('sweep', 'migration-entry-wait', '--variant', 'wait-locked', '--param', 'migrators', '--values', '1,2', '--shard', `${i}/2`, '--out', out, '--json', ...fast).status, 0);
  const m = cli('merge', ...sw, '--json');
  assert.equal(m.status, 0, m.stderr);
  const doc = JSON.parse(m.stdout) as { runs: RunResult[]; cells: { value: number; runs: number }[] };
  assert.deepEqual(doc.runs.map((r) => r.block), [0, 1]);
  assert.deepEqual(doc.cells.map((c) => c.runs), [1, 1]);
  const so = [0, 1].map((i) => join(dir, `s${i}.json`));
  for (const [i, out] of so.entries()) {
    const r = cli('soak', 'migration-entry-wait', '--variant', 'wait-locked', '--duration', '0.8', '--interval', '0.2', '--shard', `${i}/2`, '--out', out, '--json', '--warmup', '0', '--faulters', '1', '--quiet');
    assert.equal(r.status, 0, r.stderr);
  }
  const parts = so.map((f) => JSON.parse(readFileSync(f, 'utf8')) as RunResult);
  assert.deepEqual(parts.map((x) => x.seed), [1, 2]);
  const ms = cli('merge', ...so, '--json');
  assert.equal(ms.status, 0, ms.stderr);
  const merged = JSON.parse(ms.stdout) as RunResult & { runs: RunResult[]; intervals: unknown[] };
  assert.equal(merged.counters.migrateSucceeded, parts[0].counters.migrateSucceeded + parts[1].counters.migrateSucceeded);
  assert.equal(merged.histograms.migration.count, parts[0].histograms.migration.count + parts[1].histograms.migration.count);
  assert.equal(merged.runs.length, 2);
});
