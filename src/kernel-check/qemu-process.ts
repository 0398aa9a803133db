// One QEMU boot: spawned in its own process group, its serial console read line by line, killed
// on every exit path (the caller's abort, a timeout, SIGTERM/SIGHUP, process exit). A kill -9 of
// node cannot be caught: the guest's --duration bound and `timeout` below end QEMU anyway.
import { spawn, type ChildProcess } from 'node:child_process';
import { InputError } from '../run/params.js';

const live = new Set<ChildProcess>();
let hooked = false;

function killGroup(c: ChildProcess): void {
  try { if (c.pid) process.kill(-c.pid, 'SIGKILL'); } catch { try { c.kill('SIGKILL'); } catch { /* gone */ } }
}

/** Kills every QEMU still running (exported for tests and the exit hooks). */
export function killAllQemu(): void {
  for (const c of live) killGroup(c);
  live.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllQemu);
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAllQemu();
      process.exit(128 + (sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

export interface BootOptions {
  qemu: string;
  args: string[];
  /** Seconds from spawn to the workload's first marker line. */
  bootTimeoutS: number;
  /** Seconds from that line to QEMU's exit. */
  runTimeoutS: number;
  /** The line that says the workload started. */
  readyMarker: string;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

export interface BootOutcome {
  lines: string[];
  exitCode: number | null;
  bootS: number;
  totalS: number;
  interrupted: boolean;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1bc|\r/g;

export function lastLines(lines: readonly string[], n = 15): string {
  return lines.filter((l) => l.trim()).slice(-n).map((l) => `  | ${l}`).join('\n');
}

/** Boots and waits for QEMU's exit; a boot timeout is an InputError with the last console lines. */
export function bootQemu(o: BootOptions): Promise<BootOutcome> {
  hookExit();
  const t0 = performance.now();
  // `timeout` bounds QEMU's life even if node dies by SIGKILL; -k: SIGKILL 5 s after its SIGTERM.
  const hardCap = Math.ceil(o.bootTimeoutS + o.runTimeoutS + 30);
  const child = spawn('timeout', ['-k', '5', String(hardCap), o.qemu, ...o.args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const lines: string[] = [];
  let partial = '';
  let ready = -1;
  let timedOut: string | undefined;
  let interrupted = false;
  const onData = (b: Buffer): void => {
    const parts = (partial + b.toString('latin1')).replace(ANSI, '').split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
      if (ready < 0 && l.includes(o.readyMarker)) { ready = performance.now(); arm(o.runTimeoutS, 'the workload did not finish'); }
      o.onLine?.(l);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let timer: NodeJS.Timeout | undefined;
  const arm = (s: number, why: string): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { timedOut = `${why} within ${s} s`; killGroup(child); }, s * 1000);
  };
  arm(o.bootTimeoutS, 'the kernel did not boot to the workload');
  const onAbort = (): void => { interrupted = true; killGroup(child); };
  o.signal?.addEventListener('abort', onAbort);
  if (o.signal?.aborted) onAbort();
  return new Promise((resolve, reject) => {
    child.on('error', (e) => { live.delete(child); clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      live.delete(child);
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (partial) lines.push(partial);
      const totalS = (performance.now() - t0) / 1000;
      if (timedOut && !interrupted) {
        const hint = ready < 0 ? '\n(an x86-64 kernel with a serial console and initramfs support? under TCG raise --boot-timeout; if KVM hangs, --accel tcg)' : '\n(raise --run-timeout, or lower --duration/--trials)';
        reject(new InputError(`${timedOut}; last console lines:\n${lastLines(lines) || '  | (nothing on the console)'}${hint}`));
        return;
      }
      resolve({ lines, exitCode: code, bootS: ready < 0 ? NaN : (ready - t0) / 1000, totalS, interrupted });
    });
  });
}
