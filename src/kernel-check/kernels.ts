// --kernel K: a bzImage/vmlinuz path, or debian:<package> fetched with `apt-get download` and
// unpacked with `dpkg -x` into the cache (never installed, never near the host's /boot).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../run/params.js';
import { cacheDir } from './cache.js';
import { requireTool } from './tools.js';

export interface KernelImage {
  /** What the user wrote (the label in tables and the result). */
  spec: string;
  path: string;
  /** The image's build config when it came with one (a Debian package does). */
  config?: string;
  /** Config options kernel-check needs that the config lacks. */
  missing: string[];
}

/** Options the workload needs: two nodes and migration (move_pages), an initramfs, a serial console. */
export const NEEDED_CONFIG = ['CONFIG_NUMA', 'CONFIG_MIGRATION', 'CONFIG_BLK_DEV_INITRD', 'CONFIG_SERIAL_8250_CONSOLE'];

const PKG = /^[a-z0-9][a-z0-9+.-]+$/;

export function missingConfig(configText: string): string[] {
  return NEEDED_CONFIG.filter((o) => !new RegExp(`^${o}=y$`, 'm').test(configText));
}

function imageIn(root: string): { path: string; config?: string } | undefined {
  const boot = join(root, 'boot');
  if (!existsSync(boot)) return undefined;
  const files = readdirSync(boot);
  const img = files.find((f) => /^vmlinuz-/.test(f));
  if (!img) return undefined;
  const cfg = files.find((f) => f === `config-${img.slice('vmlinuz-'.length)}`);
  return { path: join(boot, img), config: cfg ? join(boot, cfg) : undefined };
}

function fromImage(spec: string, found: { path: string; config?: string }): KernelImage {
  const missing = found.config ? missingConfig(readFileSync(found.config, 'utf8')) : [];
  if (missing.length) throw new InputError(`--kernel ${spec}: its config lacks ${missing.join(', ')}=y; pick a kernel built with NUMA and migration (e.g. debian:linux-image-6.1.0-47-cloud-amd64-unsigned)`);
  return { spec, ...found, missing };
}

/** apt-get download + dpkg -x into <cache>/kernels/<package>, once. */
function debianKernel(spec: string, pkg: string): KernelImage {
  if (!PKG.test(pkg)) throw new InputError(`--kernel ${spec}: ${JSON.stringify(pkg)} is not a Debian package name (e.g. debian:linux-image-6.1.0-47-cloud-amd64-unsigned)`);
  const root = join(cacheDir('kernels'), pkg);
  const have = imageIn(root);
  if (have) return fromImage(spec, have);
  const apt = requireTool('apt-get', 'debian: kernels are fetched with apt-get download');
  const dpkg = requireTool('dpkg-deb', 'debian: kernels are unpacked with dpkg -x');
  const work = mkdtempSync(join(cacheDir('kernels'), '.fetch-'));
  try {
    try {
      execFileSync(apt, ['download', pkg], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = (e as { stderr?: Buffer }).stderr?.toString() ?? '';
      const line = err.split('\n').find((l) => l.startsWith('E:')) ?? err.trim().split('\n').pop() ?? String(e);
      throw new InputError(`--kernel ${spec}: apt-get download ${pkg} failed: ${line.trim()}\n(run apt-get update; list the images with: apt-cache search linux-image | grep cloud-amd64)`);
    }
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new InputError(`--kernel ${spec}: apt-get download left no .deb in ${work}`);
    const out = join(work, 'root');
    execFileSync(dpkg, ['-x', join(work, deb), out], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (!imageIn(out)) throw new InputError(`--kernel ${spec}: package ${pkg} holds no boot/vmlinuz-*; use a linux-image-* package`);
    rmSync(root, { recursive: true, force: true });
    renameSync(out, root);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return fromImage(spec, imageIn(root)!);
}

/** A bzImage or vmlinuz on disk; a kernel source tree is pointed at its arch/x86/boot/bzImage. */
function pathKernel(spec: string): KernelImage {
  const p = resolve(spec);
  let st;
  try { st = statSync(p); } catch { throw new InputError(`--kernel ${spec}: no such file (a bzImage/vmlinuz path, or debian:<package>)`); }
  if (st.isDirectory()) {
    const bz = join(p, 'arch/x86/boot/bzImage');
    if (existsSync(bz)) return pathKernel(bz);
    throw new InputError(`--kernel ${spec}: is a directory; give the image, e.g. --kernel ${join(spec, 'arch/x86/boot/bzImage')}`);
  }
  const cfg = join(p, '..', '..', '..', '..', '.config'); // arch/x86/boot/bzImage in a build tree
  return fromImage(spec, { path: p, config: basename(p) === 'bzImage' && existsSync(cfg) ? cfg : undefined });
}

export function resolveKernel(spec: string): KernelImage {
  return spec.startsWith('debian:') ? debianKernel(spec, spec.slice('debian:'.length)) : pathKernel(spec);
}

