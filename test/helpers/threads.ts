// Runs routines on real worker_threads for tests: each worker imports a module and calls one of its
// exports with its payload; the returned value comes back. A throw in a worker rejects the run.
import { Worker } from 'node:worker_threads';

export interface ThreadJob {
  /** Module URL (import.meta.url-relative, compiled .js) exporting the routine. */
  module: string;
  fn: string;
  payload: unknown;
}

export async function runThreads<T = unknown>(jobs: ThreadJob[], timeoutMs = 60_000): Promise<T[]> {
  const workers: Worker[] = [];
  const runs = jobs.map((job) => new Promise<T>((resolve, reject) => {
    const wk = new Worker(new URL('./thread-entry.js', import.meta.url), { workerData: job });
    workers.push(wk);
    wk.once('message', (v: T) => resolve(v));
    wk.once('error', reject);
    wk.once('exit', (code) => { if (code !== 0) reject(new Error(`worker ${job.fn} exited with code ${code}`)); });
  }));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`threads did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.all(runs), timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((wk) => wk.terminate()));
  }
}
