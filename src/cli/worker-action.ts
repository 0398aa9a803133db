// pagestorm worker: runs queued blocks until Ctrl-C or SIGTERM (the current block is abandoned and runs again elsewhere).
import { runWorker } from '../queue/worker.js';
import { cliRegistry } from './patches.js';
import type { Io } from './io.js';

export async function workerAction(io: Io, opts: { queue: string; lockMs: number }): Promise<void> {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runWorker(opts.queue, cliRegistry(), { lockMs: opts.lockMs, signal: ac.signal, log: (s) => io.err(`${new Date().toISOString()} ${s}\n`) });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
