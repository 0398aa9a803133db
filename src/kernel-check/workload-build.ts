// The guest's /init: a workload's C source (kernel-check/workloads/*.c, shipped with the package)
// compiled with the host's `gcc -static`, cached by the hash of the source and guest.h, packed as an initramfs.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../run/params.js';
import { cacheDir } from './cache.js';
import { initramfsFor } from './cpio.js';
import { requireTool } from './tools.js';

/** The workloads folder: <package>/kernel-check/workloads (this file is dist/src/kernel-check/). */
export const WORKLOADS_DIR = fileURLToPath(new URL('../../../kernel-check/workloads/', import.meta.url));

export function workloadSource(name: string): string {
  return join(WORKLOADS_DIR, `${name}.c`);
}

/** Compiles the workload (once per source hash) and returns the initramfs's path. */
export function buildInitramfs(name: string): string {
  const src = workloadSource(name);
  if (!existsSync(src)) throw new InputError(`workload source ${src} is missing (a broken install?)`);
  // The source and the header every guest includes (guest.h): a change to either builds afresh.
  const hash = createHash('sha256').update(readFileSync(src)).update(readFileSync(join(WORKLOADS_DIR, 'guest.h'))).digest('hex').slice(0, 16);
  const dir = cacheDir('initramfs');
  const img = join(dir, `${name}-${hash}.cpio`);
  if (existsSync(img)) return img;
  const gcc = requireTool('gcc', 'kernel-check compiles the guest workload with gcc -static');
  const bin = join(dir, `${name}-${hash}.${process.pid}.bin`);
  try {
    execFileSync(gcc, ['-static', '-O2', '-Wall', '-o', bin, src, '-lpthread'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    rmSync(bin, { force: true });
    const err = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-6).join('\n') ?? String(e);
    throw new InputError(`gcc -static could not build ${src}:\n${err}\n(the static libc comes with libc6-dev: apt-get install libc6-dev)`);
  }
  const tmp = `${img}.${process.pid}.tmp`;
  writeFileSync(tmp, initramfsFor(readFileSync(bin)));
  rmSync(bin, { force: true });
  renameSync(tmp, img);
  return img;
}
