// Seed 004 end to end: where the new page is allocated decides what a busy source lock costs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnce } from '../src/run/run-once.js';
import { defaultParams } from '../src/run/params.js';
import { migrateAllocOrder as sc } from '../src/scenarios/migrate-alloc-order.js';

test('before-lock wastes allocations on a busy source lock; after-lock wastes none and holds the lock through the allocation', async () => {
  const params = defaultParams(sc);
  const a = await runOnce(sc, 'before-lock', params, { durationS: 1.5, warmupS: 0.3, seed: 1 });
  const b = await runOnce(sc, 'after-lock', params, { durationS: 1.5, warmupS: 0.3, seed: 1 });
  for (const r of [a, b]) {
    assert.deepEqual(r.forbidden, [], `${r.variant}: ${JSON.stringify(r.forbidden)}`);
    assert.deepEqual(r.quiescence.violations, []);
    assert.ok(r.counters.migrateSucceeded > 100, `${r.variant}: ${r.counters.migrateSucceeded} migrations`);
    assert.ok(r.counters.eagainTrylock > 0, `${r.variant}: the lockers never made the source lock busy`);
  }
  assert.ok(a.counters.newpageWastedLock > 0, 'before-lock: no allocation was wasted on a busy lock');
  assert.equal(b.counters.newpageWastedLock, 0, 'after-lock allocates only once it holds the lock');
  // Every after-lock hold contains the injected allocation (a busy wait): its median cannot be below it.
  const allocNs = params.allocNs as number;
  assert.ok(b.histograms.sourceLockHold.p50 >= 0.9 * allocNs, `after-lock hold p50 ${b.histograms.sourceLockHold.p50} < allocation ${allocNs}`);
  assert.ok(a.histograms.sourceLockHold.p50 < b.histograms.sourceLockHold.p50, 'before-lock holds the lock for less');
});
