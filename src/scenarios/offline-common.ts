// What the two offline scenarios share: a ZONE_MOVABLE zone cut into offline ranges (memory blocks
// offlined in turn) and the rest, mapped pages booted into the first range, the offliner role, the
// checks once every role stopped, and the offline metrics (kernel-model.md §8).
import {
  DEFAULT_MEM, MIGRATE_ISOLATE, MIGRATE_MOVABLE, PAGE_WORDS, PCP_BATCH, PCP_HIGH, PF_FLAGS, PG_offline, Z_DRAIN_MUTEX,
  Z_PCP_HIGH_LOCK, Z_SAVED_BATCH, Z_SAVED_HIGH, type MemConfig,
} from '../shared/layout.js';
import type { Mem } from '../shared/memory.js';
import { zoneGeo } from '../shared/alloc/zone.js';
import { isolateDrainFor, type OfflineVariant } from '../shared/mm/memory-hotplug.js';
import { bootMappedPages, checkMappedPages, type MappedPages } from './mapped-pages.js';
import type { ParamSpec, Params, RoleSpec, Scenario, Violation } from './types.js';
import type { TaskOptions } from '../shared/task.js';

const num = (p: Params, k: string): number => p[k] as number;

export const offlineZoneParams: ParamSpec[] = [
  { key: 'pages', flag: 'pages', kind: 'int', min: 0, max: 64, default: 4, description: 'mapped pages booted into the first range (each offline must migrate them)' },
  { key: 'ranges', flag: 'ranges', kind: 'int', min: 2, max: 16, default: 2, description: 'memory blocks the zone is cut into, offlined in turn (a migrated page lands in another one)' },
  { key: 'rangeBlocks', flag: 'range-blocks', kind: 'int', min: 0, max: 64, default: 0, description: 'pageblocks per offline range; 0 = the fewest with which the other ranges hold every page in use' },
  { key: 'blockPages', flag: 'block-pages', kind: 'int', min: 4, max: 512, default: 16, description: 'pages per pageblock (kernel: 512)' },
  { key: 'pcpHigh', flag: 'pcp-high', kind: 'int', min: 1, max: 1024, default: 8, description: 'pcp->high: a free that brings a pcp list to high flushes batch pages', source: 'kernel default is ~6x batch; scaled down with the zone' },
  { key: 'pcpBatch', flag: 'pcp-batch', kind: 'int', min: 1, max: 256, default: 4, description: 'pcp->batch: pages per refill and per flush', source: 'kernel: 63 on large zones; scaled down with the zone' },
  { key: 'gapUs', flag: 'round-gap-us', kind: 'int', min: 0, default: 0, unit: 'µs', description: "the offliner's pause between rounds" },
];

/** Frames in use outside the range being offlined at worst: pages and their copies, held pages, full pcp lists. */
const framesNeeded = (p: Params, roles: number, heldPages: number): number =>
  2 * num(p, 'pages') + heldPages + roles * num(p, 'pcpHigh') + 8;

/** Pageblocks per range: --range-blocks, or the fewest with which the other ranges hold framesNeeded. */
export function rangeBlocksOf(p: Params, roles: number, heldPages: number): number {
  const ppb = num(p, 'blockPages');
  const others = Math.max(1, num(p, 'ranges') - 1);
  return num(p, 'rangeBlocks') || Math.max(1, Math.ceil(framesNeeded(p, roles, heldPages) / (others * ppb)));
}

/**
 * The offline ranges [start, end): the whole zone, cut into --ranges memory blocks offlined in turn, so
 * a page migrated out of one lands in another and is migrated again when that one's turn comes.
 */
export function offlineRanges(p: Params, roles: number, heldPages: number): [number, number][] {
  const len = rangeBlocksOf(p, roles, heldPages) * num(p, 'blockPages');
  return Array.from({ length: num(p, 'ranges') }, (_, i): [number, number] => [i * len, (i + 1) * len]);
}

export function mappedOf(p: Params, mapcount: number): MappedPages {
  return { pages: num(p, 'pages'), mapcount, file: false, pcpHigh: num(p, 'pcpHigh'), pcpBatch: num(p, 'pcpBatch') };
}

/** Zone size: the ranges and nothing else (every frame is offlined in its turn). */
export function offlineMemConfig(p: Params, roles: number, mapcount: number, heldPages: number): MemConfig {
  const ppb = num(p, 'blockPages');
  const pages = num(p, 'pages');
  const range = rangeBlocksOf(p, roles, heldPages) * ppb;
  if (num(p, 'ranges') < 2) throw new RangeError('--ranges must be at least 2: migration needs somewhere outside the range');
  if (pages > range) throw new RangeError(`--pages ${pages} does not fit one offline range of ${range} frames`);
  if (num(p, 'pcpBatch') > num(p, 'pcpHigh')) throw new RangeError(`--pcp-batch ${num(p, 'pcpBatch')} is above --pcp-high ${num(p, 'pcpHigh')}`);
  return {
    ...DEFAULT_MEM, pages: num(p, 'ranges') * range, pagesPerBlock: ppb,
    tasks: roles + 1, cpus: roles, mms: Math.max(1, mapcount), ptesPerMm: Math.max(1, pages), files: 1, slotsPerFile: Math.max(1, pages),
  };
}

/** Boot: every pageblock MOVABLE (the zone is ZONE_MOVABLE), every frame free, then the mapped pages. */
export function bootOfflineZone(m: Mem, p: Params, mapcount: number): void {
  for (let b = 0; b < m.L.nBlocks; b++) Atomics.store(m.w, m.L.blocks + b, MIGRATE_MOVABLE);
  bootMappedPages(m, mappedOf(p, mapcount));
}

export function offlinerRole(p: Params, variant: OfflineVariant, task: TaskOptions, budgetClock: 'round' | 'free-stall', ranges: [number, number][]): RoleSpec {
  return {
    role: 'offliner',
    parks: true,
    config: {
      variant, ranges, budgetMs: num(p, 'budgetMs'), budgetIters: num(p, 'budgetIters'), budgetClock,
      moveMapping: 'check-under-lock', allocOrder: 'before-lock', gapNs: num(p, 'gapUs') * 1000,
      preempt: { prob: (p.preemptProb as number | undefined) ?? 0, maxUs: (p.preemptUs as number | undefined) ?? 0, seed: num(p, 'seed') },
    },
    task: { ...task, allocator: { ...task.allocator, isolateDrain: isolateDrainFor(variant) } },
  };
}

/** Once every role stopped: mapped pages intact, conservation, no isolation, offline or pcp tuning left over. */
export function checkOfflineQuiescent(m: Mem, p: Params, mapcount: number): Violation[] {
  const out = checkMappedPages(m, mappedOf(p, mapcount));
  const w = m.w;
  const g = zoneGeo(m);
  for (let b = 0; b < m.L.nBlocks; b++) {
    if (Atomics.load(w, g.blockWord(b)) === MIGRATE_ISOLATE) out.push({ kind: 'invariant', detail: `pageblock ${b} is still MIGRATE_ISOLATE` });
  }
  for (let pfn = 0; pfn < g.nPages; pfn++) {
    if (Atomics.load(w, m.L.pages + pfn * PAGE_WORDS + PF_FLAGS) & PG_offline) { out.push({ kind: 'invariant', detail: `frame ${pfn} is still offline` }); break; }
  }
  const high = Atomics.load(w, g.zone + Z_SAVED_HIGH);
  const batch = Atomics.load(w, g.zone + Z_SAVED_BATCH);
  for (let cpu = 0; cpu < g.nCpus; cpu++) {
    const h = Atomics.load(w, g.cpuLine(cpu) + PCP_HIGH);
    const b = Atomics.load(w, g.cpuLine(cpu) + PCP_BATCH);
    if (h !== high || b !== batch) out.push({ kind: 'invariant', detail: `cpu ${cpu}: pcp high/batch ${h}/${b}, not restored to ${high}/${batch}` });
  }
  for (const [word, name] of [[Z_PCP_HIGH_LOCK, 'pcp_batch_high_lock'], [Z_DRAIN_MUTEX, 'the drain mutex']] as const) {
    if (Atomics.load(w, g.zone + word) !== 0) out.push({ kind: 'invariant', detail: `${name} still held` });
  }
  return out;
}

export const OFFLINE_HISTOGRAMS: Scenario['histograms'] = {
  offline: { unit: 'ns', description: 'time to offline: offline_pages() start -> range offline (finished rounds)' },
  itersPerRound: { unit: 'count', description: 'offline loop iterations per round' },
  drainsPerRound: { unit: 'count', description: 'drain_all_pages() calls per round (isolation included)' },
  checkFailsPerRound: { unit: 'count', description: 'failed test_pages_isolated() checks per round' },
  migratedPerRound: { unit: 'count', description: 'pages migrated out of the range per round' },
  migrateFailsPerRound: { unit: 'count', description: 'migrate_pages() failures per round' },
  pcpPagesAtCheck: { unit: 'count', description: "frames of the range on pcp lists at each check (each CPU's lists read with its IRQs off)" },
};

export function offlineRates(c: Record<string, number>): Record<string, { successes: number; trials: number }> {
  return { offlineCompletion: { successes: c.offlineFinished, trials: c.offlineRounds } };
}

export function offlineDerived(c: Record<string, number>): Record<string, number> {
  const rounds = c.offlineRounds || NaN;
  return {
    itersPerRound: c.offlineIters / rounds,
    drainsPerRound: c.drains / rounds,
    checkFailsPerRound: c.offlineCheckFails / rounds,
    pcpPagesPerCheck: c.offlinePcpSeen / ((c.offlineCheckFails + c.offlineFinished) || NaN),
    migratedPerRound: c.migrateSucceeded / rounds,
    migrateFailsPerRound: c.migrateFailed / rounds,
    timedOutRounds: c.offlineTimedOut,
  };
}

export const OFFLINE_BETTER: Record<string, 'higher' | 'lower'> = {
  itersPerRound: 'lower', drainsPerRound: 'lower', checkFailsPerRound: 'lower', pcpPagesPerCheck: 'lower', migrateFailsPerRound: 'lower',
};
