// --with-model: the model's move-pages-race run that matches a guest kernel. x86 defers the unmap's
// TLB flush (TTU_BATCH_FLUSH) in migration only since v6.4 ("migrate_pages: batch flushing TLB"),
// so an older kernel is the model's eager flush and a newer one its deferred flush.
import { movePagesRace } from '../scenarios/move-pages-race.js';
import { defaultParams } from '../run/params.js';
import { runOnce } from '../run/run-once.js';
import type { RunResult } from '../report/schema.js';

/** 'eager' before v6.4, 'deferred' from v6.4 on (undefined when the release does not parse). */
export function tlbFlushFor(release: string): 'eager' | 'deferred' | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return undefined;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > 6 || (maj === 6 && min >= 4) ? 'deferred' : 'eager';
}

export interface ModelTwinOptions {
  mapping: string;
  readers: number;
  release: string;
  durationS: number;
  signal?: AbortSignal;
}

export async function modelTwin(o: ModelTwinOptions): Promise<RunResult> {
  const params = { ...defaultParams(movePagesRace), mapping: o.mapping, readers: Math.min(o.readers, 63), tlbFlush: tlbFlushFor(o.release) ?? 'eager' };
  return runOnce(movePagesRace, 'mainline', params, { durationS: o.durationS, warmupS: 0.5, seed: 1, signal: o.signal });
}
