// Bad patch files: each is refused before any role starts, exit 2, with a message naming the file and
// what is wrong (all problems at once); a hook that throws in a worker ends the run with exit 1, the
// worker's stack and the partial result written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPatchFile, PatchLoadError } from '../src/patch/load.js';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'pagestorm-patch-'));
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };

// A variant on migration-entry-wait; `hooks` is spliced in (no imports: the files live outside the package).
const variant = (fields: string) => `export default { extend: [{ scenario: 'migration-entry-wait', variants: [{ ${fields} }] }] };\n`;
const okHook = "migrationEntryWait(task, pfn, t0) { task.lock.putAndWaitOnPageLocked(pfn); return -1; }";
const good = "name: 'x', kernel: 'k', description: 'd'";

const cases: [string, string | null, RegExp][] = [
  ['a missing file', null, /missing\.mjs: no such file/],
  ['a syntax error', 'export default { extend: [ };\n', /syntax\.mjs: failed to load: SyntaxError: .*\(line 1\)/],
  ['no default export', 'export const patch = { extend: [] };\n', /nodefault\.mjs: exports no patch: expected `export default definePatch\(\{ \.\.\. \}\)`; it exports only patch/],
  ['an unknown scenario', "export default { extend: [{ scenario: 'nope', variants: [] }] };\n", /unknown-scenario\.mjs: extend\[0\]\.scenario "nope": unknown scenario; known: migration-entry-wait, /],
  ['an unknown hook', variant(`${good}, hooks: { waitForever(task, pfn, t0) { return -1; } }`), /unknown-hook\.mjs: extend\[0\]\.variants\[0\]\.hooks\.waitForever: unknown hook "waitForever"; known: migrationEntryWait, /],
  ['a duplicate variant name', variant(`name: 'put-and-wait', kernel: 'k', description: 'd', hooks: { ${okHook} }`), /duplicate\.mjs: extend\[0\]\.variants\[0\]\.name "put-and-wait": duplicate variant name in migration-entry-wait/],
  ['a hook of the wrong arity', variant(`${good}, hooks: { migrationEntryWait(task, pfn) { return -1; } }`), /arity\.mjs: extend\[0\]\.variants\[0\]\.hooks\.migrationEntryWait declares 2 parameters, expected 3 \(task, pfn, t0\)/],
  ['a hook no role of the scenario reaches', variant(`${good}, hooks: { splitTail(task, head, tail) {} }`), /unreached\.mjs: .*hooks\.splitTail: splitTail replaces __split_huge_page_tail\(\).*which no role of migration-entry-wait reaches/],
  ['a variant without kernel', variant(`name: 'x', description: 'd', hooks: { ${okHook} }`), /nokernel\.mjs: extend\[0\]\.variants\[0\]\.kernel is required/],
];
const names = ['missing', 'syntax', 'nodefault', 'unknown-scenario', 'unknown-hook', 'duplicate', 'arity', 'unreached', 'nokernel'];

cases.forEach(([what, text, pattern], i) => {
  test(`a bad patch exits 2 before any role starts: ${what}`, () => {
    const path = text === null ? join(dir, `${names[i]}.mjs`) : file(`${names[i]}.mjs`, text);
    const out = join(dir, `${names[i]}.json`);
    const r = cli('run', 'migration-entry-wait', '--variant', 'put-and-wait', '--duration', '0.3', '--patch', path, '--out', out);
    assert.equal(r.status, 2, `stdout ${r.stdout} stderr ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.match(r.stderr, /bad patch/);
    assert.equal(existsSync(out), false, 'nothing may run (or be written) for a bad patch');
  });
});

test('every problem of every patch file is reported at once, on list too', () => {
  const a = file('two-problems.mjs', variant(`name: 'y', description: 'd', hooks: { migrationEntryWait(task) { return -1; } }`));
  const b = file('other.mjs', 'export default 42;\n');
  const r = cli('list', '--patch', a, '--patch', b);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /two-problems\.mjs: extend\[0\]\.variants\[0\]\.kernel is required/);
  assert.match(r.stderr, /two-problems\.mjs: extend\[0\]\.variants\[0\]\.hooks\.migrationEntryWait declares 1 parameter, expected 3/);
  assert.match(r.stderr, /other\.mjs: the default export is number/);
});

test('a worker refuses a patch file that changed since the main thread loaded it (hash mismatch)', async () => {
  const p = file('changed.mjs', variant(`${good}, hooks: { ${okHook} }`));
  const { sha256 } = await loadPatchFile(p);
  writeFileSync(p, `${readFileSync(p, 'utf8')}// edited\n`);
  await assert.rejects(loadPatchFile(p, sha256), (e: unknown) => e instanceof PatchLoadError && /changed\.mjs: changed since the main thread loaded it/.test(e.message));
});

test('a hook that throws in a worker ends the run: exit 1, the worker stack on stderr, the partial result written', () => {
  const p = file('throws.mjs', variant(`${good}, base: 'put-and-wait', hooks: { migrationEntryWait(task, pfn, t0) { throw new Error('hook exploded on pfn ' + pfn); } }`));
  const out = join(dir, 'throws.json');
  const r = cli('run', 'migration-entry-wait', '--variant', 'x', '--patch', p, '--faulters', '1', '--duration', '2', '--warmup', '0.1', '--out', out);
  assert.equal(r.status, 1, `stdout ${r.stdout} stderr ${r.stderr}`);
  assert.match(r.stderr, /role faulter \(task \d+\) crashed:\nError: hook exploded on pfn \d+\n\s+at migrationEntryWait \(file:\/\/.*throws\.mjs/);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.variant, 'x');
  assert.match(doc.error, /faulter \(task \d+\) failed: hook exploded/);
  assert.match(doc.crashed.stack, /throws\.mjs/);
  assert.equal(doc.interrupted, true);
  assert.equal(doc.patches[0].path, p);
});

test('a patch that fails to load only in a worker ends the run before the start barrier: exit 1 naming the file', () => {
  const p = file('worker-only.mjs', `import { isMainThread } from 'node:worker_threads';\nif (!isMainThread) throw new Error('only in workers');\n${variant(`${good}, hooks: { ${okHook} }`)}`);
  const out = join(dir, 'worker-only.json');
  const r = cli('run', 'migration-entry-wait', '--variant', 'x', '--patch', p, '--faulters', '1', '--duration', '5', '--out', out);
  assert.equal(r.status, 1, `stdout ${r.stdout} stderr ${r.stderr}`);
  assert.match(r.stderr, /crashed:\n.*worker-only\.mjs: failed to load: Error: only in workers/);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.durationS < 1, true, 'nothing was measured');
  assert.match(doc.error, /worker-only\.mjs: failed to load/);
});

test('a .ts patch with a syntax error names the file and the line (jiti)', () => {
  const r = cli('list', '--patch', file('syntax.ts', 'const x: number = ;\nexport default {};\n'));
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /syntax\.ts: failed to load: .*Unexpected token.*\(line 1\)/);
});
