// The piscina pool for one run: one long-running task per role, each on its own thread.
// Defaults would queue long tasks (min = cpus/2), so min = max = roles and no queue (ecosystem-notes §1).
import { Piscina } from 'piscina';

export function createRolePool(threads: number): Piscina {
  const pool = new Piscina({
    filename: new URL('../workers/entry.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    maxQueue: 0,
    idleTimeout: Infinity,
    closeTimeout: 2000,
  });
  pool.on('error', () => { /* surfaced through the task promises; close() must not reject */ });
  return pool;
}
