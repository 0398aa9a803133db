// The QEMU command line: q35, N vCPUs split over two NUMA nodes each with its own RAM backend, the
// serial console on stdio, no reboot (the guest's power-off or panic ends QEMU); a pc-dimm on node 1 when
// the workload offlines memory.
import { closeSync, openSync, readFileSync } from 'node:fs';

export type Accel = 'kvm' | 'tcg';

export interface GuestShape {
  vcpus: number;
  memMiB: number;
  /** A pc-dimm of this size on node 1 (hotpluggable memory, ACPI-described: memblock never allocates from it). */
  dimmMiB?: number;
}

/**
 * KVM when /dev/kvm opens read-write and the CPU advertises vmx/svm; else multi-threaded TCG. A
 * /dev/kvm without the flags (a nested guest without nested virtualisation) can hang at boot.
 */
export function detectAccel(): Accel {
  try {
    const fd = openSync('/dev/kvm', 'r+');
    closeSync(fd);
    return /^flags\s*:.*\b(vmx|svm)\b/m.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 'kvm' : 'tcg';
  } catch {
    return 'tcg';
  }
}

/** The kernel command line: a quiet serial console, reboot at once on panic, the workload's words after "--" (init's argv). */
export function kernelCmdline(workloadArgs: readonly string[], append: readonly string[] = []): string {
  return ['console=ttyS0', 'panic=-1', 'quiet', ...append, '--', ...workloadArgs].join(' ');
}

export function qemuArgs(accel: Accel, shape: GuestShape, kernel: string, initrd: string, workloadArgs: readonly string[], append: readonly string[] = []): string[] {
  const half = shape.vcpus / 2;
  const nodeMiB = Math.floor(shape.memMiB / 2);
  const dimm = shape.dimmMiB ?? 0;
  return [
    '-accel', accel === 'kvm' ? 'kvm' : 'tcg,thread=multi',
    '-M', 'q35', ...(accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-smp', String(shape.vcpus), '-m', dimm ? `${2 * nodeMiB}M,slots=1,maxmem=${2 * nodeMiB + dimm}M` : `${2 * nodeMiB}M`,
    '-object', `memory-backend-ram,id=m0,size=${nodeMiB}M`,
    '-object', `memory-backend-ram,id=m1,size=${nodeMiB}M`,
    '-numa', `node,nodeid=0,cpus=0-${half - 1},memdev=m0`,
    '-numa', `node,nodeid=1,cpus=${half}-${shape.vcpus - 1},memdev=m1`,
    ...(dimm ? ['-object', `memory-backend-ram,id=d1,size=${dimm}M`, '-device', `pc-dimm,id=dimm1,memdev=d1,node=1`] : []),
    '-nodefaults', '-nographic', '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
    '-kernel', kernel, '-initrd', initrd,
    '-append', kernelCmdline(workloadArgs, append),
  ];
}

/** A shell-quoted rendering, for the result's env and the error messages. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}
