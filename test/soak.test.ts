// What survives what: a kill -9 mid-soak or mid-run leaves the latest snapshot (valid JSON, complete:
// false, the intervals and forbidden outcomes so far); bad output paths fail before any role starts;
// a crashed role is named with its stack; a soak can stop at its first forbidden outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
const tmp = () => mkdtempSync(join(tmpdir(), 'pagestorm-soak-'));
const CONTROL = ['reclaim-lost-wakeup', '--variant', 'nonatomic-clear+put-and-wait'];

/** Polls until check() holds (or the child exits), every 100 ms, at most limitMs. */
async function until(child: ChildProcess, check: () => boolean, limitMs: number): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (child.exitCode !== null) throw new Error(`the child exited (${child.exitCode}) before the condition held`);
    if (Date.now() - t0 > limitMs) throw new Error(`the condition did not hold within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function readJson(file: string): { complete?: boolean; intervals?: unknown[]; forbidden?: { kind: string; detail: string }[]; counters?: Record<string, number> } | undefined {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return undefined; }
}

async function killed(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
}

test('kill -9 mid-soak: --out is valid JSON with the intervals so far, complete: false', async () => {
  const out = join(tmp(), 'soak.json');
  const child = spawn(process.execPath, [CLI, 'soak', 'migration-entry-wait', '--variant', 'put-and-wait', '--faulters', '1', '--duration', '60', '--interval', '0.4', '--warmup', '0.1', '--out', out], { stdio: 'ignore' });
  await until(child, () => (readJson(out)?.intervals?.length ?? 0) >= 3, 30_000);
  await killed(child);
  const doc = readJson(out);
  assert.ok(doc, 'the snapshot is not valid JSON');
  assert.equal(doc.complete, false);
  assert.ok((doc.intervals?.length ?? 0) >= 3);
  assert.ok((doc.counters?.migratePages ?? 0) > 0, 'the snapshot holds the counters so far');
  assert.deepEqual(doc.forbidden, []);
});

test('a forbidden outcome is on stderr and in the snapshot at once; kill -9 keeps it', async () => {
  const out = join(tmp(), 'soak.json');
  const child = spawn(process.execPath, [CLI, 'soak', ...CONTROL, '--duration', '60', '--interval', '0.5', '--warmup', '0', '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  await until(child, () => /FORBIDDEN lost-wakeup first seen at \d+ ms/.test(stderr) && (readJson(out)?.forbidden ?? []).some((f) => f.kind === 'lost-wakeup'), 30_000);
  await killed(child);
  const doc = readJson(out)!;
  assert.equal(doc.complete, false);
  const f = doc.forbidden!.find((x) => x.kind === 'lost-wakeup')!;
  assert.match(f.detail, /\S/, 'the first occurrence carries its detail');
});

test('--stop-on-forbidden ends the soak at the first forbidden outcome, exit 3, complete document', () => {
  const out = join(tmp(), 'soak.json');
  const t0 = Date.now();
  const r = cli(['soak', ...CONTROL, '--duration', '60', '--interval', '0.5', '--warmup', '0', '--stop-on-forbidden', '--out', out]);
  assert.equal(r.status, 3, r.stderr);
  assert.ok(Date.now() - t0 < 30_000, 'the soak went on');
  const doc = readJson(out)!;
  assert.equal(doc.complete, true);
  assert.ok(doc.forbidden!.some((x) => x.kind === 'lost-wakeup'));
});

test('kill -9 mid-run: --out holds a snapshot of the run so far', async () => {
  const out = join(tmp(), 'run.json');
  const child = spawn(process.execPath, [CLI, 'run', 'migration-entry-wait', '--variant', 'put-and-wait', '--faulters', '1', '--duration', '60', '--interval', '0.3', '--warmup', '0.1', '--out', out], { stdio: 'ignore' });
  await until(child, () => (readJson(out)?.counters?.migratePages ?? 0) > 0, 30_000);
  await killed(child);
  const doc = readJson(out)!;
  assert.equal(doc.complete, false);
});

for (const [flag, path, why] of [
  ['--out', '/etc/hostname/x.json', /\/etc\/hostname is not a directory/],
  ['--out', '/proc/nope/x.json', /cannot be written/],
  ['--html', '/proc/nope/x.html', /cannot be written/],
  ['--log', '/etc/hostname/s.hlog', /not a directory/],
] as [string, string, RegExp][]) {
  test(`a bad ${flag} path (${path}) exits 2 before any role starts`, () => {
    const t0 = Date.now();
    const cmd = flag === '--log' ? 'soak' : 'run';
    const r = cli([cmd, 'migration-entry-wait', '--variant', 'put-and-wait', '--duration', '30', flag, path]);
    assert.equal(r.status, 2, `stdout ${r.stdout} stderr ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${flag} "${path.replace(/\//g, '\\/')}"`));
    assert.match(r.stderr, why);
    assert.ok(Date.now() - t0 < 15_000, 'the run was measured before the path was checked');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'a raw stack trace');
  });
}

test('a role that crashes mid-soak is named with its stack; the snapshot stays; exit 1', () => {
  const out = join(tmp(), 'soak.json');
  const r = cli(['soak', 'migration-entry-wait', '--variant', 'put-and-wait', '--faulters', '1', '--duration', '20', '--interval', '0.3', '--warmup', '0.1', '--out', out],
    { PAGESTORM_INJECT_CRASH: 'faulter@1500' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /role faulter \(task \d+\) crashed:\nError: injected crash of role faulter/);
  const doc = readJson(out) as { crashed?: { role: string; stack: string }; intervals?: unknown[]; error?: string };
  assert.equal(doc.crashed?.role, 'faulter');
  assert.match(doc.crashed?.stack ?? '', /at .*context\.js/);
  assert.ok((doc.intervals?.length ?? 0) >= 2, 'the intervals before the crash are kept');
  assert.ok(existsSync(out));
});

test('twelve runs in one process add no abort listeners: no MaxListenersExceededWarning', () => {
  const r = cli(['compare', 'migration-entry-wait', '--variants', 'put-and-wait,put-and-wait', '--repeat', '6', '--duration', '0.1', '--warmup', '0', '--faulters', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /MaxListenersExceededWarning/);
});
