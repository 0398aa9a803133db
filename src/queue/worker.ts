// pagestorm worker --queue URL: takes one block at a time (concurrency 1: never two measuring runs on
// one machine), runs it, and returns the runs. A short lock makes a dead worker's block stall and go
// back to the queue for another worker (BullMQ's stalled-job check); a refusal fails the job with its reason.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { runOnce, type IntervalReport } from '../run/run-once.js';
import { intervalSummary } from '../run/interval-summary.js';
import type { IntervalSummary } from '../report/drift.js';
import { machineName } from '../run/env.js';
import type { Registry } from '../patch/registry.js';
import { connectionOf, probe, redact } from './connection.js';
import { QUEUE_NAME, refusalOf, type BlockJob, type BlockResult } from './job.js';

export interface WorkerOpts {
  /** Lock duration in ms: a worker silent this long is taken for dead and its block runs again. */
  lockMs: number;
  log: (line: string) => void;
  signal: AbortSignal;
}

export async function runWorker(url: string, reg: Registry, o: WorkerOpts): Promise<void> {
  await probe(url);
  const machine = machineName();
  const worker = new Worker<BlockJob, BlockResult>(QUEUE_NAME, async (job: Job<BlockJob>) => {
    const why = refusalOf(job.data, reg);
    if (why) { o.log(`refused block ${job.data.block} of ${job.data.scenario}: ${why}`); throw new UnrecoverableError(`${machine} refused: ${why}`); }
    const sc = reg.find(job.data.scenario)!;
    o.log(`block ${job.data.block} of ${job.data.scenario} started`);
    const runs: BlockResult['runs'] = [];
    for (const r of job.data.runs) {
      const intervalS = job.data.intervalS;
      const intervals: IntervalSummary[] = [];
      const res = await runOnce(sc, r.variant, job.data.params, {
        durationS: job.data.durationS, warmupS: job.data.warmupS, seed: r.seed, signal: o.signal,
        ...(intervalS ? { intervalS, onInterval: (iv: IntervalReport) => { intervals.push(intervalSummary(sc, iv)); } } : {}),
      });
      runs.push({ ...res, block: job.data.block, shard: `queue:${machine}`, label: r.label, ...(intervalS ? { intervalS, intervals } : {}) });
    }
    o.log(`block ${job.data.block} of ${job.data.scenario} done (${runs.map((r) => r.variant).join(', ')})`);
    return { machine, runs };
  }, { connection: connectionOf(url), concurrency: 1, lockDuration: o.lockMs, stalledInterval: o.lockMs, maxStalledCount: 3, autorun: true });
  worker.on('error', (e) => o.log(`queue error: ${e.message}`));
  o.log(`worker on ${machine} taking blocks from ${redact(url)} (queue ${QUEUE_NAME}, lock ${o.lockMs} ms)`);
  await new Promise<void>((resolve) => o.signal.addEventListener('abort', () => resolve(), { once: true }));
  await worker.close();
}
