// Text that fits a terminal, without running a scenario: tables wrap, split into blocks or become
// key: value rows; the compare report fits 100 columns; the progress line fits its width and its
// ETA follows the pace; plain progress has no control sequences and comes at most every interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from '../src/report/table.js';
import { fitLines, wrapWords } from '../src/report/wrap.js';
import { renderCompareText } from '../src/cli/actions.js';
import { migrationEntryWait } from '../src/scenarios/migration-entry-wait.js';
import { renderStatus, type Status } from '../src/cli/progress-line.js';
import { JobClock } from '../src/cli/job-clock.js';
import { startProgress } from '../src/cli/progress.js';
import { colourAllowed, outWidth, progressMode } from '../src/cli/terminal.js';
import { fixtureAA, fixtureCompare, fixtureSequential } from './helpers/compare-fixture.js';

const cols = (s: string): number => [...s].length;
const widest = (text: string): number => Math.max(...text.split('\n').map(cols));

test('formatTable: unchanged when it fits; wraps text columns, then splits columns, then key: value rows', () => {
  const rows = [['a', 'a fairly long description that needs wrapping somewhere', '1'], ['b', 'short', '22']];
  const natural = formatTable(['k', 'meaning', 'n'], rows);
  assert.equal(formatTable(['k', 'meaning', 'n'], rows, { width: 200 }), natural);
  const wrapped = formatTable(['k', 'meaning', 'n'], rows, { width: 30 });
  assert.ok(widest(wrapped) <= 30, wrapped);
  assert.match(wrapped, /^a {2}a fairly long/m);
  assert.ok(wrapped.split('\n').length > natural.split('\n').length, 'the long cell wrapped onto more lines');
  // Numbers do not wrap: ten wide number columns go in blocks that each repeat the first column.
  const wide = formatTable(['metric', ...Array.from({ length: 10 }, (_, i) => `column ${i}`)], [['x', ...Array.from({ length: 10 }, () => 123456.5)]], { width: 40 });
  assert.ok(widest(wide) <= 40, wide);
  assert.ok(wide.split('\n').filter((l) => l.startsWith('metric')).length >= 3, wide);
  // Even one column beside the first does not fit: one `header: value` block per row.
  const kv = formatTable(['name', 'value'], [['x'.repeat(20), 'y'.repeat(30)]], { width: 40, wrap: [false, false] });
  assert.match(kv, /^name: x{20}\n {2}value: y{30}$/);
});

test('fitLines wraps prose and lists with a hanging indent and leaves fitting lines alone', () => {
  const list = `counters: ${Array.from({ length: 20 }, (_, i) => `counter${i} ${1000 * i}`).join(', ')}`;
  const fitted = fitLines(list, 60);
  assert.ok(widest(fitted) <= 60, fitted);
  for (const line of fitted.split('\n').slice(1)) assert.match(line, /^ {2}counter\d+ \d+,?/, 'a list wraps between its items');
  assert.equal(fitLines('short\n  also short', 60), 'short\n  also short');
  assert.deepEqual(wrapWords('+1.2% [+0.5%, +2.1%]', 14, 14, true), ['+1.2%', '[+0.5%, +2.1%]'], 'a table cell keeps its interval whole');
  assert.deepEqual(wrapWords('+1.2% [+0.5%, +2.1%]', 14), ['+1.2% [+0.5%,', '+2.1%]'], 'prose breaks at any space');
});

test('the compare text report fits 100 columns: every metric, both sides, verdicts and p values', () => {
  for (const res of [fixtureCompare(), fixtureAA(), fixtureSequential()]) {
    const text = renderCompareText(migrationEntryWait, res, 100);
    assert.ok(widest(text) <= 100, `${widest(text)} columns:\n${text}`);
    for (const row of res.rows) assert.equal(text.split('\n').filter((l) => l.startsWith(`${row.metric}${row.role === 'primary' ? ' *' : ''} `)).length, 2, `${row.metric}: once in each half`);
    assert.match(text, /^metric +wait-locked +(put-and-wait|wait-locked′) +change \[95% CI\] +verdict$/m);
    assert.match(text, /^metric +p +p adj +n +MDE/m);
  }
  // Wide enough: the one ten-column table, as before.
  const wide = renderCompareText(migrationEntryWait, fixtureCompare(), Infinity);
  assert.match(wide, /^metric +wait-locked +put-and-wait +change \[95% CI\] +p +p adj +n +verdict +MDE +φ̂$/m);
});

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

test('terminal facts: COLUMNS, else the terminal, else 100; live only on a terminal without CI, --json or --quiet; NO_COLOR', () => {
  assert.equal(outWidth({ COLUMNS: '120' }, { isTTY: true, columns: 80 }), 120);
  assert.equal(outWidth({}, { isTTY: true, columns: 132 }), 132);
  assert.equal(outWidth({ COLUMNS: 'wide' }, { isTTY: false }), 100);
  assert.equal(progressMode(true, {}, {}), 'live');
  assert.equal(progressMode(false, {}, {}), 'plain');
  assert.equal(progressMode(true, {}, { CI: 'true' }), 'plain');
  assert.equal(progressMode(true, {}, { CI: 'false' }), 'live');
  assert.equal(progressMode(true, { json: true }, {}), 'plain');
  assert.equal(progressMode(true, { quiet: true }, {}), 'off');
  assert.equal(colourAllowed({ NO_COLOR: '1' }), false);
  assert.equal(colourAllowed({ NO_COLOR: '' }), true);
});
