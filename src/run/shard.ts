// --shard i/n: which part of the work this process runs, decided from i, n and the plan alone, so
// n machines given 0/n .. n-1/n run every part exactly once with no coordination.
import { InputError } from './params.js';

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

export function parseShard(raw: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) throw new InputError(`--shard ${JSON.stringify(raw)}: expected i/n with 0 <= i < n, e.g. 0/4 (Kubernetes: $JOB_COMPLETION_INDEX/N)`);
  return { index, count };
}

export const shardLabel = (s: Shard): string => `${s.index}/${s.count}`;

/** compare: a contiguous run of whole ABBA blocks (AB, BA, AB, ... stays balanced within each machine). */
export function shardBlocks(blocks: number, s: Shard): number[] {
  const from = Math.floor((s.index * blocks) / s.count);
  const to = Math.floor(((s.index + 1) * blocks) / s.count);
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/** sweep: cells dealt round-robin, so each machine sees low and high values alike (a machine never owns one end of the curve). */
export function shardCells<T>(cells: readonly T[], s: Shard): T[] {
  return cells.filter((_, k) => k % s.count === s.index);
}

/** soak: this shard's share of the seconds (the n shares add up to the whole). */
export function shardSeconds(total: number, s: Shard): number {
  return (total * (s.index + 1)) / s.count - (total * s.index) / s.count;
}
