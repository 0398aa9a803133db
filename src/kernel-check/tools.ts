// The host programs kernel-check needs, found on PATH, each missing one an InputError naming the
// Debian package that provides it (exit 2).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../run/params.js';

/** The first executable `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return undefined;
}

const PACKAGE: Record<string, string> = {
  'qemu-system-x86_64': 'qemu-system-x86',
  gcc: 'gcc (and libc6-dev for the static libc)',
  'apt-get': 'apt',
  'dpkg-deb': 'dpkg',
};

/** The path of `name`, or an InputError: "... not found; install it: apt-get install <package>". */
export function requireTool(name: string, why: string): string {
  const p = which(name);
  if (!p) throw new InputError(`${name} not found on PATH (${why}); install it: apt-get install ${PACKAGE[name] ?? name}`);
  return p;
}

/** Why kernel-check cannot run here (a missing QEMU or gcc), or undefined when it can: a test's or an act's skip reason. */
export function kernelCheckSkipReason(): string | undefined {
  if (!which('qemu-system-x86_64')) return 'qemu-system-x86_64 not found (apt-get install qemu-system-x86)';
  if (!which('gcc')) return 'gcc not found (apt-get install gcc libc6-dev)';
  return undefined;
}
