// The environment a result was measured in, so a figure can be traced to its machine and commit.
import os from 'node:os';
import { execFileSync } from 'node:child_process';

import type { EnvReport as RunEnv } from '../report/schema.js';

let cachedCommit: string | null | undefined;

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
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    gitCommit: cachedCommit,
    hostname: os.hostname(),
  };
}
