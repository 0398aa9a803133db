#!/usr/bin/env node
// pagestorm's command line (commander 14): parse, validate, call the runner, print. No model logic.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { SCENARIOS } from './scenarios/index.js';
import { InputError } from './run/params.js';
import { listAction, runAction, compareAction, type Io } from './cli/actions.js';
import { sweepAction } from './cli/long-actions.js';
import { soakAction } from './cli/soak-action.js';
import { mergeAction } from './cli/merge-action.js';
import { workerAction } from './cli/worker-action.js';
import { OutputPathError } from './run/results-file.js';
import { showcaseAction } from './cli/showcase.js';
import { benchAction } from './cli/bench-action.js';
import { loadCliPatches, patchOption } from './cli/patches.js';
import { kernelCheckAction } from './cli/kernel-check-action.js';

export const EXIT = { ok: 0, error: 1, badInput: 2, forbidden: 3, interrupted: 130 } as const;

const positive = (name: string) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InputError(`${name} ${JSON.stringify(v)}: expected a number > 0`);
  return n;
};
const count = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${name} ${JSON.stringify(v)}: expected a whole number >= 1`);
  return n;
};
const seedOf = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw new InputError(`--seed ${JSON.stringify(v)}: expected a whole number 0..2147483647`);
  return n;
};
const alphaOf = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !(n > 0 && n < 0.5)) throw new InputError(`--alpha ${JSON.stringify(v)}: expected a number in (0, 0.5), e.g. 0.05`);
  return n;
};
const nonNegative = (name: string) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InputError(`${name} ${JSON.stringify(v)}: expected a number >= 0`);
  return n;
};

/** Options every measuring command shares. */
function common(cmd: Command, duration: number): Command {
  return patchOption(cmd)
    .addOption(new Option('--duration <s>', 'measured seconds per run').argParser(positive('--duration')).default(duration))
    .addOption(new Option('--warmup <s>', 'warm-up seconds, excluded from the figures').argParser(nonNegative('--warmup')).default(0.5))
    .addOption(new Option('--seed <n>', 'seed for the perturbation hook (run i of a compare uses seed + i)').argParser(seedOf).default(1))
    .option('--json', 'print one JSON document instead of tables')
    .option('--quiet', 'no progress on stderr (warnings and errors still)')
    .option('--out <file>', 'write the JSON result to FILE (atomically)')
    .option('--html <file>', 'write an HTML report to FILE')
    .option('--oversubscribe', 'allow more role threads than 2x the cores this process may use (an oversubscription experiment)')
    .allowUnknownOption(true)
    .allowExcessArguments(true);
}

export function makeProgram(io: Io): Command {
  const program = new Command().name('pagestorm')
    .description('Re-creates Linux page-migration races on real threads over one SharedArrayBuffer')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .hook('preAction', loadCliPatches);
  const scenarioNames = SCENARIOS.map((s) => s.name).join(', ');

  patchOption(program.command('list').description('scenarios, their variants and parameters with defaults')
    .argument('[scenario]', `one of: ${scenarioNames}`)
    .option('--json', 'print JSON'))
    .action((name: string | undefined, opts) => listAction(io, name, opts));

  common(program.command('run').description('run one variant of a scenario; scenario parameters go as --flag value (see list)'), 5)
    .argument('<scenario>', scenarioNames)
    .requiredOption('--variant <name>', 'the variant to run')
    .addOption(new Option('--interval <s>', 'with --out: seconds between result snapshots (complete: false) while the run goes on').argParser(positive('--interval')).default(10))
    .action((name: string, opts, cmd: Command) => runAction(io, name, opts, cmd.args.slice(1)));

  common(program.command('compare').description('compare two variants in ABBA blocks, the run as the unit: exact tests, Holm across metrics, CIs and the MDE'), 3)
    .argument('<scenario>', scenarioNames)
    .requiredOption('--variants <a,b>', 'the two variants, before first (x,x: an A/A check of the machine\'s noise)')
    .addOption(new Option('--repeat <r>', 'ABBA blocks: each variant runs r times (even, >= 6 for a verdict on every row)').argParser(count('--repeat')).default(6))
    .addOption(new Option('--alpha <a>', 'family-wise error rate').argParser(alphaOf).default(0.05))
    .option('--primary <metric>', 'the metric tested alone at alpha (default: the scenario\'s own)')
    .option('--metrics <a,b>', 'narrow the Holm family to these metrics')
    .option('--until-verdict', 'add ABBA blocks until the primary metric has a verdict (group-sequential, Lan-DeMets O\'Brien-Fleming bounds)')
    .addOption(new Option('--max-repeat <n>', 'with --until-verdict: at most n blocks').argParser(count('--max-repeat')).default(20))
    .option('--shard <i/n>', 'run only shard i of n: a contiguous share of the ABBA blocks (merge the files with pagestorm merge)')
    .option('--queue <url>', 'spread the blocks over pagestorm worker processes through Redis (redis://[:password@]host:port, rediss:// for TLS)')
    .action((name: string, opts, cmd: Command) => compareAction(io, name, opts, cmd.args.slice(1)));

  common(program.command('sweep').description('run one variant over a list of values of one parameter'), 3)
    .argument('<scenario>', scenarioNames)
    .requiredOption('--variant <name>', 'the variant to run (or several: a,b)')
    .requiredOption('--param <flag>', 'the parameter to sweep, e.g. faulters')
    .requiredOption('--values <list>', 'comma-separated values, e.g. 0,1,2,3,4')
    .addOption(new Option('--repeat <r>', 'runs per value').argParser(count('--repeat')).default(1))
    .option('--shard <i/n>', 'run only shard i of n: the value x variant cells dealt round-robin (merge the files with pagestorm merge)')
    .option('--queue <url>', 'spread the runs over pagestorm worker processes through Redis (redis://[:password@]host:port, rediss:// for TLS)')
    .action((name: string, opts, cmd: Command) => sweepAction(io, name, opts, cmd.args.slice(1)));

  common(program.command('soak').description('one long run with interval logs (HdrHistogram .hlog) and a forbidden-outcome watch'), 3600)
    .argument('<scenario>', scenarioNames)
    .requiredOption('--variant <name>', 'the variant to run')
    .addOption(new Option('--interval <s>', 'seconds per interval run').argParser(positive('--interval')).default(10))
    .option('--log <file>', 'interval log (HdrHistogram log format, readable by HistogramLogProcessor)')
    .option('--stop-on-forbidden', 'end the soak at the first forbidden outcome (default: count on)')
    .option('--shard <i/n>', 'soak shard i of n: --duration / n seconds with seed + i (merge the files with pagestorm merge)')
    .option('--queue <url>', 'spread the soak over pagestorm worker processes through Redis: --duration cut into --blocks time blocks')
    .addOption(new Option('--blocks <n>', 'with --queue: time blocks (each --duration / n seconds, seed + i)').argParser(count('--blocks')).default(4))
    .action((name: string, opts, cmd: Command) => soakAction(io, name, opts, cmd.args.slice(1)));

  patchOption(program.command('worker').description('take blocks from a --queue (one at a time), run them on this machine, return the results')
    .requiredOption('--queue <url>', 'redis://[user:password@]host:port[/db], rediss:// for TLS; keep Redis off untrusted networks')
    .addOption(new Option('--lock-ms <ms>', 'a worker silent this long is taken for dead and its block runs elsewhere').argParser(count('--lock-ms')).default(10_000)))
    .action((opts) => workerAction(io, opts));

  patchOption(program.command('merge').description('join result files of one experiment (shards, queue workers): counters summed, histograms merged, machines kept apart in the tests')
    .argument('<files...>', 'compare, sweep, soak or run result files (--out) of one experiment')
    .option('--json', 'print one JSON document').option('--out <file>', 'write the merged JSON to FILE (atomically)').option('--html <file>', 'write an HTML report to FILE'))
    .action((files: string[], opts) => mergeAction(io, files, opts));

  program.command('bench').description('micro-benchmark the primitives against the bare Atomics they wrap')
    .option('--json', 'print one JSON document').option('--quick', 'fewer rounds')
    .action((opts) => benchAction(io, opts));

  program.command('kernel-check').description('the real-kernel twin of a scenario: boot a kernel (or two, ABBA) under QEMU on two NUMA nodes and run the workload')
    .argument('<workload>', 'move-pages-race or offline-refault')
    .option('--kernel <K>', 'a bzImage/vmlinuz path, or debian:<package> (apt-get download); again to compare kernels (the first is the baseline; at most 6)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--mapping <m>', 'shared-anon (forked readers/faulters on MAP_SHARED memory) or private-anon (threads on MAP_PRIVATE memory)', 'shared-anon')
    .addOption(new Option('--readers <n>', 'move-pages-race: readers looping on loads').argParser(nonNegative('--readers')).default(1))
    .addOption(new Option('--faulters <n>', 'offline-refault: forked faulters touching the region').argParser(nonNegative('--faulters')).default(3))
    .addOption(new Option('--pages <n>', 'offline-refault: pages in each round\'s region').argParser(count('--pages')).default(256))
    .addOption(new Option('--offline-timeout <s>', 'offline-refault: an offline running this long is interrupted (counted as timed out)').argParser(positive('--offline-timeout')).default(5))
    .addOption(new Option('--dimm <MiB>', 'offline-refault: the pc-dimm on node 1 whose 128 MiB blocks are offlined').argParser(count('--dimm')).default(512))
    .addOption(new Option('--duration <s>', 'seconds per trial').argParser(positive('--duration')).default(2))
    .addOption(new Option('--trials <n>', 'trials per boot').argParser(count('--trials')).default(3))
    .addOption(new Option('--repeat <r>', 'boots per kernel (several kernels: mirrored blocks, ABBA for two; default 2 with several kernels, else 1)').argParser(count('--repeat')))
    .addOption(new Option('--vcpus <n>', 'guest vCPUs, half on each node').argParser(count('--vcpus')).default(4))
    .addOption(new Option('--mem <MiB>', 'guest memory, half on each node').argParser(count('--mem')).default(512))
    .option('--accel <a>', 'auto (KVM when /dev/kvm works and the CPU has vmx/svm, else TCG), kvm or tcg', 'auto')
    .addOption(new Option('--boot-timeout <s>', 'seconds for the kernel to reach the workload').argParser(positive('--boot-timeout')).default(120))
    .option('--append <words>', 'extra kernel command-line words, e.g. "numa=off" or "mitigations=off"')
    .addOption(new Option('--alpha <a>', 'α of the two-kernel compare').argParser(alphaOf).default(0.05))
    .option('--with-model', 'also run the model\'s matching scenario run per kernel and print it beside')
    .option('--console', 'echo the guest\'s serial console on stderr')
    .option('--json', 'print one JSON document instead of tables')
    .option('--quiet', 'no progress on stderr')
    .option('--out <file>', 'write the JSON result to FILE (atomically)')
    .allowExcessArguments(true)
    .action((workload: string, opts, cmd: Command) => kernelCheckAction(io, workload, opts, cmd.args.slice(1)));

  program.command('showcase').description('every scenario, before vs after (what npm start runs)')
    .option('--quick', 'shorter runs').option('--json', 'print JSON').option('--quiet', 'no progress on stderr').option('--out <file>', 'write the JSON to FILE')
    .option('--html <file>', 'write an HTML report to FILE')
    .action((opts) => showcaseAction(io, opts));
  return program;
}

/** Runs the CLI; returns the exit code (0 clean, 1 error, 2 bad input, 3 forbidden outcome, 130 interrupted). */
export async function main(argv: string[], io: Io): Promise<number> {
  const program = makeProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode ?? EXIT.ok;
  } catch (e) {
    if (e instanceof InputError || e instanceof OutputPathError) { io.err(`error: ${e.message}\n`); return EXIT.badInput; }
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    io.err(`error: ${(e as Error).stack ?? e}\n`);
    return EXIT.error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), interactive: process.stderr.isTTY === true };
  process.exitCode = await main(process.argv.slice(2), io);
}
