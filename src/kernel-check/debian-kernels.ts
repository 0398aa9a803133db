// The Debian cloud images kernel-check is tested and documented with: bookworm's 6.1 (migration's
// unmap flushes the TLB at once on x86) and the 6.12 from bookworm (deferred, batched flush since v6.4).
import { execFileSync } from 'node:child_process';

export const DEBIAN_KERNELS = {
  '6.1': 'linux-image-6.1.0-47-cloud-amd64-unsigned',
  '6.12': 'linux-image-6.12.107+deb12-cloud-amd64-unsigned',
} as const;

const apt = (args: string[]): string => {
  try { return execFileSync('apt-cache', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }); } catch { return ''; }
};

/** debian:<package> for a series: the pinned package when apt knows it, else the newest cloud image of that series apt lists. */
export function debianCloudKernel(series: keyof typeof DEBIAN_KERNELS): string {
  const pinned = DEBIAN_KERNELS[series];
  if (/^Package:/m.test(apt(['show', pinned]))) return `debian:${pinned}`;
  const re = series === '6.1' ? /^linux-image-6\.1\.0-(\d+)-cloud-amd64-unsigned$/ : /^linux-image-6\.12\.(\d+)\+deb12-cloud-amd64-unsigned$/;
  const newest = apt(['pkgnames', 'linux-image-6.1']).split('\n').filter((n) => re.test(n))
    .sort((a, b) => Number(re.exec(a)![1]) - Number(re.exec(b)![1])).pop();
  return `debian:${newest ?? pinned}`;
}
