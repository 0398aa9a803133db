// The environment a result was measured in, so a figure can be traced to its machine and commit.
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import type { EnvReport as RunEnv } from '../report/schema.js';

let cachedCommit: string | null | undefined;

/** The process's CPU affinity (taskset's mask) as the kernel lists it, e.g. "0-3,8"; null off Linux. */
export function cpusAllowedList(): string | null {
  try {
    return readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\s*(\S+)/m)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The machine a run is labelled with in merged results: PAGESTORM_MACHINE (e.g. a Kubernetes node name), else the hostname. */
export function machineName(): string {
  return process.env.PAGESTORM_MACHINE?.trim() || os.hostname();
}

export function runEnv(): RunEnv {
  if (cachedCommit === undefined) {
    try {
      cachedCommit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd: new URL('../../..', import.meta.url).pathname }).trim() || null;
    } catch {
      cachedCommit = null;
    }
  }
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    onlineCpus: os.cpus().length,
    cpusAllowed: cpusAllowedList(),
    machine: machineName(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    gitCommit: cachedCommit,
    hostname: os.hostname(),
  };
}
