// The README's "Write your own variant" and "Use as a library" examples, run as a reader would:
// each block marked <!-- readme-example: FILE --> is written to a folder inside the package (so
// `import ... from 'pagestorm'` resolves to this package by its own name) and run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOOK_NAMES } from 'pagestorm';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli.js');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DIR = join(ROOT, 'dist', 'readme-examples');

/** Every marked fenced block: file name -> its text. */
function examples(): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of README.matchAll(/<!-- readme-example: ([\w.-]+) -->\n```\w*\n([\s\S]*?)```/g)) out.set(m[1], m[2]);
  return out;
}

const blocks = examples();
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
for (const [name, text] of blocks) writeFileSync(join(DIR, name), text);

test('the README marks the patch, compare and library examples', () => {
  assert.deepEqual([...blocks.keys()].sort(), ['compare.sh', 'library.mjs', 'mine.mjs']);
});

test('the README hook table lists every hook', () => {
  for (const h of HOOK_NAMES) assert.match(README, new RegExp(`\\| \`${h}\` \\|`), `hook ${h} missing from the README table`);
});

test("the README's compare command runs the README's patch against the built-in variant", () => {
  const line = blocks.get('compare.sh')!.trim();
  const words = line.split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ['npx', 'pagestorm']);
  // The command as written, with short runs appended (a test keeps to a few seconds of scenario time).
  const r = spawnSync(process.execPath, [CLI, ...words.slice(2), '--repeat', '1', '--duration', '0.4', '--warmup', '0.1', '--faulters', '1', '--json'], { cwd: DIR, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.variants, ['wait-locked', 'my-wait']);
  const mine = doc.runs['my-wait'][0];
  assert.equal(mine.kernel, 'my RFC: put_and_wait_on_page_locked() in __migration_entry_wait()');
  assert.equal(mine.patches[0].path, join(DIR, 'mine.mjs'));
  assert.ok(mine.counters.myWaits > 0, 'the hook ran in the workers');
  assert.ok(doc.rows.some((x: { metric: string }) => x.metric === 'migrationSuccess'));
});

test("the README's library example runs and prints what it says", () => {
  const r = spawnSync(process.execPath, ['library.mjs'], { cwd: DIR, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'wait-locked put-and-wait my-wait');
  assert.match(lines[1], /^my-wait \d\.\d{3} true 64$/);
  assert.match(lines[2], /^migrationSuccess \d\.\d{3} \d\.\d{3} /);
});
