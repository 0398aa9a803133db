// Text that fits a terminal, without running a scenario: tables wrap, split into blocks or become
// key: value rows; prose wraps with a hanging indent; the compare report fits 100 columns; the
// width and progress mode follow COLUMNS, CI, --json, --quiet and NO_COLOR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from '../src/report/table.js';
import { fitLines, reflowLines, wrapWords } from '../src/report/wrap.js';
import { renderCompareText } from '../src/cli/actions.js';
import { migrationEntryWait } from '../src/scenarios/migration-entry-wait.js';
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

test('reflowLines re-wraps hand-wrapped prose as paragraphs and never joins table lines', () => {
  const note = 'Rates: pooled over 4 runs per variant, [run-level 95% t interval of the per-run rates]; change and p: Welch\'s t on\n' +
    'per-run rates (the primary metric, tested alone at α = 0.05).\n' +
    'With 2+ faulters and a migrator on a 2-core machine the threads take turns, which relieves the race: the\n' +
    'decline from 1 to 3 faulters needs a core per thread.';
  const text = `a  b\n-  -\n1  2\n${note}`;
  const out = reflowLines(text, 80);
  assert.ok(widest(out) <= 80, out);
  assert.ok(out.startsWith('a  b\n-  -\n1  2\nRates: pooled'), out);
  assert.match(out, /Welch's t on per-run rates/, 'the continuation joined its paragraph');
  assert.match(out, /relieves the race: the decline|the race: the\n {2}decline/);
  assert.deepEqual(out.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(' ')[0]), ['a', '-', '1', 'Rates:', 'With'], 'two paragraphs, each wrapped with a hanging indent');
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
