// The command line in a real terminal: the progress line appears on a pseudo-terminal (util-linux
// `script`), is redrawn in place and ends with a newline; the same commands piped, under CI=true,
// with --json or --quiet print no escape sequence at all; `list` fits 100 columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIOS } from '../src/scenarios/index.js';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const SCRIPT = '/usr/bin/script';
const RUN = ['run', 'migration-entry-wait', '--variant', 'put-and-wait', '--faulters', '1', '--warmup', '0.2'];
const ESC = '\x1b';

/** The environment of a user's terminal: no CI (CI sets CI=true for the whole suite), no NO_COLOR. */
function termEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, COLUMNS: '100', LINES: '30', TERM: 'xterm-256color', ...extra };
  for (const k of ['CI', 'NO_COLOR', 'FORCE_COLOR']) if (!(k in extra)) delete env[k];
  return env;
}

/** Runs the CLI on a pseudo-terminal with stdout to a file: returns what the terminal showed (stderr) and stdout. */
function onPty(args: string[], env: NodeJS.ProcessEnv): { status: number | null; tty: string; stdout: string } {
  const out = join(mkdtempSync(join(tmpdir(), 'pagestorm-pty-')), 'stdout.txt');
  const cmd = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync(SCRIPT, ['-qec', `${cmd} > '${out}'`, '/dev/null'], { encoding: 'utf8', env, timeout: 60_000 });
  return { status: r.status, tty: r.stdout, stdout: existsSync(out) ? readFileSync(out, 'utf8') : '' };
}

const noPty = existsSync(SCRIPT) ? false : 'util-linux script is not installed';
// Control sequences removed: what the line looks like on screen.
const visible = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

test('run on a terminal: one progress line redrawn in place, fitting the width, ended by a newline', { skip: noPty }, () => {
  const r = onPty([...RUN, '--duration', '2'], termEnv());
  assert.equal(r.status, 0, r.tty);
  // The pty turns each '\n' into '\r\n'; a redraw is a '\r' that is not the end of a line.
  const lines = r.tty.split('\r\n');
  const progress = lines.find((l) => l.includes('run put-and-wait'));
  assert.ok(progress, `no progress line in ${JSON.stringify(r.tty)}`);
  const draws = progress.split('\r').filter((d) => d.includes('run put-and-wait'));
  assert.ok(draws.length >= 3, `drawn ${draws.length} times: ${JSON.stringify(progress)}`);
  assert.ok(progress.includes(`${ESC}[K`), 'each draw erases the rest of the line');
  for (const d of draws) {
    const shown = visible(d);
    assert.match(shown, /^run put-and-wait {2}\d+\.\d\/\d+\.\d s .*\d+% ETA \d+ s .*forbidden: 0$/, shown);
    assert.ok([...shown].length < 100, `${[...shown].length} columns: ${shown}`);
  }
  assert.match(visible(draws[draws.length - 1]), /100% ETA 0 s {2}migrationSuccess \d/, 'the last draw is the finished run');
  assert.ok(r.tty.endsWith('\r\n'), 'the progress ends with a newline');
  assert.equal(lines.filter((l) => l.includes('run put-and-wait')).length, 1, 'every draw is on the one line');
  assert.match(r.stdout, /forbidden outcomes: none/);
  assert.ok(!r.stdout.includes(ESC), 'the report on stdout has no control sequences');
});

test('compare on a terminal: which run of how many, the job ETA, finished runs kept as lines above', { skip: noPty }, () => {
  const r = onPty(['compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--repeat', '1', '--faulters', '1', '--duration', '0.8', '--warmup', '0.1'], termEnv({ NO_COLOR: '1' }));
  assert.equal(r.status, 0, r.tty);
  const shown = r.tty.split('\r\n').map((l) => visible(l.slice(l.lastIndexOf('\r') + 1)));
  const draws = r.tty.split(/\r\n|\r/).map(visible).filter((d) => d.startsWith('compare '));
  assert.ok(draws.some((d) => /^compare 1\/2 A wait-locked {2}(run [\d.]+\/[\d.]+ s {2})?job [\d.]+\/[\d.]+ s .*\d+% ETA \d+ s .*forbidden: 0$/.test(d)), draws.join('\n'));
  assert.ok(draws.some((d) => d.startsWith('compare 2/2 B put-and-wait ')), draws.join('\n'));
  // Each finished run is a line of its own; the live line ends the output with the job's total.
  assert.ok(shown.some((l) => /^run 1\/2: wait-locked migrationSuccess [\d.]+%$/.test(l)), shown.join('\n'));
  assert.ok(shown.some((l) => /^run 2\/2: put-and-wait migrationSuccess [\d.]+%$/.test(l)), shown.join('\n'));
  assert.ok(shown.some((l) => /^compare 2\/2 runs {2}[\d.]+\/[\d.]+ s (█+ )?100% ETA 0 s {2}forbidden: 0$/.test(l)), 'the last state of the line stays');
  assert.match(r.stdout, /^metric +wait-locked +put-and-wait/m);
});

test('NO_COLOR: the progress line still redraws in place, without colour', { skip: noPty }, () => {
  const coloured = onPty([...RUN, '--duration', '0.5'], termEnv());
  assert.match(coloured.tty, /\x1b\[32mforbidden: 0\x1b\[0m/, 'green when nothing forbidden was seen');
  const plain = onPty([...RUN, '--duration', '0.5'], termEnv({ NO_COLOR: '1' }));
  assert.equal(plain.status, 0, plain.tty);
  assert.ok(plain.tty.includes(`\r`) && plain.tty.includes(`${ESC}[K`), JSON.stringify(plain.tty));
  assert.doesNotMatch(plain.tty, /\x1b\[[0-9;]*m/, 'no colour (SGR) sequence');
});

for (const [name, extra, args] of [
  ['CI=true', { CI: 'true' }, []],
  ['--json', {}, ['--json']],
  ['--quiet', {}, ['--quiet']],
  ['TERM=dumb', { TERM: 'dumb' }, []],
] as [string, Record<string, string>, string[]][]) {
  test(`on a terminal with ${name}: no control sequences at all`, { skip: noPty }, () => {
    const r = onPty([...RUN, '--duration', '0.5', ...args], termEnv(extra));
    assert.equal(r.status, 0, r.tty);
    assert.ok(!r.tty.includes(ESC) && !r.tty.replace(/\r\n/g, '').includes('\r'), JSON.stringify(r.tty));
    assert.ok(!r.stdout.includes(ESC));
    if (name === '--quiet') assert.equal(r.tty, '', 'quiet: nothing on stderr');
  });
}

test('piped: run and compare print no escape sequence, only plain lines', () => {
  const run = spawnSync(process.execPath, [CLI, ...RUN, '--duration', '0.5'], { encoding: 'utf8', env: termEnv(), timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(!run.stdout.includes(ESC) && !run.stderr.includes(ESC) && !run.stderr.includes('\r'), JSON.stringify(run.stderr));
  const cmp = spawnSync(process.execPath, [CLI, 'compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--repeat', '1', '--faulters', '1', '--duration', '0.3', '--warmup', '0.1'],
    { encoding: 'utf8', env: termEnv(), timeout: 60_000 });
  assert.equal(cmp.status, 0, cmp.stderr);
  assert.ok(!cmp.stdout.includes(ESC) && !cmp.stderr.includes(ESC) && !cmp.stderr.includes('\r'), JSON.stringify(cmp.stderr));
  // The finished runs stay as a short log, one plain line each.
  // A run that saw no migration (a very loaded machine) shows '–', never NaN.
  assert.match(cmp.stderr, /^run 1\/2: wait-locked migrationSuccess ([\d.]+%|–)\nrun 2\/2: put-and-wait migrationSuccess ([\d.]+%|–)\n/);
  for (const line of cmp.stdout.split('\n')) assert.ok([...line].length <= 100, `${[...line].length} columns: ${line}`);
});

test('list fits 100 columns: the overview is one line per scenario, the detail wraps', () => {
  const env = termEnv({ COLUMNS: '100' });
  const list = spawnSync(process.execPath, [CLI, 'list'], { encoding: 'utf8', env });
  assert.equal(list.status, 0, list.stderr);
  for (const sc of SCENARIOS) {
    const rows = list.stdout.split('\n').filter((l) => l.startsWith(`${sc.name} `));
    assert.equal(rows.length, 1, `${sc.name}: ${rows.length} lines`);
    if (sc.variants.some((v) => v.knownBuggy)) assert.match(rows[0], /\*/, `${sc.name}: its controls are marked`);
  }
  assert.match(list.stdout, /^migration-entry-wait +wait-locked, put-and-wait +Migration-entry wait/m);
  const outputs = [list.stdout, ...SCENARIOS.map((sc) => {
    const r = spawnSync(process.execPath, [CLI, 'list', sc.name], { encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    for (const p of sc.params) assert.match(r.stdout, new RegExp(`^ {4}--${p.flag} `, 'm'), `${sc.name} --${p.flag}`);
    for (const v of sc.variants) assert.match(r.stdout, new RegExp(`^ {4}${v.name.replace(/\+/g, '\\+')}${v.knownBuggy ? ' {2}\\[known-buggy control\\]' : ''}$`, 'm'));
    return r.stdout;
  })];
  for (const text of outputs) {
    for (const line of text.split('\n')) assert.ok([...line].length <= 100, `${[...line].length} columns: ${line}`);
  }
  const json = JSON.parse(spawnSync(process.execPath, [CLI, 'list', '--json'], { encoding: 'utf8', env }).stdout) as { name: string; variants: { knownBuggy?: boolean }[]; params: { description: string; source?: string }[] }[];
  assert.equal(json.length, SCENARIOS.length);
  assert.ok(json.every((s) => s.params.every((p) => p.description)), 'list --json keeps the full descriptions');
});
