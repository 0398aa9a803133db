// kernel-check: the real-kernel twin of a scenario, booted under QEMU once per slot of a mirrored
// order (ABBA for two kernels), each kernel's trials gathered into a run-shaped result, every kernel
// after the first judged against it with compare's statistics (the trial as the unit).
import { InputError } from '../run/params.js';
import type { ComparisonTable } from '../report/compare.js';
import { compareKernels, distinctLabels, mirrorOrder, type KernelComparison } from './kernel-compare.js';
import type { RunResult } from '../report/schema.js';
import { runEnv } from '../run/env.js';
import { parseConsole, MARK } from './console-parse.js';
import { bootQemu, lastLines } from './qemu-process.js';
import { detectAccel, qemuArgs, shellLine, type Accel } from './qemu-args.js';
import { resolveKernel, type KernelImage } from './kernels.js';
import { buildInitramfs } from './workload-build.js';
import { requireTool } from './tools.js';
import { kernelRunResult, TCG_WARNING, type BootRecord, type KernelRunResult, type TrialRecord } from './result.js';
import type { GuestEnv, GuestTrialBase } from './console-parse.js';
import type { GuestWorkload } from './guest-workload.js';
import { movePagesWorkload } from './move-pages-workload.js';
import { offlineRefaultWorkload } from './offline-refault-workload.js';

/** Every workload, by name: each the real-kernel twin of the scenario of that name. */
const GUEST_WORKLOADS: Record<string, GuestWorkload> = {
  'move-pages-race': movePagesWorkload as unknown as GuestWorkload,
  'offline-refault': offlineRefaultWorkload as unknown as GuestWorkload,
};
export const WORKLOADS = Object.keys(GUEST_WORKLOADS);
export { MAPPINGS } from './move-pages-workload.js';

/** More kernels than this in one check would take too long to boot in mirrored blocks. */
export const MAX_KERNELS = 6;

export function guestWorkload(name: string): GuestWorkload {
  const w = GUEST_WORKLOADS[name];
  if (!w) throw new InputError(`unknown kernel-check workload ${JSON.stringify(name)}; known: ${WORKLOADS.join(', ')}`);
  return w;
}

export interface KernelCheckOptions {
  workload: string;
  /** The --kernel values (paths or debian:<package>), at most MAX_KERNELS; the first is the baseline. */
  kernels: string[];
  /** move-pages-race: the page's mapping and the readers. */
  mapping: string;
  readers: number;
  /** offline-refault: faulter processes, pages in each round's region, the bound on one offline, the pc-dimm on node 1 (defaults 3, 256, 5 s, 512 MiB). */
  faulters?: number;
  pages?: number;
  offlineTimeoutS?: number;
  dimmMiB?: number;
  durationS: number;
  trials: number;
  /** Boots per kernel (several kernels: mirrored blocks, ABBA for two). */
  repeat: number;
  vcpus: number;
  memMiB: number;
  accel: Accel | 'auto';
  bootTimeoutS: number;
  /** Extra kernel command-line words (before the workload's), e.g. numa=off. */
  append?: string[];
  alpha?: number;
  withModel?: boolean;
  signal?: AbortSignal;
  /** Each boot as it ends. */
  onBoot?: (label: string, i: number, n: number, trials: TrialRecord<GuestTrialBase>[], line: string) => void;
  /** Each console line of each boot. */
  onConsole?: (line: string) => void;
}

export interface KernelCheckResult {
  command: 'kernel-check';
  workload: string;
  params: Record<string, number | string | boolean>;
  /** The kernels' labels in --kernel order (kernelLabel of each value; x′ when one is given twice); the first is the baseline. */
  labels: string[];
  order: string[];
  accel: Accel;
  kernels: Record<string, KernelRunResult<GuestTrialBase>>;
  /** Two kernels: every metric compared with the trial as the unit (comparisons[0].table). */
  comparison?: ComparisonTable;
  /** Two kernels: the primary row's verdict, in words. */
  verdict?: string;
  /** Two or more kernels: each after the first against the first, primaries Holm-adjusted across them. */
  comparisons?: KernelComparison[];
  /** --with-model: the model's matching run per kernel label. */
  model?: Record<string, RunResult>;
  complete: boolean;
  interrupted: boolean;
  warnings: string[];
}

/** move-pages-race's compared metrics (each workload has its own: guestWorkload(name).metrics). */
export const KERNEL_METRICS = movePagesWorkload.metrics;

export function validateOptions(o: KernelCheckOptions): void {
  guestWorkload(o.workload).validate(o);
  if (o.kernels.length === 0) throw new InputError('kernel-check needs --kernel <bzImage path | debian:<package>> (e.g. --kernel debian:linux-image-6.1.0-47-cloud-amd64-unsigned)');
  if (o.kernels.length > MAX_KERNELS) throw new InputError(`--kernel given ${o.kernels.length} times: kernel-check compares at most ${MAX_KERNELS} kernels at a time`);
  if (!Number.isInteger(o.vcpus) || o.vcpus < 2 || o.vcpus % 2) throw new InputError(`--vcpus ${o.vcpus}: expected an even number >= 2 (split over two NUMA nodes)`);
  if (o.memMiB < 128) throw new InputError(`--mem ${o.memMiB}: expected at least 128 (MiB, split over two nodes)`);
}

function workloadArgs(w: GuestWorkload, o: KernelCheckOptions): string[] {
  // --host-pid: ignored by the guest, it lets `pgrep -f "host-pid <pid>"` find this process's QEMU.
  return [...w.args(o), '--host-pid', String(process.pid)];
}

interface Side { image: KernelImage; guest?: GuestEnv; trials: TrialRecord<GuestTrialBase>[]; boots: BootRecord[]; command?: string; startedAt: string; warnings: string[] }

/** One boot: QEMU up, the workload's lines parsed; every way it can fail an InputError with the console's tail. */
async function oneBoot(o: KernelCheckOptions, w: GuestWorkload, qemu: string, accel: Accel, side: Side, initrd: string, index: number): Promise<boolean> {
  const extra = w.guest(o);
  const args = qemuArgs(accel, { vcpus: o.vcpus, memMiB: o.memMiB, dimmMiB: extra.dimmMiB }, side.image.path, initrd, workloadArgs(w, o), [...(extra.append ?? []), ...(o.append ?? [])]);
  side.command ??= shellLine([qemu, ...args]);
  const runTimeoutS = w.runTimeoutS(o);
  let out = await bootQemu({ qemu, args, bootTimeoutS: o.bootTimeoutS, runTimeoutS, readyMarker: MARK.env, signal: o.signal, onLine: o.onConsole });
  let parsed = parseConsole(out.lines);
  const crash = /Kernel panic|Oops|BUG:/;
  // A guest that crashed before /init ran is booted again, twice at most: multi-threaded TCG has crashed 6.12 at
  // boot here (enqueue_timer; sched_clock_cpu at a patched jump-label site), once twice in a row.
  for (let retry = 1; retry <= 2 && !out.interrupted && !parsed.env && crash.test(lastLines(out.lines)); retry++) {
    side.warnings.push(`boot ${index}: the guest crashed before the workload started (${lastLines(out.lines).split('\n').find((l) => crash.test(l))?.replace(/^\s*\|\s*/, '').trim()}); booted again`);
    out = await bootQemu({ qemu, args, bootTimeoutS: o.bootTimeoutS, runTimeoutS, readyMarker: MARK.env, signal: o.signal, onLine: o.onConsole });
    parsed = parseConsole(out.lines);
  }
  if (out.interrupted) { side.trials.push(...parsed.trials.map((t) => ({ ...t, boot: index }))); return false; }
  const tail = lastLines(out.lines);
  if (!parsed.env) {
    const hint = /kvm/i.test(tail) ? '(KVM is not usable here: use --accel tcg)'
      : crash.test(tail) ? `(the guest crashed before /init three times in a row${accel === 'tcg' ? '; multi-threaded TCG on a loaded host does this now and then: run again, or with fewer --vcpus' : ''})`
        : '(is it an x86-64 bzImage with CONFIG_BLK_DEV_INITRD and CONFIG_SERIAL_8250_CONSOLE?)';
    throw new InputError(`--kernel ${side.image.spec}: QEMU exited (code ${out.exitCode}) before the workload started; last console lines:\n${tail || '  | (nothing on the console)'}\n${hint}`);
  }
  side.guest = parsed.env;
  if (parsed.error?.error === 'one-node') throw new InputError(`--kernel ${side.image.spec}: the guest sees ${parsed.env.nodes} NUMA node(s), the workload needs two; build the kernel with CONFIG_NUMA=y and CONFIG_ACPI_NUMA=y (QEMU passes the nodes in the ACPI SRAT)${o.append?.length ? ` and check --append ${o.append.join(' ')}` : ''}`);
  if (parsed.error?.error === 'no-movable-block') throw new InputError(`--kernel ${side.image.spec}: node 1 has no onlined ZONE_MOVABLE memory block to offline; the kernel needs CONFIG_MEMORY_HOTPLUG, CONFIG_MEMORY_HOTREMOVE and CONFIG_ACPI_HOTPLUG_MEMORY (the pc-dimm is ACPI-hotplugged memory)${o.append?.length ? ` and check --append ${o.append.join(' ')}` : ''}`);
  if (parsed.error) throw new InputError(`--kernel ${side.image.spec}: the workload failed in the guest: ${parsed.error.error}`);
  if (!parsed.done) throw new InputError(`--kernel ${side.image.spec}: the guest stopped after ${parsed.trials.length} of ${o.trials} trial(s) (a panic or an oops?); last console lines:\n${tail}`);
  if (parsed.garbled.length) side.warnings.push(`${parsed.garbled.length} marker line(s) cut by kernel messages were dropped`);
  side.trials.push(...parsed.trials.map((t) => ({ ...t, boot: index })));
  side.boots.push({ index, bootS: out.bootS, totalS: out.totalS, qemuExit: out.exitCode });
  return true;
}

/** A short label: debian:linux-image-6.1.0-47-cloud-amd64-unsigned -> debian:6.1.0-47-cloud-amd64; a path as given. */
export function kernelLabel(spec: string): string {
  return spec.startsWith('debian:') ? spec.replace(/^debian:linux-image-/, 'debian:').replace(/-unsigned$/, '') : spec;
}

/** Runs the check end to end; throws InputError for bad input and missing parts (no QEMU is left running). */
export async function runKernelCheck(o: KernelCheckOptions): Promise<KernelCheckResult> {
  validateOptions(o);
  const w = guestWorkload(o.workload);
  const qemu = requireTool('qemu-system-x86_64', 'kernel-check boots the kernel under QEMU');
  const images = o.kernels.map(resolveKernel);
  const initrd = buildInitramfs(o.workload);
  const accel = o.accel === 'auto' ? detectAccel() : o.accel;
  const short = o.kernels.map(kernelLabel);
  const labels = distinctLabels(short);
  const sides = new Map<string, Side>(labels.map((l, i) => [l, { image: images[i], trials: [], boots: [], startedAt: new Date().toISOString(), warnings: [] }]));
  const order = mirrorOrder(labels, o.repeat);
  let interrupted = false;
  let done = 0;
  for (let i = 0; i < order.length; i++) {
    if (o.signal?.aborted) { interrupted = true; break; }
    const side = sides.get(order[i])!;
    if (!(await oneBoot(o, w, qemu, accel, side, initrd, i))) { interrupted = true; break; }
    done = i + 1;
    const trials = side.trials.filter((t) => t.boot === i);
    o.onBoot?.(order[i], i, order.length, trials, w.bootLine(trials));
  }
  const params = { workload: o.workload, append: (o.append ?? []).join(' '), ...w.params(o), durationS: o.durationS, trials: o.trials, repeat: o.repeat, vcpus: o.vcpus, memMiB: o.memMiB, accel };
  const host = runEnv();
  const kernels = Object.fromEntries(labels.map((l) => {
    const s = sides.get(l)!;
    return [l, kernelRunResult({ workloadSpec: w, spec: s.image.spec, label: l, workload: o.workload, params, env: { ...host, accel, qemuCommand: s.command ?? '' }, guest: s.guest, trials: s.trials, boots: s.boots, startedAt: s.startedAt, interrupted, extraWarnings: s.warnings })];
  }));
  const res: KernelCheckResult = { command: 'kernel-check', workload: o.workload, params, labels, order: order.slice(0, done), accel, kernels, complete: !interrupted, interrupted, warnings: accel === 'tcg' ? [TCG_WARNING] : [] };
  if (labels.length >= 2) {
    const units = Object.fromEntries(labels.map((l) => [l, kernels[l].trials.map(w.trialSummary)]));
    res.comparisons = compareKernels(w.metrics, labels, units, o.alpha ?? 0.05);
    if (labels.length === 2) [res.comparison, res.verdict] = [res.comparisons[0].table, res.comparisons[0].verdict];
    if (o.trials * o.repeat < 6) res.warnings.push(`${o.trials * o.repeat} trials per kernel: fewer than 6, so secondary rows cannot reach a Holm-adjusted verdict`);
    res.warnings.push('trials of one boot share that boot\'s placement and timing: the trial-level p is optimistic when boots differ (raise --repeat to spread the trials over boots)');
  }
  if (o.withModel && !interrupted) {
    res.model = {};
    for (const l of labels) res.model[l] = await w.modelTwin(o, kernels[l].env.guestRelease, o.signal);
  }
  return res;
}
