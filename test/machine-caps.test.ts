// Role counts are capped by the machine (cores, SharedArrayBuffer, memory), not constants; the env block records affinity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { checkMachineCaps } from '../src/run/machine-caps.js';
import { InputError, defaultParams } from '../src/run/params.js';
import { SCENARIOS } from '../src/scenarios/index.js';
import { runEnv } from '../src/run/env.js';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const mew = SCENARIOS.find((s) => s.name === 'migration-entry-wait')!;
const GiB = 2 ** 30;

test('no role-count parameter keeps a constant max', () => {
  for (const sc of SCENARIOS) for (const p of sc.params.filter((x) => x.role)) assert.equal(p.max, undefined, `${sc.name} --${p.flag}`);
  assert.ok(SCENARIOS.flatMap((s) => s.params).filter((p) => p.role).length >= 10);
});

test('threads past 2x the cores are refused unless oversubscribed; the message names the limit and why', () => {
  const p = { ...defaultParams(mew), faulters: 100, migrators: 16 };
  const big = { cores: 256, memoryBytes: 512 * GiB, memorySource: 'total' as const };
  assert.equal(checkMachineCaps(mew, p, 'wait-locked', { limits: big }), 116);
  const small = { cores: 16, memoryBytes: 64 * GiB, memorySource: 'total' as const };
  assert.throws(() => checkMachineCaps(mew, p, 'wait-locked', { limits: small }), (e: Error) => e instanceof InputError && /116 role threads.*16 core\(s\).*past 32 \(2x\).*--oversubscribe/.test(e.message));
  assert.equal(checkMachineCaps(mew, p, 'wait-locked', { limits: small, oversubscribe: true }), 116);
});

test('memory bounds the threads even when oversubscribed (a container limit is named as such)', () => {
  const p = { ...defaultParams(mew), faulters: 200 };
  const tiny = { cores: 2, memoryBytes: 2 * GiB, memorySource: 'cgroup' as const };
  assert.throws(() => checkMachineCaps(mew, p, 'wait-locked', { limits: tiny, oversubscribe: true }), /201 threads x 32 MB\), over half of this machine's 2048 MB \(the container's cgroup limit\)/);
});

test('the CLI exits 2 naming the limit; env records the affinity list and the cores', () => {
  const r = spawnSync(process.execPath, [CLI, 'run', 'migration-entry-wait', '--variant', 'wait-locked', '--faulters', '999', '--duration', '0.1'], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /1000 role threads/);
  const env = runEnv();
  assert.match(env.cpusAllowed ?? '', /^[0-9,-]+$/);
  assert.ok(env.cores >= 1 && env.onlineCpus! >= env.cores);
  assert.equal(typeof env.machine, 'string');
});
