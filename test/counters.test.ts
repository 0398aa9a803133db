// Counters stay exact past 2^31 and 2^32: the roles' 32-bit words wrap, the runner's fold does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemory } from '../src/shared/memory.js';
import { DEFAULT_MEM } from '../src/shared/layout.js';
import { STAT, statRow, markMeasureStart } from '../src/shared/stats.js';
import { makeStatFolder, seedCounters } from '../src/run/stat-folder.js';
import { runOnce } from '../src/run/run-once.js';
import { defaultParams } from '../src/run/params.js';
import { migrationEntryWait as sc } from '../src/scenarios/migration-entry-wait.js';

const STEP = 2 ** 30;

test('the fold follows a word through 2^31 and 2^32 to an exact total of 5 · 2^30', () => {
  const m = createMemory({ ...DEFAULT_MEM, tasks: 2 });
  seedCounters(m, 2 ** 31 - 10);
  const f = makeStatFolder(m);
  const at = statRow(m, 1) + STAT.touches;
  const start = f.totals().touches;
  f.startMeasure();
  markMeasureStart(m, 0);
  markMeasureStart(m, 1);
  for (let i = 0; i < 5; i++) {
    m.w[at] = (m.w[at] + STEP) | 0; // what a role's `w[x] += n` does to an Int32 word
    f.fold();
  }
  assert.equal(f.totals().touches - start, 5 * STEP);
  assert.equal(f.measured().touches, 5 * STEP);
  assert.ok(5 * STEP > 2 ** 32, 'the count passed 2^32');
  assert.equal(f.measured().waits, 0, 'an untouched counter stays 0 however it was seeded');
});

test('the measure-start copy taken after a wrap still counts from the copy', () => {
  const m = createMemory({ ...DEFAULT_MEM, tasks: 1 });
  seedCounters(m, -5); // 2^32 - 5 as the word reads it
  const f = makeStatFolder(m);
  const at = statRow(m, 0) + STAT.sleeps;
  f.startMeasure();
  m.w[at] = (m.w[at] + 100) | 0; // the role ran on across 2^32 before it copied its row
  markMeasureStart(m, 0);
  m.w[at] = (m.w[at] + 7) | 0;
  assert.equal(f.measured().sleeps, 7);
});

for (const [what, start] of [['2^31', 2 ** 31 - 2000], ['2^32', -2000]] as [string, number][]) {
  test(`a run whose counter words start 2000 below ${what} reports exact counts`, async () => {
    // No warm-up: the roles copy their rows below the limit, so the words wrap while measuring.
    const p = { ...defaultParams(sc), faulters: 1 };
    const r = await runOnce(sc, 'put-and-wait', p, { durationS: 0.5, warmupS: 0, seed: 3, counterStart: start });
    assert.equal(r.error, undefined);
    assert.ok(r.counters.touches > 100_000, `touches ${r.counters.touches}: the faulter's word did not cross ${what}`);
    for (const [k, v] of Object.entries(r.counters)) assert.ok(v >= 0 && v < 2 ** 31, `${k} = ${v}`);
    // Two independent records of the same events: the counter and the histogram (an op in flight at each edge).
    assert.ok(Math.abs(r.counters.migratePages - r.histograms.migration.count) <= 2, `${r.counters.migratePages} vs ${r.histograms.migration.count}`);
    assert.ok(r.counters.migratePages >= r.counters.migrateSucceeded);
    assert.equal(r.complete, true);
  });
}
