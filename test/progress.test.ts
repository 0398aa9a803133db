// The progress line without a terminal: it fits its width and keeps what matters, its ETA follows
// the pace of the finished runs, plain progress has no control sequences and comes at most every
// interval, and the forbidden outcomes of a run in progress are read from its page world.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatus, type Status } from '../src/cli/progress-line.js';
import { JobClock } from '../src/cli/job-clock.js';
import { startProgress } from '../src/cli/progress.js';
import { watchForbidden } from '../src/cli/live-forbidden.js';
import { createMemory } from '../src/shared/memory.js';
import { recordForbidden } from '../src/shared/forbidden.js';
import { defaultParams } from '../src/run/params.js';
import { offlineRefault } from '../src/scenarios/offline-refault.js';

const cols = (s: string): number => [...s].length;

const status = (over: Partial<Status> = {}): Status => ({
  head: 'compare 3/12 B put-and-wait', unit: { elapsedS: 1.2, plannedS: 3.5 },
  job: { elapsedS: 71, etaS: 31, fraction: 0.7 }, figures: ['migrationSuccess 97.1%', '16.5k migrations/s'], forbidden: 0, ...over,
});

test('the progress line fits its width, keeps elapsed/total, %, ETA and forbidden, and drops the rest first', () => {
  for (const width of [40, 60, 80, 100, 120, 160, 200]) {
    const line = renderStatus(status(), { width, bar: true, colour: false });
    assert.ok(cols(line) < width, `${width}: ${line}`);
    if (width >= 80) assert.match(line, /^compare 3\/12 B put-and-wait .*job 1:11\/1:42 .*70% ETA 31 s .*forbidden: 0$/, line);
  }
  assert.match(renderStatus(status(), { width: 200, bar: true, colour: false }), /█+░+ 70%/, 'a bar when there is room');
  assert.doesNotMatch(renderStatus(status(), { width: 75, bar: true, colour: false }), /█|░/, 'no room: no bar');
  const plain = renderStatus(status({ forbidden: 2 }), { width: Infinity, bar: false, colour: false });
  assert.equal(plain, 'compare 3/12 B put-and-wait  run 1.2/3.5 s  job 1:11/1:42 70% ETA 31 s  migrationSuccess 97.1%  16.5k migrations/s  forbidden: 2');
  assert.match(renderStatus(status({ forbidden: 2 }), { width: 200, bar: true, colour: true }), /\x1b\[1;31mforbidden: 2\x1b\[0m$/);
  assert.equal(renderStatus({ head: 'run x', job: { elapsedS: 3.64, etaS: 4.9, fraction: 0.43 }, figures: [], forbidden: 0 }, { width: Infinity, bar: false, colour: false }),
    'run x  3.6/8.5 s 43% ETA 5 s  forbidden: 0');
});

test('JobClock: the ETA scales the planned runs by the pace seen so far', () => {
  let t = 0;
  const clock = new JobClock([2, 2, 2, 2], () => t);
  assert.equal(clock.etaS(), 8);
  t = 1;
  assert.equal(clock.etaS(), 7);
  t = 3; // the first run took 3 s, not 2: pace 1.5
  clock.next();
  assert.equal(clock.pace(), 1.5);
  assert.equal(clock.etaS(), 9);
  assert.equal(clock.fraction(), 3 / 12);
  for (let i = 0; i < 3; i++) { t += 3; clock.next(); }
  assert.equal(clock.etaS(), 0);
  assert.equal(clock.fraction(), 1);
});

test('plain progress: status lines at most every interval, finished lines as they come, no control sequences', async () => {
  let err = '';
  let out = '';
  const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; } };
  const p = startProgress(io, 'plain', () => status(), { plainEveryS: 0.1 });
  p.log('run 1/12: A wait-locked migrationSuccess 35.2%');
  await new Promise((r) => setTimeout(r, 450));
  p.out('report\n');
  p.stop();
  p.stop();
  const lines = err.split('\n').filter(Boolean);
  assert.equal(lines[0], 'run 1/12: A wait-locked migrationSuccess 35.2%');
  assert.ok(lines.length >= 2 && lines.length <= 6, err);
  assert.ok(!err.includes('\x1b') && !err.includes('\r'), JSON.stringify(err));
  assert.equal(out, 'report\n');
  // live: the report is written with the line cleared before and redrawn after; stop ends it with a newline.
  err = '';
  const live = startProgress(io, 'live', () => status(), { width: () => 100, colour: false, tickMs: 10_000 });
  live.out('table\n');
  live.stop();
  assert.match(err, /^\rcompare 3\/12 .*\x1b\[K\r\x1b\[K\rcompare 3\/12 .*\x1b\[K\rcompare 3\/12 .*\x1b\[K\n$/);
});

test('watchForbidden counts the forbidden outcomes of the run in progress, as the result will', () => {
  const sc = offlineRefault; // exempts offline-livelock: an expected outcome under a refault workload
  const watch = watchForbidden(sc);
  assert.equal(watch.scenario.name, sc.name);
  assert.equal(watch.soFar(), 0, 'no run yet');
  const p = { ...defaultParams(sc), seed: 1 };
  const m = createMemory(sc.memConfig(p));
  watch.scenario.setup(m, p, 'put-and-wait');
  assert.equal(watch.soFar(), 0);
  recordForbidden(m, 'lost-wakeup');
  recordForbidden(m, 'lost-wakeup');
  recordForbidden(m, 'offline-livelock');
  assert.equal(watch.soFar(), 2, 'the exempt kind is not counted');
  watch.reset();
  assert.equal(watch.soFar(), 0, 'between runs');
});
