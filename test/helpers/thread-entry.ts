// Worker side of runThreads(): import the named module, run the routine, post its result.
import { parentPort, workerData } from 'node:worker_threads';

const job = workerData as { module: string; fn: string; payload: unknown };
const mod = (await import(job.module)) as Record<string, (p: unknown) => unknown>;
if (typeof mod[job.fn] !== 'function') throw new Error(`no routine ${job.fn} in ${job.module}`);
parentPort!.postMessage(await mod[job.fn](job.payload));
