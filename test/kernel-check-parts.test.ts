// kernel-check's parts without QEMU: the newc archive, the console protocol, the vmstat consistency
// check, the model's flush mode per release, the QEMU command line, and every missing-part error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newcArchive, initramfsFor, CHAR } from '../src/kernel-check/cpio.js';
import { parseConsole } from '../src/kernel-check/console-parse.js';
import { counterMismatches } from '../src/kernel-check/move-pages-workload.js';
import { summariseValues } from '../src/kernel-check/guest-workload.js';
import { tlbFlushFor } from '../src/kernel-check/model-twin.js';
import { qemuArgs, shellLine } from '../src/kernel-check/qemu-args.js';
import { missingConfig } from '../src/kernel-check/kernels.js';
import { which } from '../src/kernel-check/tools.js';
import { kernelLabel, WORKLOADS } from '../src/kernel-check/check.js';
import { compareKernels, distinctLabels, mirrorOrder } from '../src/kernel-check/kernel-compare.js';
import { rateMetric } from '../src/report/compare.js';
import { offlineMismatches, offlineRefaultWorkload, refaultVariantFor, type OfflineTrial } from '../src/kernel-check/offline-refault-workload.js';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;

test('newc: headers are 110 bytes of "070701" + 13 hex fields, names and bodies 4-aligned, a trailer last', () => {
  const a = newcArchive([{ name: 'init', mode: 0o100755, data: Buffer.from('abcde') }, { name: 'dev/console', mode: CHAR | 0o600, rdev: [5, 1] }]);
  assert.equal(a.subarray(0, 6).toString(), '070701');
  const field = (off: number, i: number) => parseInt(a.subarray(off + 6 + 8 * i, off + 14 + 8 * i).toString(), 16);
  assert.equal(field(0, 1), 0o100755);
  assert.equal(field(0, 6), 5); // filesize
  assert.equal(a.subarray(110, 115).toString(), 'init\0');
  const second = 116 + 8; // header + name padded to 116, the 5-byte body padded to 8
  assert.equal(a.subarray(second, second + 6).toString(), '070701');
  assert.deepEqual([field(second, 9), field(second, 10)], [5, 1]);
  assert.equal(a.length % 4, 0);
  assert.match(a.toString('latin1'), /TRAILER!!!\0/);
  assert.ok(initramfsFor(Buffer.alloc(3)).includes('dev/console\0'));
});

test('the console protocol: markers anywhere in a line, garbled JSON kept aside', () => {
  const p = parseConsole([
    'SeaBIOS', '[ 1.0] x PAGESTORM-ENV {"release":"6.1.0","version":"Linux version 6.1.0","nodes":2,"cpus":4}',
    'PAGESTORM-TRIAL {"trial":0,"calls":10,"failures":1}', 'PAGESTORM-TRIAL {"trial":1,"calls":[1 cut', 'PAGESTORM-DONE',
  ]);
  assert.equal(p.env?.release, '6.1.0');
  assert.equal(p.trials.length, 1);
  assert.equal(p.garbled.length, 1);
  assert.ok(p.done);
  assert.equal(parseConsole(['PAGESTORM-ERROR {"error":"one-node","nodes":1}']).error?.error, 'one-node');
  // A kernel message cut into a marker line (seen: "reboot: Power down" inside the ENV line) is taken out and the line joined with the next.
  const cut = parseConsole(['Booting from ROM..PAGESTORM-ENV {"release":"6.12","version":"Linux version 6.12 (x) #1 ([    2.160677] reboot: Power down', '2026-09-10)","nodes":1,"cpus":4}', 'PAGESTORM-ERROR {"error":"one-node","nodes":1}']);
  assert.equal(cut.env?.nodes, 1);
  assert.equal(cut.env?.version, 'Linux version 6.12 (x) #1 (2026-09-10)');
  assert.equal(cut.error?.error, 'one-node');
  assert.deepEqual(cut.garbled, []);
});

test('pgmigrate deltas must cover the successful calls and the ret > 0 failures', () => {
  const base = { trial: 0, calls: 10, failures: 2, retPositive: 2, retError: 0, statusError: 0, statusOtherNode: 0, callsToFirstFailure: 3, longestFailureRun: 1, lastErrno: 0, lastStatus: 0, seconds: 1 };
  assert.deepEqual(counterMismatches([{ ...base, pgmigrateSuccess: 8, pgmigrateFail: 2 }]), []);
  assert.equal(counterMismatches([{ ...base, pgmigrateSuccess: 7, pgmigrateFail: 1 }]).length, 2);
  assert.deepEqual([summariseValues([3, 1, 2], 'count').p50, summariseValues([], 'count').count], [2, 0]);
});

test('the model twin: eager flush before v6.4 (no TTU_BATCH_FLUSH in migration), deferred after', () => {
  assert.equal(tlbFlushFor('6.1.0-47-cloud-amd64'), 'eager');
  assert.equal(tlbFlushFor('6.12.107+deb12-cloud-amd64'), 'deferred');
  assert.equal(tlbFlushFor('6.4.0'), 'deferred');
  assert.equal(tlbFlushFor('garbage'), undefined);
  assert.equal(kernelLabel('debian:linux-image-6.1.0-47-cloud-amd64-unsigned'), 'debian:6.1.0-47-cloud-amd64');
  assert.equal(kernelLabel('arch/x86/boot/bzImage'), 'arch/x86/boot/bzImage');
});

test('the QEMU line: two nodes, each its own backend and half the vCPUs, the workload after "--"', () => {
  const a = qemuArgs('tcg', { vcpus: 4, memMiB: 512 }, '/k', '/i', ['--mapping', 'shared-anon']);
  const line = shellLine(a);
  assert.match(line, /-accel tcg,thread=multi/);
  assert.match(line, /node,nodeid=0,cpus=0-1,memdev=m0 .*node,nodeid=1,cpus=2-3,memdev=m1/);
  assert.match(line, /-no-reboot/);
  assert.match(line, /'console=ttyS0 panic=-1 quiet -- --mapping shared-anon'/);
  assert.deepEqual(missingConfig('CONFIG_NUMA=y\nCONFIG_MIGRATION=y\n'), ['CONFIG_BLK_DEV_INITRD', 'CONFIG_SERIAL_8250_CONSOLE']);
});

test('offline-refault: a pc-dimm on node 1 onlined Movable, the trial as a compare unit, and what does not hold together', () => {
  const line = shellLine(qemuArgs('tcg', { vcpus: 4, memMiB: 512, dimmMiB: 512 }, '/k', '/i', ['--faulters', '3'], ['memhp_default_state=online_movable']));
  assert.match(line, /-m 512M,slots=1,maxmem=1024M /);
  assert.match(line, /-object memory-backend-ram,id=d1,size=512M -device pc-dimm,id=dimm1,memdev=d1,node=1 /);
  assert.match(line, /'console=ttyS0 panic=-1 quiet memhp_default_state=online_movable -- --faulters 3'/);
  assert.doesNotMatch(shellLine(qemuArgs('tcg', { vcpus: 4, memMiB: 512 }, '/k', '/i', [])), /pc-dimm|slots/);
  const o = { workload: 'offline-refault', kernels: ['/k'], mapping: 'shared-anon', readers: 1, durationS: 2, trials: 3, repeat: 1, vcpus: 4, memMiB: 512, accel: 'tcg' as const, bootTimeoutS: 60 };
  assert.deepEqual(offlineRefaultWorkload.guest(o), { dimmMiB: 512, append: ['memhp_default_state=online_movable'] });
  assert.deepEqual(offlineRefaultWorkload.args({ ...o, faulters: 2, pages: 64 }), ['--mapping', 'shared-anon', '--faulters', '2', '--pages', '64', '--offline-timeout', '5', '--duration', '2', '--trials', '3']);
  const t: OfflineTrial = { trial: 0, rounds: 10, finished: 9, failed: 0, timedOut: 1, onlineFailed: 0, lastErrno: 4, pagesInBlock: 2560, pagesFinished: 2304, roundsWithPages: 10, block: 33, touches: 1000,
    offlineMsSum: 900, offlineMsMax: 300, failedMsSum: 5000, onlineMsSum: 45, onlineMsMax: 10, seconds: 2, pgmigrateSuccess: 2400, pgmigrateFail: 30, offlineMs: [100] };
  const u = offlineRefaultWorkload.trialSummary(t);
  assert.deepEqual(u.rates, { offlineCompletion: { successes: 9, trials: 10 }, migrationSuccess: { successes: 2400, trials: 2430 } });
  assert.equal(u.derived?.msPerOffline, 100);
  assert.equal(u.derived?.migrateFailsPerRound, 3);
  assert.deepEqual(offlineMismatches([t]), []);
  const bad = offlineMismatches([{ ...t, roundsWithPages: 7, pgmigrateSuccess: 2000, onlineFailed: 1 }]);
  assert.equal(bad.length, 3, bad.join('; '));
  assert.match(bad[0], /3 of 10 round\(s\) offlined a block holding none of the faulters' pages/);
  assert.match(bad[1], /pgmigrate_success \+2000 < 2304 pages/);
  const parts = offlineRefaultWorkload.runParts([t, { ...t, trial: 1, rounds: 0, finished: 0, roundsWithPages: 0, pagesInBlock: 0, pagesFinished: 0, offlineMs: [] }]);
  assert.equal(parts.rates.offlineCompletion.rate, 0.9);
  assert.match(parts.warnings.join('\n'), /trial 1: no round ran/);
  assert.equal(refaultVariantFor('4.19.0-27-amd64'), 'wait-locked');
  assert.equal(refaultVariantFor('5.10.0-30-amd64'), 'put-and-wait');
  assert.equal(refaultVariantFor('6.1.0-47-cloud-amd64'), 'on-locked');
  assert.equal(refaultVariantFor('6.12.107+deb12-cloud-amd64'), 'on-locked');
  assert.deepEqual(WORKLOADS, ['move-pages-race', 'offline-refault']);
});

test('several kernels: mirrored boot order (ABBA for two), each judged against the first, primaries Holm-adjusted across them', () => {
  assert.deepEqual(mirrorOrder(['a', 'b'], 3), ['a', 'b', 'b', 'a', 'a', 'b']);
  assert.deepEqual(mirrorOrder(['a', 'b', 'c'], 2), ['a', 'b', 'c', 'c', 'b', 'a']);
  assert.deepEqual(distinctLabels(['x', 'y', 'x', 'x']), ['x', 'y', 'x′', 'x′′']);
  const unit = (ok: number) => ({ counters: {}, rates: { s: { successes: ok, trials: 100 } }, histograms: {} });
  const units = { a: Array.from({ length: 6 }, (_, i) => unit(40 + i)), b: Array.from({ length: 6 }, (_, i) => unit(95 + (i % 3))), c: Array.from({ length: 6 }, (_, i) => unit(41 + i)) };
  const cs = compareKernels([rateMetric('s')], ['a', 'b', 'c'], units, 0.05);
  assert.deepEqual(cs.map((c) => [c.baseline, c.label]), [['a', 'b'], ['a', 'c']]);
  const pb = cs[0].table.rows[0].p!;
  const pc = cs[1].table.rows[0].p!;
  assert.ok(pb < 0.05 && pc > 0.05, `b differs (p ${pb}), c does not (p ${pc})`);
  assert.equal(cs[0].pAdjusted, Math.min(1, 2 * pb), 'Holm: the smallest p times the number of comparisons');
  assert.match(cs[0].verdict, /^b is better than a on s at α 0.05, p .*Holm-adjusted over 2 kernels/);
  assert.match(cs[1].verdict, /^no significant change on s/);
  // One comparison: no adjustment, and the verdict reads as before.
  const one = compareKernels([rateMetric('s')], ['a', 'b'], units, 0.05);
  assert.equal(one[0].pAdjusted, one[0].table.rows[0].p);
  assert.doesNotMatch(one[0].verdict, /Holm/);
});

const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, [CLI, 'kernel-check', ...args], { encoding: 'utf8', timeout: 60_000, env });

test('bad input and missing parts: exit 2 with a message naming the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  const img = join(dir, 'bzImage');
  writeFileSync(img, 'not a kernel');
  const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
    [['move-pages-race'], /needs --kernel/],
    [['no-such', '--kernel', img], /unknown kernel-check workload "no-such"; known: move-pages-race, offline-refault/],
    [['offline-refault', ...Array.from({ length: 7 }, () => ['--kernel', img]).flat()], /--kernel given 7 times: kernel-check compares at most 6 kernels at a time/],
    [['offline-refault', '--kernel', img, '--mapping', 'file'], /--mapping "file": expected one of shared-anon, private-anon/],
    [['offline-refault', '--kernel', img, '--dimm', '200'], /--dimm 200: expected MiB in whole 128 MiB memory blocks, at least two/],
    [['offline-refault', '--kernel', img, '--pages', '20000'], /--pages 20000: expected 1..16384/],
    [['offline-refault', '--kernel', img, '--faulters', '65'], /--faulters 65: expected a whole number 0..64/],
    [['offline-refault', '--kernel', img, '--offline-timeout', '0'], /--offline-timeout/],
    [['move-pages-race', '--kernel', img, '--mapping', 'file'], /--mapping "file": expected one of shared-anon, private-anon/],
    [['move-pages-race', '--kernel', img, '--vcpus', '3'], /--vcpus 3: expected an even number/],
    [['move-pages-race', '--kernel', img, '--accel', 'hvf'], /--accel "hvf"/],
    [['move-pages-race', '--kernel', join(dir, 'nope')], /no such file/],
    [['move-pages-race', '--kernel', dir], /is a directory; give the image, e.g. --kernel .*arch\/x86\/boot\/bzImage/],
    [['move-pages-race', '--kernel', 'debian:Not A Package'], /is not a Debian package name/],
    [['move-pages-race', '--kernel', img], /qemu-system-x86_64 not found on PATH .*apt-get install qemu-system-x86/, { ...process.env, PATH: dir }],
  ];
  for (const [args, pattern, env] of cases) {
    const r = run(args, env);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  const qemu = which('qemu-system-x86_64');
  if (qemu) { // qemu on PATH, gcc not: the workload cannot be built
    const bin = join(dir, 'bin');
    spawnSync('mkdir', [bin]);
    symlinkSync(qemu, join(bin, 'qemu-system-x86_64'));
    const r = run(['move-pages-race', '--kernel', img], { ...process.env, PATH: bin, PAGESTORM_CACHE: join(dir, 'cache') });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /gcc not found on PATH .*apt-get install gcc/);
  }
});
