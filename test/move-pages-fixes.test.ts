// The 2024-2026 proposals for the move-pages-race (kernel-model-v6.md §2.3, §2.5), as the in-tree
// patch files load them: each runs clean; R8 the reorder takes no none-PTE fault and never fails;
// R4 the unmap-stage refcount check fails less than mainline; R5/R6 the caller's retries; R9 the
// refcount wait rescues a transient pin and turns the shmem reader's fast failure into a 1 s one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnce } from '../src/run/run-once.js';
import { defaultParams } from '../src/run/params.js';
import { loadRegistry } from '../src/patch/registry.js';
import type { RunResult } from '../src/report/schema.js';
import type { Scenario } from '../src/scenarios/types.js';
import { NARROW_WINDOW } from '../src/scenarios/move-pages-race.js';

const PROPOSALS = ['refcheck-unmap', 'move-backoff-if-waiters', 'backoff-asap', 'undo-all-retry', 'caller-retry-7', 'caller-retry-100', 'clear-set-flush', 'xchg-to-entry'];

let sc: Scenario;
const scenario = async (): Promise<Scenario> => (sc ??= (await loadRegistry([])).find('move-pages-race')!);
const run = async (variant: string, over: Record<string, string | number>, durationS = 1, seed = 1, warmupS = 0.3): Promise<RunResult> => {
  const s = await scenario();
  return runOnce(s, variant, { ...defaultParams(s), ...over }, { durationS, warmupS, seed });
};
const failRate = (r: RunResult): number => r.counters.movePagesFailed / r.counters.movePagesCalls;
const clean = (r: RunResult): void => {
  assert.equal(r.error, undefined, `${r.variant}: ${r.error}`);
  assert.deepEqual(r.forbidden, [], `${r.variant}: ${JSON.stringify(r.forbidden)}`);
  assert.deepEqual(r.quiescence.violations, [], `${r.variant}: ${JSON.stringify(r.quiescence.violations)}`);
};

test('every proposal is listed as an in-tree patch variant of move-pages-race', async () => {
  const names = (await scenario()).variants.map((v) => v.name);
  for (const p of [...PROPOSALS, 'refcount-wait']) assert.ok(names.includes(p), `${p} missing from ${names.join(', ')}`);
});

test('every proposal runs clean under the eager flush (shared anon), and R8: the reorders never fail nor fault on a none PTE', async () => {
  for (const v of PROPOSALS) {
    const r = await run(v, { tlbFlush: 'eager' }, 0.8);
    clean(r);
    assert.ok(r.counters.movePagesCalls > 100, `${v}: only ${r.counters.movePagesCalls} calls`);
    if (v === 'clear-set-flush' || v === 'xchg-to-entry') {
      assert.equal(r.counters.movePagesFailed, 0, `${v}: ${r.counters.movePagesFailed} failed calls`);
      assert.equal(r.counters.noneFaults, 0, `${v}: a reader met a none PTE`);
    }
  }
});

test('R8 under the deferred flush: no write lands through the stale translation the reorder keeps valid', async () => {
  for (const v of ['clear-set-flush', 'xchg-to-entry']) {
    const r = await run(v, { tlbFlush: 'deferred', readers: 2 }, 0.8);
    clean(r);
    assert.ok(r.counters.tlbBatchFlushes > 0);
  }
});

// R6 as the thread states it ("passes") does not hold in the model: failures come in bursts (runs of
// 100+ consecutive failures occur, results/README.md), so the test asserts the direction: iterations
// of the 100-failure caller fail far more rarely than calls do.
test('R6/R5 (narrow window): a caller retrying up to 100 failures, or 7, fails far fewer iterations than calls fail', async () => {
  const r100 = await run('caller-retry-100', NARROW_WINDOW);
  clean(r100);
  assert.ok(r100.counters.movePagesFailed > 0, 'no call failed: the retries were never exercised');
  const iter100 = r100.counters.selftestFailures / r100.counters.selftestIterations;
  assert.ok(iter100 * 20 < failRate(r100), `100-failure caller: iterations fail ${iter100}, calls fail ${failRate(r100)}`);
  const r7 = await run('caller-retry-7', NARROW_WINDOW);
  assert.ok(r7.counters.movePagesFailed > 0, 'no call failed: the retries were never exercised');
  clean(r7);
  const iterFail = r7.counters.selftestFailures / r7.counters.selftestIterations;
  assert.ok(iterFail * 3 < failRate(r7), `iterations fail ${iterFail}, calls fail ${failRate(r7)}`);
});

// R4 in the model: (a) alone moves the narrow window's mean from ~320 to ~540 calls per failure (not
// significant at 6 runs); with the retry macros x3 from ~260 to ~1240 (p 0.006): the x3 form is asserted.
test('R4: with the retry macros x3, the unmap-stage refcount check fails far fewer calls than mainline (narrow window)', async () => {
  const over = { ...NARROW_WINDOW, retryScale: 3 };
  const pooled = async (v: string): Promise<{ calls: number; failed: number; backoffs: number }> => {
    const rs = [await run(v, over, 1.5, 7), await run(v, over, 1.5, 8)];
    rs.forEach(clean);
    return { calls: rs.reduce((a, r) => a + r.counters.movePagesCalls, 0), failed: rs.reduce((a, r) => a + r.counters.movePagesFailed, 0), backoffs: rs.reduce((a, r) => a + r.counters.unmapBackoffs, 0) };
  };
  const a = await pooled('mainline');
  const b = await pooled('refcheck-unmap');
  assert.ok(b.backoffs > 0, 'the refcount check never fired');
  assert.ok(a.failed > 0, 'mainline never failed: the test proved nothing');
  assert.ok((b.failed / b.calls) * 1.5 < a.failed / a.calls, `refcheck-unmap x3 ${b.failed}/${b.calls} vs mainline x3 ${a.failed}/${a.calls}`);
});

test('R9: the refcount wait rescues moves a transient pin would fail, and times out (1 s) against the shmem reader', async () => {
  const pinned = { mapping: 'private-anon', pinners: 1, tlbFlush: 'deferred' };
  const a = await run('mainline', pinned);
  const b = await run('refcount-wait', pinned);
  clean(b);
  assert.ok(a.counters.movePagesFailed > 0, 'the pinner never made mainline fail: the test proved nothing');
  assert.ok(b.counters.refWaits > 0 && b.counters.varWakeups > 0, 'no wait was woken by a folio_put');
  assert.ok(failRate(b) * 5 < failRate(a), `refcount-wait ${failRate(b)} vs mainline ${failRate(a)}`);
  assert.equal(b.counters.keyToggles, 2 * b.counters.movePagesCalls, 'the key is toggled on entry and return of every call');
  // No warm-up: the first call already sleeps 1 s per move pass, and a call in flight when measuring starts counts to the warm-up.
  const r = await run('refcount-wait', { tlbFlush: 'eager' }, 2.5, 1, 0);
  clean(r);
  assert.ok(r.counters.refWaitTimeouts >= 1, 'no wait timed out against the reader sleeping on the folio lock');
  assert.ok(r.histograms.refWait.max >= 0.95e9, `longest wait ${r.histograms.refWait.max} ns < 1 s`);
});
