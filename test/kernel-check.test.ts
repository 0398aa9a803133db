// kernel-check end to end on real Debian kernels under QEMU (TCG here): both kernels booted for
// shared-anon, private-anon and offline-refault, the results parsed into run-shaped documents,
// pgmigrate_* consistent with the calls, private-anon without failures, every offline finished on a
// block holding the faulters' pages; a one-node guest, a boot timeout and SIGTERM each leave no QEMU
// behind. Skipped where QEMU or gcc is missing, unless PAGESTORM_REQUIRE_QEMU=1 (CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveKernel } from '../src/kernel-check/kernels.js';
import type { OfflineTrial } from '../src/kernel-check/offline-refault-workload.js';
import { kernelCheckSkipReason, kernelLabel, runKernelCheck, debianCloudKernel, type KernelCheckResult, type KernelRunResult } from '../src/kernel-check/index.js';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const reason = kernelCheckSkipReason();
if (reason && process.env.PAGESTORM_REQUIRE_QEMU === '1') throw new Error(`PAGESTORM_REQUIRE_QEMU=1 but ${reason}`);
const skip = reason ?? false;
const K61 = debianCloudKernel('6.1');
const K612 = debianCloudKernel('6.12');
const SHORT = ['--readers', '1', '--duration', '1.5', '--trials', '2', '--repeat', '1'];

/** pgrep for QEMU started by process `pid` (its guest argv carries --host-pid). */
const qemuOf = (pid: number): string => spawnSync('pgrep', ['-f', `qemu-system-x86_64 .*--host-pid ${pid}$`], { encoding: 'utf8' }).stdout.trim();

function assertRunShaped(r: KernelRunResult, mapping: string): void {
  for (const k of ['scenario', 'variant', 'startedAt'] as const) assert.equal(typeof r[k], 'string', k);
  for (const k of ['counters', 'derived', 'rates', 'histograms', 'params', 'memConfig', 'env'] as const) assert.equal(typeof r[k], 'object', k);
  assert.equal(r.params.mapping, mapping);
  assert.ok(r.env.guestRelease.length > 0 && /^Linux version /.test(r.env.guestVersion), 'uname -r and /proc/version');
  assert.match(r.env.qemuCommand, /qemu-system-x86_64 .*-numa node,nodeid=1/);
  assert.ok(r.env.accel === 'tcg' || r.env.accel === 'kvm');
  assert.equal(r.env.guestNodes, 2);
  assert.equal(r.trials.length, 2);
  const rate = r.rates.movePagesSuccess;
  assert.equal(rate.trials, r.counters.calls);
  assert.ok(rate.trials > 0, 'move_pages was called');
  assert.equal(r.counters.failures, r.counters.retPositive + r.counters.retError + r.counters.statusError + r.counters.statusOtherNode);
  for (const t of r.trials) {
    assert.ok(t.pgmigrateSuccess >= t.calls - t.failures, `trial ${t.trial}: pgmigrate_success +${t.pgmigrateSuccess} covers ${t.calls - t.failures} successful calls`);
    assert.ok(t.pgmigrateFail >= t.retPositive, `trial ${t.trial}: pgmigrate_fail covers the ret > 0 calls`);
  }
  assert.ok(r.warnings.some((w) => /^(TCG|KVM)/.test(w)));
}

test('shared-anon on both kernels through the CLI: --json and --out, a compare and a verdict', { skip, timeout: 150_000 }, () => {
  const out = join(mkdtempSync(join(tmpdir(), 'kc-')), 'kc.json');
  const r = spawnSync(process.execPath, [CLI, 'kernel-check', 'move-pages-race', '--kernel', K61, '--kernel', K612, '--mapping', 'shared-anon', ...SHORT, '--json', '--out', out, '--quiet'], { encoding: 'utf8', timeout: 140_000 });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout) as KernelCheckResult;
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), res);
  assert.deepEqual(res.order, [kernelLabel(K61), kernelLabel(K612)]);
  assert.deepEqual(res.labels.map((l) => res.kernels[l].kernelSpec), [K61, K612]);
  for (const l of res.labels) assertRunShaped(res.kernels[l] as KernelRunResult, 'shared-anon');
  assert.equal(res.comparison?.rows[0].metric, 'movePagesSuccess');
  assert.equal(res.comparison?.rows[0].role, 'primary');
  assert.ok(res.verdict);
  console.log(res.labels.map((l) => `${res.kernels[l].env.guestRelease}: ${res.kernels[l].counters.failures}/${res.kernels[l].counters.calls} failed`).join('; '));
});

test('private-anon on both kernels: no failures (do_anonymous_page rechecks the PTE)', { skip, timeout: 150_000 }, async () => {
  const res = await runKernelCheck({ workload: 'move-pages-race', kernels: [K61, K612], mapping: 'private-anon', readers: 1, durationS: 1.5, trials: 2, repeat: 1, vcpus: 4, memMiB: 512, accel: 'auto', bootTimeoutS: 120 });
  for (const l of res.labels) {
    assertRunShaped(res.kernels[l] as KernelRunResult, 'private-anon');
    assert.equal(res.kernels[l].counters.failures, 0, `${l}: private-anon failed calls`);
  }
});

test('offline-refault on both kernels: every offline of the pc-dimm block holding the faulters\' pages finishes, pgmigrate covers them', { skip, timeout: 150_000 }, async () => {
  const res = await runKernelCheck({ workload: 'offline-refault', kernels: [K61, K612], mapping: 'shared-anon', readers: 0, faulters: 3, pages: 256, offlineTimeoutS: 20, durationS: 1.5, trials: 2, repeat: 1, vcpus: 4, memMiB: 512, accel: 'auto', bootTimeoutS: 120 });
  assert.equal(res.comparison?.rows[0].metric, 'offlineCompletion');
  for (const l of res.labels) {
    const r = res.kernels[l] as KernelRunResult<OfflineTrial>;
    assert.equal(r.env.guestNodes, 2);
    assert.match(r.env.qemuCommand, /pc-dimm,id=dimm1,memdev=d1,node=1 .*memhp_default_state=online_movable/);
    assert.equal(r.trials.length, 2);
    for (const t of r.trials) {
      assert.ok(t.rounds > 0, `${l} trial ${t.trial}: a round ran`);
      assert.equal(t.finished, t.rounds, `${l} trial ${t.trial}: every offline finished (${t.timedOut} timed out, ${t.failed} failed, errno ${t.lastErrno})`);
      // The placement the probe lacked on 6.12: each round's block holds the region (not an empty block).
      assert.equal(t.roundsWithPages, t.rounds, `${l} trial ${t.trial}: every offlined block held the faulters' pages`);
      assert.ok(t.pagesInBlock >= (t.rounds * 256) / 2, `${l} trial ${t.trial}: ${t.pagesInBlock} pages in ${t.rounds} rounds' blocks`);
      assert.ok(t.pgmigrateSuccess >= t.pagesFinished, `${l} trial ${t.trial}: pgmigrate_success +${t.pgmigrateSuccess} covers the ${t.pagesFinished} pages offlined`);
      assert.ok(t.touches > 0, 'the faulters ran');
    }
    assert.equal(r.rates.offlineCompletion.rate, 1);
    assert.equal(r.histograms.offline.count, r.counters.finished);
    // Only the accelerator's note, and a TCG boot crash that was booted again: no placement or vmstat warning.
    assert.deepEqual(r.warnings.filter((w) => !/^(TCG|KVM)|crashed before the workload started/.test(w)), []);
  }
});

test('three --kernel values through the CLI: mirrored order, each judged against the first (a repeated kernel gets a mark)', { skip, timeout: 150_000 }, () => {
  const r = spawnSync(process.execPath, [CLI, 'kernel-check', 'offline-refault', '--kernel', K61, '--kernel', K612, '--kernel', K61, '--faulters', '0', '--duration', '1', '--trials', '1', '--repeat', '1', '--json', '--quiet'], { encoding: 'utf8', timeout: 140_000 });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout) as KernelCheckResult;
  const [a, b] = [kernelLabel(K61), kernelLabel(K612)];
  assert.deepEqual(res.labels, [a, b, `${a}′`]);
  assert.deepEqual(res.order, res.labels);
  assert.deepEqual(res.comparisons?.map((c) => [c.baseline, c.label]), [[a, b], [a, `${a}′`]]);
  assert.equal(res.comparison, undefined, 'the two-kernel fields stay for two kernels');
  for (const l of res.labels) assert.ok((res.kernels[l].counters.rounds ?? 0) > 0, `${l} offlined`);
});

test('a guest with one node (a path --kernel), and a boot timeout: exit 2 with the reason, no QEMU left', { skip, timeout: 120_000 }, () => {
  const image = resolveKernel(K612).path; // a path --kernel, as for one's own bzImage
  const one = spawnSync(process.execPath, [CLI, 'kernel-check', 'move-pages-race', '--kernel', image, '--append', 'numa=off', ...SHORT], { encoding: 'utf8', timeout: 100_000 });
  assert.equal(one.status, 2, one.stderr);
  assert.match(one.stderr, /the guest sees 1 NUMA node\(s\), the workload needs two; build the kernel with CONFIG_NUMA=y/);
  const slow = spawnSync(process.execPath, [CLI, 'kernel-check', 'move-pages-race', '--kernel', K612, '--boot-timeout', '1', ...SHORT], { encoding: 'utf8', timeout: 100_000 });
  assert.equal(slow.status, 2, slow.stderr);
  assert.match(slow.stderr, /did not boot to the workload within 1 s; last console lines:\n {2}\| /);
  assert.equal(qemuOf(one.pid!), '');
  assert.equal(qemuOf(slow.pid!), '');
});

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  test(`${sig} while the guest runs ends its QEMU`, { skip, timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [CLI, 'kernel-check', 'move-pages-race', '--kernel', K612, '--duration', '30', '--trials', '1', '--console'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const started = new Promise<void>((resolve) => child.stderr.on('data', (b: Buffer) => { err += b; if (err.includes('PAGESTORM-ENV')) resolve(); }));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await Promise.race([started, exited]);
    assert.notEqual(qemuOf(child.pid!), '', `QEMU runs: ${err.slice(-500)}`);
    child.kill(sig);
    const code = await exited;
    assert.equal(code, sig === 'SIGTERM' ? 143 : 130, err.slice(-500));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(qemuOf(child.pid!), '', 'no QEMU left');
  });
}
