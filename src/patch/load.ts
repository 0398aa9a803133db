// Loads one patch file on any thread: reads it, hashes it (SHA-256), imports it (.js/.mjs/.cjs by
// dynamic import, .ts/.mts/.cts through jiti, no build step). No pagestorm imports: workers use it too.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { createJiti } from 'jiti';

export interface LoadedFile {
  /** Absolute path. */
  path: string;
  sha256: string;
  /** The module's default export (undefined when it has none). */
  value: unknown;
  /** The module's other export names (for the message when there is no default). */
  exportNames: string[];
}

/** A file that cannot be read or imported; the message names the file. */
export class PatchLoadError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
  }
}

const TS = new Set(['.ts', '.mts', '.cts']);
const JS = new Set(['.js', '.mjs', '.cjs']);
let jiti: ReturnType<typeof createJiti> | undefined;

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export async function loadPatchFile(file: string, expectSha256?: string): Promise<LoadedFile> {
  const path = resolve(file);
  let src: Buffer;
  try {
    src = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PatchLoadError(path, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a .js, .mjs or .ts file' : `cannot read: ${(e as Error).message}`);
  }
  const ext = extname(path);
  if (!TS.has(ext) && !JS.has(ext)) throw new PatchLoadError(path, `unsupported extension ${JSON.stringify(ext)}: expected .js, .mjs, .cjs, .ts, .mts or .cts`);
  const sha256 = createHash('sha256').update(src).digest('hex');
  if (expectSha256 !== undefined && sha256 !== expectSha256) {
    throw new PatchLoadError(path, `changed since the main thread loaded it (sha256 ${sha256.slice(0, 12)}…, expected ${expectSha256.slice(0, 12)}…)`);
  }
  let mod: Record<string, unknown>;
  try {
    if (TS.has(ext)) {
      // Loaded only for a .ts patch: plain runs and .js patches never pay for the transpiler.
      jiti ??= (await import('jiti')).createJiti(import.meta.url, { moduleCache: false, fsCache: false });
      mod = (await jiti.import(path)) as Record<string, unknown>;
    } else {
      // The hash in the URL: a changed file is a new module, never the cached old one.
      mod = (await import(`${pathToFileURL(path).href}?sha256=${sha256}`)) as Record<string, unknown>;
    }
  } catch (e) {
    throw new PatchLoadError(path, `failed to load: ${describeImportError(e, path)}`);
  }
  const value = mod?.default;
  return { path, sha256, value, exportNames: Object.keys(mod ?? {}).filter((k) => k !== 'default') };
}

/** The import error's class and message, with the file's line where the stack gives one (syntax errors). */
function describeImportError(e: unknown, path: string): string {
  if (!(e instanceof Error)) return String(e);
  const stack = e.stack ?? '';
  const at = stack.split('\n').map((l) => l.match(new RegExp(`${escape(path)}(?:\\?[^:]*)?:(\\d+)`))).find(Boolean);
  const line = at?.[1] ?? (e instanceof SyntaxError && JS.has(extname(path)) ? syntaxErrorLine(path) : undefined);
  return `${e.name}: ${e.message.replace(/\s+/g, ' ').trim()}${line ? ` (line ${line})` : ''}`; // jiti's messages span lines
}

/** Node 20's ESM loader leaves the line out of a SyntaxError; `node --check` prints it (only on this error path). */
function syntaxErrorLine(path: string): string | undefined {
  const r = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: 10_000 });
  return r.stderr?.match(new RegExp(`${escape(path)}:(\\d+)`))?.[1];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
