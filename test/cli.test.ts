// The command line as a user meets it: exit codes, error messages naming the bad value, the JSON
// schema, atomic results files, and Ctrl-C writing partial results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
/** The CLI with COLUMNS set: text reports are laid out for that width (100 when piped without it). */
const cliAt = (columns: number, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, COLUMNS: String(columns) } });

test('list names every scenario with its variants and parameter defaults', () => {
  const r = cli('list', '--json');
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { name: string; variants: { name: string }[]; params: { flag: string; default: unknown }[] }[];
  const mew = list.find((s) => s.name === 'migration-entry-wait');
  assert.ok(mew);
  assert.deepEqual(mew.variants.map((v) => v.name), ['wait-locked', 'put-and-wait']);
  assert.equal(mew.params.find((p) => p.flag === 'faulters')?.default, 2);
  const text = cli('list', 'migration-entry-wait');
  assert.equal(text.status, 0);
  assert.match(text.stdout, /--faulters\s+2/);
});

for (const [args, pattern] of [
  [['run', 'no-such-scenario', '--variant', 'x'], /unknown scenario "no-such-scenario"/],
  [['run', 'migration-entry-wait', '--variant', 'bogus'], /unknown variant "bogus"/],
  [['run', 'migration-entry-wait', '--variant', 'put-and-wait', '--faulters', '-1'], /--faulters "-1": must be >= 0/],
  [['run', 'migration-entry-wait', '--variant', 'put-and-wait', '--faulters', 'many'], /--faulters "many": expected a whole number/],
  [['run', 'migration-entry-wait', '--variant', 'put-and-wait', '--duration', '0'], /--duration "0": expected a number > 0/],
  [['run', 'migration-entry-wait', '--variant', 'put-and-wait', '--no-such-flag', '3'], /unknown parameter --no-such-flag/],
  [['compare', 'migration-entry-wait', '--variants', 'put-and-wait'], /expected two variants/],
  [['run', 'migration-entry-wait'], /required option '--variant <name>' not specified/],
  [['compare', 'migration-entry-wait', '--variants', 'put-and-wait,put-and-wait', '--metrics', 'migrationSuccess,nope'], /--metrics: unknown metric "nope" for migration-entry-wait; known: migrationSuccess, /],
  [['compare', 'migration-entry-wait', '--variants', 'put-and-wait,put-and-wait', '--primary', 'bogus'], /--primary: unknown metric "bogus"/],
  [['compare', 'migration-entry-wait', '--variants', 'put-and-wait,put-and-wait', '--alpha', '2'], /--alpha "2": expected a number in \(0, 0.5\)/],
  [['compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--until-verdict', '--max-repeat', '2'], /--max-repeat 2: a sequential compare needs at least 3 blocks/],
] as [string[], RegExp][]) {
  test(`bad input exits 2 with a clear message: ${args.join(' ')}`, () => {
    const r = cli(...args);
    assert.equal(r.status, 2, `stdout ${r.stdout} stderr ${r.stderr}`);
    assert.match(r.stderr, pattern);
  });
}

test('run --json prints one document with the documented schema and writes --out atomically', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pagestorm-'));
  const out = join(dir, 'r.json');
  const r = cli('run', 'migration-entry-wait', '--variant', 'put-and-wait', '--faulters', '1', '--duration', '0.5', '--warmup', '0.1', '--json', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  for (const k of ['scenario', 'variant', 'params', 'seed', 'env', 'durationS', 'counters', 'rates', 'histograms', 'forbidden', 'cpuShare', 'warnings', 'interrupted']) assert.ok(k in doc, `missing ${k}`);
  assert.equal(doc.scenario, 'migration-entry-wait');
  assert.ok(doc.rates.migrationSuccess.rate >= 0 && doc.rates.migrationSuccess.rate <= 1);
  assert.equal(doc.rates.migrationSuccess.spinNs, 50000, 'the spin every rate depends on (kernel-model-v6.md D4)');
  for (const f of ['count', 'p50', 'p90', 'p99', 'p999', 'max', 'unit']) assert.ok(f in doc.histograms.migration, `histogram field ${f}`);
  assert.deepEqual(doc.forbidden, []);
  for (const k of ['cpuModel', 'cores', 'node', 'gitCommit']) assert.ok(k in doc.env);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), doc);
  assert.deepEqual(readdirSync(dir), ['r.json'], 'a temporary file was left behind');
});

test('Ctrl-C stops the run, writes partial results over the old file, and exits 130', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pagestorm-'));
  const out = join(dir, 'r.json');
  writeFileSync(out, '{"earlier": true}\n');
  const child = spawn(process.execPath, [CLI, 'run', 'migration-entry-wait', '--variant', 'wait-locked', '--faulters', '1', '--duration', '60', '--json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d) => { stdout += d; });
  await new Promise((r) => setTimeout(r, 2500));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 130);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.interrupted, true);
  assert.ok(doc.durationS < 60);
  assert.deepEqual(JSON.parse(stdout), doc);
  assert.ok(existsSync(out));
});

test('soak writes one interval line per interval and an HdrHistogram log the reader parses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pagestorm-'));
  const log = join(dir, 'soak.hlog');
  const r = cli('soak', 'migration-entry-wait', '--variant', 'put-and-wait', '--faulters', '1', '--duration', '1.5', '--interval', '0.5', '--warmup', '0.1', '--log', log, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((r.stderr.match(/interval \d+:/g) ?? []).length >= 3, true, r.stderr);
  assert.deepEqual(readdirSync(dir), ['soak.hlog'], 'the .partial log was not renamed');
  const hdr = await import('hdr-histogram-js');
  const reader = new hdr.HistogramLogReader(readFileSync(log, 'utf8'));
  const tags = new Set<string>();
  let migrations = 0;
  for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) {
    tags.add(h.tag ?? '');
    if (h.tag === 'migration') migrations += h.totalCount;
  }
  assert.ok(tags.has('migration') && tags.has('faultWait'), [...tags].join(','));
  const doc = JSON.parse(r.stdout);
  assert.equal(migrations, doc.histograms.migration.count, 'the intervals add up to the whole run');
});

test('sweep runs every value x variant and compare --json gives a verdict per metric', () => {
  const s = cli('sweep', 'migration-entry-wait', '--variant', 'put-and-wait', '--param', 'faulters', '--values', '0,1', '--duration', '0.3', '--warmup', '0.1', '--json');
  assert.equal(s.status, 0, s.stderr);
  const sweep = JSON.parse(s.stdout);
  assert.deepEqual(sweep.runs.map((x: { params: { faulters: number } }) => x.params.faulters), [0, 1]);
  const bad = cli('sweep', 'migration-entry-wait', '--variant', 'put-and-wait', '--param', 'faulters', '--values', '0,x');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--faulters "x"/);
  const c = cli('compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--repeat', '1', '--faulters', '1', '--duration', '0.5', '--warmup', '0.1', '--json');
  assert.equal(c.status, 0, c.stderr);
  const cmp = JSON.parse(c.stdout);
  assert.deepEqual(cmp.order, ['wait-locked', 'put-and-wait']);
  // One run per variant: no test at all, every row says so.
  for (const row of cmp.rows) {
    assert.equal(row.verdict, 'too few runs', JSON.stringify(row));
    assert.equal(row.p, null);
  }
  assert.match(cmp.warnings.join('\n'), /--repeat 1: fewer than 6 runs per variant/);
});

test('an A/A compare of a real scenario prints the four-verdict table with p, adjusted p, n and the MDE', () => {
  // Wide enough for the one ten-column table and unwrapped footnotes (test/layout.test.ts checks 100 columns).
  const r = cliAt(250, 'compare', 'migration-entry-wait', '--variants', 'put-and-wait,put-and-wait', '--repeat', '3', '--faulters', '1', '--duration', '0.3', '--warmup', '0.1');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /A = put-and-wait, B = put-and-wait′; 3 ABBA block\(s\)/);
  assert.match(lines[1], /^spinNs 50000 /);
  const header = lines.find((l) => l.startsWith('metric'));
  assert.ok(header, r.stdout);
  for (const col of ['put-and-wait', 'put-and-wait′', 'change [95% CI]', 'p', 'p adj', 'n', 'verdict', 'MDE']) assert.ok(header.includes(col), `${col} in ${header}`);
  const rule = lines.findIndex((l) => /^-+ {2}-/.test(l));
  const rows = lines.slice(rule + 1, lines.indexOf('', rule));
  // n per row is 3+3, or fewer where a short run recorded no sample of a histogram.
  for (const row of rows) assert.match(row, /\s[0-3]\+[0-3]\s/, row);
  assert.ok(rows.length >= 8, r.stdout);
  for (const row of rows) assert.match(row, /(better|worse|no significant change|too few runs)/, row);
  assert.match(r.stdout, /^migrationSuccess \*/m, 'the primary is marked');
  // 3 runs a side: the value rows cannot reach Holm's first step (2 / C(6, 3) = 0.1 > 0.05 / 9).
  assert.match(r.stdout, /too few runs ¹/);
  assert.match(r.stdout, /¹ \S+: the \S+ test cannot reach p <= [\d.]+ with \d\+\d runs .*need >= \d+ runs per variant, have \d\+\d/);
  assert.match(r.stdout, /eagainPerMigration .*too few runs/);
  assert.match(r.stdout, /primary metric migrationSuccess: tested alone at α = 0.05; the other 9 rows: Holm-adjusted/);
  assert.match(r.stderr, /warning: --repeat 3: fewer than 6 runs per variant/);
  assert.match(r.stderr, /warning: --repeat 3 is odd/);
});

test('compare --until-verdict stops at the boundary once the primary metric has its verdict', () => {
  const r = cli('compare', 'migration-entry-wait', '--variants', 'wait-locked,put-and-wait', '--until-verdict', '--max-repeat', '5', '--faulters', '1', '--duration', '0.4', '--warmup', '0.1', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.sequential.maxRepeat, 5);
  assert.deepEqual(doc.sequential.plan.map((l: { block: number }) => l.block), [3, 4, 5]);
  const primary = doc.rows.find((row: { role: string }) => row.role === 'primary');
  assert.equal(primary.metric, 'migrationSuccess');
  // On a quiet machine a 90-point change crosses by the last look. A machine loaded by other runs can
  // hide the race (wait-locked then succeeds too): the compare must then run to the end without a verdict.
  if (doc.sequential.stoppedBy === 'boundary') {
    assert.ok(doc.repeat >= 3 && doc.repeat <= 5, `stopped at block ${doc.repeat}`);
    assert.equal(primary.verdict, 'better');
  } else {
    assert.equal(doc.sequential.stoppedBy, 'max-repeat');
    assert.equal(doc.repeat, 5);
    assert.notEqual(primary.verdict, 'worse');
    assert.ok(doc.sequential.looks.every((l: { crossed: boolean }) => !l.crossed));
  }
  assert.equal(doc.order.length, 2 * doc.repeat);
  for (const row of doc.rows.filter((x: { role: string }) => x.role !== 'primary')) assert.equal(row.verdict, 'not tested');
  const last = doc.sequential.looks[doc.sequential.looks.length - 1];
  assert.equal(last.crossed, last.z !== null && last.z >= last.bound, JSON.stringify(last));
  assert.equal(last.block, doc.repeat);
});
