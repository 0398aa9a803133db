// Results files are written whole or not at all: a temporary file next to the target, then rename,
// so an interrupted run never corrupts an earlier results file. Output paths are checked before a
// run starts, so a bad path costs no measuring.
import { accessSync, constants, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class OutputPathError extends Error {}

/** Creates dir's missing folders one level at a time (recursive mkdir can hang on /proc, node 20). */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    let st;
    try { st = statSync(at); } catch { missing.push(at); const up = dirname(at); if (up === at) break; at = up; continue; }
    if (!st.isDirectory()) throw new OutputPathError(`${at} is not a directory`);
    break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

/**
 * Checks that `file` can be written by the atomic writer: its folder exists or can be made, and a
 * file can be created and renamed there. Throws OutputPathError naming the flag and the path.
 */
export function checkOutputPath(flag: string, file: string): void {
  const abs = resolve(file);
  const fail = (why: string): never => { throw new OutputPathError(`${flag} ${JSON.stringify(file)}: ${why}`); };
  try {
    if (statSync(abs).isDirectory()) fail('is a directory');
  } catch (e) {
    if (e instanceof OutputPathError) throw e;
  }
  try {
    makeDirs(dirname(abs));
    accessSync(dirname(abs), constants.W_OK);
    const probe = `${abs}.${process.pid}.probe.tmp`;
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    fail(e instanceof OutputPathError ? e.message : `cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function writeFileAtomic(file: string, text: string): void {
  makeDirs(dirname(resolve(file)));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function writeJsonAtomic(file: string, doc: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
}
