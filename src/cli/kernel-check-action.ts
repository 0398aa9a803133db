// kernel-check: the option words to KernelCheckOptions, the boots with progress on stderr, the
// result printed (text or --json) and written (--out, atomically).
import { writeJsonAtomic } from '../run/results-file.js';
import { InputError } from '../run/params.js';
import { checkOutputs } from './actions.js';
import { withInterrupt, type Io } from './io.js';
import { outWidth } from './terminal.js';
import { runKernelCheck, type KernelCheckOptions } from '../kernel-check/check.js';
import { renderKernelCheckText } from '../kernel-check/text.js';

export interface KernelCheckCliOpts {
  kernel: string[];
  mapping: string;
  readers: number;
  faulters: number;
  pages: number;
  offlineTimeout: number;
  dimm: number;
  duration: number;
  trials: number;
  repeat?: number;
  vcpus: number;
  mem: number;
  accel: string;
  bootTimeout: number;
  append?: string;
  alpha: number;
  withModel?: boolean;
  console?: boolean;
  json?: boolean;
  quiet?: boolean;
  out?: string;
}

export async function kernelCheckAction(io: Io, workload: string, opts: KernelCheckCliOpts, extra: string[]): Promise<void> {
  if (extra.length) throw new InputError(`unexpected argument ${JSON.stringify(extra[0])} (kernel-check takes one workload; see kernel-check --help)`);
  if (!['auto', 'kvm', 'tcg'].includes(opts.accel)) throw new InputError(`--accel ${JSON.stringify(opts.accel)}: expected auto, kvm or tcg`);
  checkOutputs(opts);
  const log = (s: string): void => { if (!opts.quiet) io.err(`${s}\n`); };
  const o: KernelCheckOptions = {
    workload, kernels: opts.kernel, mapping: opts.mapping, readers: opts.readers,
    faulters: opts.faulters, pages: opts.pages, offlineTimeoutS: opts.offlineTimeout, dimmMiB: opts.dimm, durationS: opts.duration, trials: opts.trials,
    repeat: opts.repeat ?? (opts.kernel.length >= 2 ? 2 : 1), vcpus: opts.vcpus, memMiB: opts.mem, accel: opts.accel as KernelCheckOptions['accel'],
    bootTimeoutS: opts.bootTimeout, append: opts.append?.split(/\s+/).filter(Boolean), alpha: opts.alpha, withModel: opts.withModel,
    onBoot: (label, i, n, _trials, line) => log(`boot ${i + 1}/${n}: ${label}: ${line}`),
    onConsole: opts.console ? (l) => io.err(`  | ${l}\n`) : undefined,
  };
  const res = await withInterrupt(io, (signal) => runKernelCheck({ ...o, signal }));
  if (opts.out) writeJsonAtomic(opts.out, res);
  io.out(opts.json ? `${JSON.stringify(res, null, 2)}\n` : `${renderKernelCheckText(res, outWidth())}\n`);
  io.exitCode = res.interrupted ? 130 : 0;
}
