// Results files are written whole or not at all: a temporary file next to the target, then rename,
// so an interrupted run never corrupts an earlier results file.
import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function writeJsonAtomic(file: string, doc: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
}
