// Where kernel-check keeps what it fetched and built: $PAGESTORM_CACHE, else $XDG_CACHE_HOME/pagestorm,
// else ~/.cache/pagestorm. Reused between runs; safe to delete.
import os from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

export function cacheDir(...sub: string[]): string {
  const base = process.env.PAGESTORM_CACHE
    ?? join(process.env.XDG_CACHE_HOME || join(os.homedir(), '.cache'), 'pagestorm');
  const dir = join(base, ...sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
