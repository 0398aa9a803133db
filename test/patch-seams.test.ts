// Hooks on seams other than the migration-entry wait, written as a user would: v5.9's offline loop
// (drain-again) as an offlineLoop hook on top of v5.1's no-redrain, and a one-pass migrate retry policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePatch, runScenario, RETRY_STOP, RETRY_TRY, DEFAULT_MEM, PAGE_WORDS, PF_REF, type KernelHooks } from 'pagestorm';
import { createMemory } from '../src/shared/memory.js';
import { makeTask } from '../src/shared/task.js';
import { makeTlb } from '../src/shared/pagetable.js';
import { MIGRATE_MOVABLE } from '../src/shared/layout.js';
import { initZone, SMALL_PCP } from '../src/shared/alloc/init.js';
import { auditConservation } from '../src/shared/alloc/conservation.js';
import { isolateDrainFor, makeMemoryHotplug } from '../src/shared/mm/memory-hotplug.js';

// The v5.9 loop (968318261221) as a patch author writes it from the README's hook table.
const drainAgainLoop: KernelHooks['offlineLoop'] = (task, steps, start, end, round, signal) => {
  for (;;) {
    let pfn = start;
    for (;;) {
      if (signal(round.iterations++)) return false;
      pfn = steps.scanMovablePages(pfn, end);
      if (pfn < 0) break;
      steps.doMigrateRange(pfn, end, round);
    }
    if (steps.testPagesIsolated(start, end, round) < 0) return true;
    steps.drainAllPages();
  }
};
const patch = definePatch({
  extend: [{
    scenario: 'offline-pcp-race',
    variants: [{ name: 'drain-again-hook', base: 'no-redrain', kernel: 'v5.9 968318261221 (as a patch)', description: 'drain_all_pages() after a failed check', hooks: { offlineLoop: drainAgainLoop } }],
  }],
});

test('offlineLoop hook: v5.9 drain-again written as a patch turns the seed-002 race on no-redrain into a finished offline (one thread, by hand)', () => {
  // offline.test.ts's racedOffline: a free of frame 12 commits to CPU 0's pcp list right after the isolation.
  const m = createMemory({ ...DEFAULT_MEM, pages: 32, pagesPerBlock: 8, cpus: 2, tasks: 2, mms: 1, ptesPerMm: 4 });
  for (let b = 0; b < m.L.nBlocks; b++) Atomics.store(m.w, m.L.blocks + b, MIGRATE_MOVABLE);
  initZone(m, SMALL_PCP);
  const freer = makeTask(m, 0, { cpu: 0 });
  const hooks = patch.extend[0].variants[0].hooks;
  const off = makeTask(m, 1, { cpu: 1, allocator: { isolateDrain: isolateDrainFor('no-redrain') }, hooks });
  for (let p = 0; p < 16; p++) assert.equal(freer.alloc.allocPage(), p);
  for (let p = 8; p < 16; p++) if (p !== 12) freer.pg.putPage(p);
  Atomics.store(m.w, m.L.pages + 12 * PAGE_WORDS + PF_REF, 0);
  assert.ok(freer.alloc.freeUnrefPagePrepare(12));
  const hp = makeMemoryHotplug(off, makeTlb(m, 1), { variant: 'no-redrain', moveMapping: 'check-under-lock', allocOrder: 'before-lock', afterIsolate: () => freer.alloc.freeUnrefPageCommit(12) });
  const checks: number[] = [];
  const r = hp.offlinePages(8, 16, (i) => i >= 50, (n) => checks.push(n));
  assert.equal(r.ok, true, 'the built-in no-redrain never finishes this round (offline.test.ts)');
  assert.deepEqual(checks, [1, 0], 'one failed check, the hook drains, then it passes');
  assert.deepEqual(auditConservation(m), []);
});

test('offlineLoop and migrateRetry hooks from a patch file run in the workers of a real run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pagestorm-seams-'));
  const file = join(dir, 'seams.mjs');
  writeFileSync(file, `export default {
  extend: [
    { scenario: 'offline-pcp-race', variants: [{ name: 'drain-again-hook', base: 'no-redrain', kernel: 'v5.9 968318261221 (as a patch)', description: 'd',
      hooks: { offlineLoop: ${drainAgainLoop.toString()} } }] },
    { scenario: 'migration-entry-wait', variants: [{ name: 'one-pass', base: 'wait-locked', kernel: 'example: give up after the first pass', description: 'd',
      hooks: { migrateRetry(task, pass, pending) { return pass === 0 ? ${RETRY_TRY} : ${RETRY_STOP}; } } }] },
  ],
};\n`);
  const off = await runScenario('offline-pcp-race', { variant: 'drain-again-hook', patches: [file], durationS: 1.5, warmupS: 0.2, seed: 3, params: { 'idle-ms': 10 } });
  assert.equal(off.error, undefined, off.error);
  assert.deepEqual(off.forbidden, [], JSON.stringify(off.forbidden));
  assert.equal(off.knownBuggy, false, 'a patch variant is not a control unless it says so');
  assert.ok(off.counters.offlineFinished > 30, `${off.counters.offlineFinished} rounds finished`);
  assert.equal(off.counters.offlineTimedOut, 0);
  const one = await runScenario('migration-entry-wait', { variant: 'one-pass', patches: [file], durationS: 0.6, warmupS: 0.2, params: { faulters: 1 } });
  assert.equal(one.error, undefined, one.error);
  assert.ok(one.counters.migratePages > 50);
  for (let k = 2; k <= 10; k++) assert.equal(one.counters[`eagain${k}`], 0, `no pass ${k}`);
  assert.ok(one.counters.migrateAttempts <= one.counters.migratePages, 'one attempt per page at most');
});

test('a patch variant is graded like a built-in: a known-buggy hook that forgets put_page() is caught (exit 3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pagestorm-seams-'));
  const file = join(dir, 'leak.mjs');
  writeFileSync(file, `export default { extend: [{ scenario: 'migration-entry-wait', variants: [{ name: 'leaky', base: 'put-and-wait', knownBuggy: true,
  kernel: 'control: __migration_entry_wait() without its put_page()', description: 'leaks the reference it took', hooks: { migrationEntryWait(task, pfn, t0) { return -1; } } }] }] };\n`);
  const r = spawnSync(process.execPath, [new URL('../src/cli.js', import.meta.url).pathname, 'run', 'migration-entry-wait', '--patch', file, '--variant', 'leaky', '--faulters', '1', '--duration', '0.5', '--warmup', '0.1', '--json'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 3, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.knownBuggy, true);
  assert.match(doc.forbidden.find((f: { kind: string }) => f.kind === 'invariant')?.detail ?? '', /refcount \d+, holders 1/);
});
