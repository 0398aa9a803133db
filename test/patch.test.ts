// The example patches end to end, through the package's own name: each is compared with a built-in
// variant (or its own scenario's other variant), results record the patch and the kernel string,
// patch counters/histograms/rates are reported like built-in ones, and list marks patch variants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runScenario, listScenarios, type RunResult } from 'pagestorm';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
const example = (name: string): string => fileURLToPath(new URL(`../../examples/patches/${name}`, import.meta.url));
const BOUNDED = example('bounded-wait.mjs');
const PEEK = example('pinned-peek.ts');
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
// As in migration-entry-wait.test: a migrator preempted inside its window lets the race show on a busy 2-core machine.
const MEW = { faulters: 1, 'migrate-preempt-prob': 0.3, 'migrate-preempt-us': 200 };

function clean(r: RunResult): void {
  assert.equal(r.error, undefined, r.error);
  assert.deepEqual(r.forbidden, [], `${r.variant}: ${JSON.stringify(r.forbidden)}`);
  assert.equal(r.quiescence.checked, true);
  assert.deepEqual(r.quiescence.violations, []);
}

test('bounded-wait.mjs (a migrationEntryWait hook) beats the built-in wait-locked on migrationSuccess, with its own counter, histogram and rate', async () => {
  const o = { params: MEW, patches: [BOUNDED], durationS: 1.2, warmupS: 0.3, seed: 1 };
  const a = await runScenario('migration-entry-wait', { ...o, variant: 'wait-locked' });
  const b = await runScenario('migration-entry-wait', { ...o, variant: 'bounded-wait' });
  for (const r of [a, b]) {
    clean(r);
    assert.ok(r.rates.migrationSuccess.trials > 100, `${r.variant}: ${r.rates.migrationSuccess.trials} migrations`);
    assert.deepEqual(r.patches, [{ path: BOUNDED, sha256: sha(BOUNDED) }]);
    assert.ok('boundedGaveUp' in r.counters, 'the patch counter is reported with the built-in ones');
  }
  assert.match(a.kernel ?? '', /^v4\.19 __migration_entry_wait/);
  assert.match(b.kernel ?? '', /^RFC \(example\)/);
  const [sa, sb] = [a.rates.migrationSuccess.rate, b.rates.migrationSuccess.rate];
  assert.ok(sb - sa > 0.3, `wait-locked ${sa} vs bounded-wait ${sb}`);
  assert.ok(b.derived.eagainPerMigration < a.derived.eagainPerMigration / 5, `EAGAIN per migration ${a.derived.eagainPerMigration} vs ${b.derived.eagainPerMigration}`);
  // The hook ran in the faulter's worker: its counter moved, its histogram filled, its rate is there.
  assert.equal(a.counters.boundedGaveUp, 0);
  assert.ok(b.histograms.boundedSpins.count > 0, 'boundedSpins recorded');
  assert.equal(b.histograms.boundedSpins.unit, 'count');
  assert.equal(b.rates.boundedGiveUp.trials, b.counters.waitsOnLocked);
  assert.equal(b.rates.boundedGiveUp.successes, b.counters.boundedGaveUp);
  assert.ok(b.histograms.refHold.p50 < a.histograms.refHold.p50, 'the hook drops its reference before waiting');
});

test('pinned-peek.ts (a .ts scenario with its own role, loaded without a build step): held peeks cost the migrator, brief ones far less', async () => {
  const o = { patches: [PEEK], durationS: 1, warmupS: 0.3, seed: 2 };
  const brief = await runScenario('pinned-peek', { ...o, variant: 'brief' });
  const held = await runScenario('pinned-peek', { ...o, variant: 'held' });
  for (const r of [brief, held]) {
    clean(r);
    assert.ok(r.counters.peeks > 100, `${r.variant}: ${r.counters.peeks} peeks by the patch's own role`);
    assert.ok(r.histograms.peekHold.count > 0);
    assert.ok(r.rates.migrationSuccess.trials > 100);
    assert.equal(r.patches?.[0].sha256, sha(PEEK));
  }
  // Busy-wait costs are calibrated per thread; on a loaded machine they run short, so a ratio, not ns.
  assert.ok(held.histograms.peekHold.p50 > 3 * brief.histograms.peekHold.p50, `held peeks ${held.histograms.peekHold.p50} ns vs brief ${brief.histograms.peekHold.p50} ns`);
  assert.ok(brief.rates.migrationSuccess.rate - held.rates.migrationSuccess.rate > 0.15, `brief ${brief.rates.migrationSuccess.rate} vs held ${held.rates.migrationSuccess.rate}`);
  assert.ok(held.derived.eagainPerMigration > brief.derived.eagainPerMigration);
});

test('pagestorm compare --patch gives the same report for a patch variant as for built-ins', () => {
  const r = cli('compare', 'migration-entry-wait', '--patch', BOUNDED, '--variants', 'put-and-wait,bounded-wait', '--repeat', '1', '--duration', '0.4', '--warmup', '0.1', '--faulters', '1', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.variants, ['put-and-wait', 'bounded-wait']);
  const metrics = doc.rows.map((x: { metric: string }) => x.metric);
  for (const m of ['migrationSuccess', 'boundedGiveUp', 'eagainPerMigration']) assert.ok(metrics.includes(m), `row ${m} in ${metrics}`);
  assert.equal(doc.runs['bounded-wait'][0].patches[0].path, BOUNDED);
  assert.equal(doc.runs['put-and-wait'][0].counters.boundedGaveUp, 0);
});

test('list --patch shows patch variants beside the built-ins, marked with the file; listScenarios too', async () => {
  const r = cli('list', 'migration-entry-wait', '--patch', BOUNDED);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\n {4}wait-locked(?:\n {6}[^\n]+)+\n {4}put-and-wait(?:\n {6}[^\n]+)+\n {4}bounded-wait {2}\[patch .*bounded-wait\.mjs, on put-and-wait\]\n {6}RFC \(example\)/);
  const j = cli('list', '--json', '--patch', BOUNDED, '--patch', PEEK);
  assert.equal(j.status, 0, j.stderr);
  const list = JSON.parse(j.stdout) as { name: string; variants: { name: string; patch?: string }[] }[];
  assert.equal(list.find((s) => s.name === 'pinned-peek')?.variants[0].patch, PEEK);
  const all = await listScenarios({ patches: [PEEK] });
  assert.deepEqual(all.find((s) => s.name === 'pinned-peek')?.variants.map((v) => v.name), ['brief', 'held']);
  assert.equal(all.find((s) => s.name === 'migration-entry-wait')?.variants.length, 2);
});
