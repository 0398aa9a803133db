// The coordinator's side: enqueue a run's blocks, follow them to the end, keep one result per block
// (a block that ran twice, after a stall, counts once), and report refusals with the worker's reason.
import { randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectionOf, probe } from './connection.js';
import { QUEUE_NAME, type BlockJob, type BlockResult } from './job.js';

export interface QueueOutcome {
  results: Map<number, BlockResult>;
  /** Block -> the worker's reason, for blocks a worker refused. */
  refused: Map<number, string>;
  interrupted: boolean;
}

export async function runOnQueue(url: string, jobs: readonly BlockJob[], o: { signal?: AbortSignal; onDone?: (job: BlockJob, r: BlockResult, done: number) => void; onRefused?: (job: BlockJob, why: string) => void; pollMs?: number }): Promise<QueueOutcome> {
  await probe(url);
  const queue = new Queue<BlockJob, BlockResult>(QUEUE_NAME, { connection: connectionOf(url) });
  const run = randomUUID().slice(0, 8);
  const results = new Map<number, BlockResult>();
  const refused = new Map<number, string>();
  const byId = new Map(jobs.map((j) => [`${run}-${j.block}`, j]));
  try {
    // Custom ids make a re-add a no-op; a failure is final (a refusal does not change on retry; a dead worker is a stall, not a failure).
    await queue.addBulk(jobs.map((j) => ({ name: `block-${j.block}`, data: j, opts: { jobId: `${run}-${j.block}`, attempts: 1, removeOnComplete: false, removeOnFail: false } })));
    while (results.size + refused.size < jobs.length && !o.signal?.aborted) {
      for (const [id, j] of byId) {
        if (results.has(j.block) || refused.has(j.block)) continue;
        const job = await Job.fromId<BlockJob, BlockResult>(queue, id);
        const state = job ? await job.getState() : 'unknown';
        if (state === 'completed' && job?.returnvalue) { results.set(j.block, job.returnvalue); o.onDone?.(j, job.returnvalue, results.size); }
        if (state === 'failed') {
          // The job was read before its state: a failure recorded in between is read again for its reason.
          const why = job?.failedReason ?? (await Job.fromId<BlockJob, BlockResult>(queue, id))?.failedReason ?? 'failed';
          refused.set(j.block, why);
          o.onRefused?.(j, why);
        }
      }
      await sleep(o.pollMs ?? 250);
    }
    return { results, refused, interrupted: o.signal?.aborted === true };
  } finally {
    for (const id of byId.keys()) await queue.remove(id).catch(() => 0); // only this run's jobs; a locked one stays until its worker lets go
    await queue.close();
  }
}
