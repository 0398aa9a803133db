// The job queue end to end with a real redis-server on a free loopback port and two workers as
// separate processes: the local compare's shape, a worker killed mid-block losing nothing, refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { refusalOf, VERSION, type BlockJob } from '../src/queue/job.js';
import { BUILT_IN } from '../src/patch/registry.js';
import type { CompareResult } from '../src/report/schema.js';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const PATCH = new URL('../../examples/patches/bounded-wait.mjs', import.meta.url).pathname;
const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
// CI installs redis-server (.ci/run) and sets this: there a missing server fails the test instead of skipping it.
const skip = !haveRedis && process.env.PAGESTORM_REQUIRE_REDIS !== '1' ? 'redis-server is not installed' : false;
const dir = mkdtempSync(join(tmpdir(), 'pagestorm-queue-'));
const fast = ['--duration', '0.2', '--warmup', '0', '--faulters', '1'];
let redis: ChildProcess | undefined;
let url = '';
const workers = new Map<string, { p: ChildProcess; log: string[] }>();

const freePort = (): Promise<number> => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
});

function startWorker(name: string): void {
  const p = spawn(process.execPath, [CLI, 'worker', '--queue', url, '--lock-ms', '1500'], { env: { ...process.env, PAGESTORM_MACHINE: name }, stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  p.stderr!.setEncoding('utf8').on('data', (s: string) => log.push(...s.split('\n').filter(Boolean)));
  workers.set(name, { p, log });
}

const coordinator = (...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> => new Promise((resolve) => {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  p.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  p.on('exit', (status) => resolve({ status, stdout, stderr }));
});

before(async () => {
  if (skip) return;
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'; i++) await sleep(50);
  startWorker('w1');
  startWorker('w2');
});

after(() => {
  for (const w of workers.values()) w.p.kill('SIGKILL');
  redis?.kill('SIGTERM');
});

test('a compare over the queue has the local compare\'s shape, every block once, each run labelled with its worker', { skip, timeout: 120_000 }, async () => {
  const out = join(dir, 'q.json');
  const r = await coordinator('compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--repeat', '4', '--queue', url, '--out', out, ...fast);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /block \d done on w[12] \(4\/4\)/);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as CompareResult & { machines: Record<string, number> };
  const local = spawnSync(process.execPath, [CLI, 'compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--repeat', '1', '--json', '--quiet', ...fast], { encoding: 'utf8' });
  for (const k of Object.keys(JSON.parse(local.stdout) as object)) assert.ok(k in doc, `field ${k}`);
  for (const label of doc.labels) assert.deepEqual(doc.runs[label].map((x) => x.block), [0, 1, 2, 3]);
  assert.equal(Object.values(doc.machines).reduce((s, n) => s + n, 0), 8);
  assert.deepEqual(Object.values(doc.runs).flat().map((x) => x.seed).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('a soak over the queue: --duration cut into time blocks, each with its seed, merged with every interval and summed counters', { skip, timeout: 120_000 }, async () => {
  const out = join(dir, 'soak.json');
  const r = await coordinator('soak', 'migration-entry-wait', '--variant', 'put-and-wait', '--duration', '2', '--interval', '0.5', '--blocks', '2', '--queue', url, '--out', out, '--warmup', '0', '--faulters', '1');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { complete: boolean; runs: { seed: number; block?: number; counters: Record<string, number> }[]; intervals: { machine: string; startS: number }[]; counters: Record<string, number>; durationS: number };
  assert.equal(doc.complete, true);
  assert.deepEqual(doc.runs.map((x) => x.seed).sort(), [1, 2]);
  for (const k of ['migratePages', 'touches']) assert.equal(doc.counters[k], doc.runs.reduce((a, x) => a + x.counters[k], 0), `counter ${k} summed`);
  assert.ok(doc.intervals.length >= 3, `${doc.intervals.length} intervals`);
  assert.ok(doc.intervals.every((iv, i) => i === 0 || iv.startS >= doc.intervals[i - 1].startS), 'intervals in time order across the blocks');
  assert.ok(doc.durationS > 1.8 && doc.durationS < 2.6, `merged duration ${doc.durationS}`);
});

test('a worker killed mid-block: the block runs again on the other worker, nothing lost or counted twice', { skip, timeout: 120_000 }, async () => {
  const out = join(dir, 'kill.json');
  const done = coordinator('compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--repeat', '2', '--queue', url, '--out', out, '--duration', '1.5', '--warmup', '0', '--faulters', '1');
  // Kill whichever worker starts a block first, while it is measuring.
  let victim: string | undefined;
  for (let i = 0; i < 400 && !victim; i++) {
    victim = [...workers].find(([, w]) => w.log.some((l) => /block \d of .* started/.test(l)))?.[0];
    if (!victim) await sleep(25);
  }
  assert.ok(victim, 'a worker started a block');
  await sleep(300);
  workers.get(victim)!.p.kill('SIGKILL');
  const r = await done;
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as CompareResult & { machines: Record<string, number> };
  for (const label of doc.labels) assert.deepEqual(doc.runs[label].map((x) => x.block), [0, 1]);
  const survivor = victim === 'w1' ? 'w2' : 'w1';
  assert.deepEqual(doc.machines, { [survivor]: 4 }, 'the dead worker returned nothing; the survivor ran both blocks');
  startWorker(victim); // for the tests after this one
});

test('a job naming a patch hash the worker lacks is refused, with the worker\'s reason at the coordinator', { skip, timeout: 60_000 }, async () => {
  const r = await coordinator('compare', 'migration-entry-wait', '--patch', PATCH, '--variants', 'wait-locked,bounded-wait', '--repeat', '1', '--queue', url, ...fast);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /refused: patch bounded-wait\.mjs \(sha256 [0-9a-f]{12}…\) is not among this worker's files/);
});

test('refusals: another pagestorm version, an unknown scenario; an unreachable queue is exit 2', () => {
  const job: BlockJob = { version: VERSION, scenario: 'migration-entry-wait', params: {}, runs: [{ variant: 'wait-locked', seed: 1, label: 'wait-locked' }], block: 0, durationS: 1, warmupS: 0, patches: [] };
  assert.equal(refusalOf(job, BUILT_IN), undefined);
  assert.match(refusalOf({ ...job, version: '0.0.0-other' }, BUILT_IN)!, /pagestorm 0\.0\.0-other on the coordinator, .* on this worker: versions must match/);
  assert.match(refusalOf({ ...job, scenario: 'nope' }, BUILT_IN)!, /scenario "nope" is not known here/);
  const r = spawnSync(process.execPath, [CLI, 'compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--queue', 'redis://:pw@127.0.0.1:1'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--queue redis:\/\/:\*\*\*@127\.0\.0\.1:1: cannot reach Redis \(ECONNREFUSED\)/);
});
