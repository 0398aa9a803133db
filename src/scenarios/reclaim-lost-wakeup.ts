// Seed 000 (§7.2, C000-6/7/8): reclaim's lock-less unlock after __remove_mapping meets a
// put_and_wait waiter that queued, then dropped its reference while reclaim held the page lock.
// Four variants: the reclaim unlock (v4.19 __ClearPageLocked / v5.0 unlock_page) x the faulters'
// migration-entry wait (v4.19 wait_on_page_locked / v5.0 put_and_wait_on_page_locked).
import {
  DEFAULT_MEM, LINE, NIL, PAGE_WORDS, PF_FLAGS, PF_INDEX, PF_MAPCOUNT, PF_MAPPING, PF_REF, PG_locked, PG_lru, PG_uptodate,
  WAIT_TABLE_SIZE, WQ_LIST,
} from '../shared/layout.js';
import type { Mem } from '../shared/memory.js';
import type { WaitVariant } from '../shared/mm/fault.js';
import type { ReclaimUnlock } from '../shared/mm/vmscan.js';
import { isPresent, ptePfn, pteCell } from '../shared/pagetable.js';
import { fileMapping, slotCell } from '../shared/pagecache.js';
import { auditConservation, pageCensus } from '../shared/alloc/conservation.js';
import { sleepersAtDrain } from '../shared/watchdog.js';
import type { CostModel } from '../shared/cost.js';
import { bootMappedPages, framesFor } from './mapped-pages.js';
import { costParams, costModelFrom, migrateModeFrom, migrateModeParams, sleepParams, waitOptionsFrom } from './common-params.js';
import type { ParamSpec, Params, RoleSpec, Scenario, Violation } from './types.js';

const num = (p: Params, k: string): number => p[k] as number;
const FILE = 0;

/** A variant name is `<reclaim unlock>+<migration-entry wait>`. */
export function splitVariant(variant: string): { unlock: ReclaimUnlock; wait: WaitVariant } {
  const [unlock, wait] = variant.split('+');
  return { unlock: unlock as ReclaimUnlock, wait: wait as WaitVariant };
}

// The race (§7.2) needs a faulter's get -> put window (put_and_wait) to outlast the migrator's remaining
// passes, and to end while the reclaimer holds the lock before its freeze. Defaults chosen by measuring
// time to first detection on 2 loaded cores (notes in the test file); every variant runs the same ones.
const DEFAULTS: Record<string, number> = { jitterProb: 0.2, jitterNs: 500_000 };

const params: ParamSpec[] = [
  { key: 'faulters', flag: 'faulters', kind: 'int', min: 1, role: true, default: 1, description: 'faulter threads, each mapping every page in its own mm (a second one refaults between unmap and freeze: its find_get_page reference, held through wait_on_page_locked, fails the freeze and hides the race)' },
  { key: 'migrators', flag: 'migrators', kind: 'int', min: 0, role: true, default: 1, description: 'migrator threads (they put the migration entries the faulters wait on)' },
  { key: 'pages', flag: 'pages', kind: 'int', min: 1, max: 1 << 16, default: 4, description: 'page-cache pages of the file (each mapped by every faulter)' },
  { key: 'reclaimChecksNs', flag: 'reclaim-checks-ns', kind: 'int', min: 0, default: 1000, unit: 'ns', description: 'shrink_page_list between trylock_page and try_to_unmap', source: 'page_check_references walks the rmap like try_to_unmap: ~1 µs for a couple of mappings' },
  { key: 'reclaimGapNs', flag: 'reclaim-gap-ns', kind: 'int', min: 0, default: 0, unit: 'ns', description: "a reclaimer's pause between shrink_page_list() calls", source: 'kswapd under pressure scans back to back' },
  { key: 'reclaimPreemptProb', flag: 'reclaim-preempt-prob', kind: 'number', min: 0, max: 1, default: 0.9, description: 'probability that the reclaimer sleeps (is preempted) in its locked window, after trylock_page' },
  { key: 'reclaimPreemptUs', flag: 'reclaim-preempt-us', kind: 'int', min: 0, default: 1000, unit: 'µs', description: 'longest such sleep (uniform; futex timeouts round up to ~50-100 µs)' },
  ...migrateModeParams,
  ...costParams.map((s) => (s.key in DEFAULTS ? { ...s, default: DEFAULTS[s.key] } : s)),
  ...sleepParams,
];

// The two ⟂ sites of §7.2 get the random pauses: the faulter's get_page_unless_zero -> put window
// (getToPut) and reclaim's locked window before the freeze (reclaimChecks).
const RACE_SITES = ['getToPut', 'reclaimChecks'] as const;

function costModel(p: Params): CostModel {
  const jp = num(p, 'jitterProb');
  const jn = num(p, 'jitterNs');
  return {
    ns: { ...costModelFrom(p).ns, reclaimChecks: num(p, 'reclaimChecksNs'), reclaimGap: num(p, 'reclaimGapNs') },
    jitter: jp > 0 && jn > 0 ? Object.fromEntries(RACE_SITES.map((s) => [s, { prob: jp, maxNs: jn }])) : {},
  };
}

/** §0.4 at quiescence for a cache that reclaim empties and faults refill: see the file comment in the test. */
function checkCachePages(m: Mem, p: Params): Violation[] {
  const w = m.w;
  const out: Violation[] = [];
  const faulters = num(p, 'faulters');
  let cached = 0;
  for (let i = 0; i < num(p, 'pages'); i++) {
    const s = Atomics.load(w, slotCell(m, FILE, i));
    const pfn = s - 1;
    let mapped = 0;
    for (let mm = 0; mm < faulters; mm++) {
      const pte = Atomics.load(w, pteCell(m, mm, i));
      if (pte === 0) continue;
      if (!isPresent(pte) || ptePfn(pte) !== pfn) out.push({ kind: 'invariant', detail: `page ${i}: mm ${mm} PTE 0x${pte.toString(16)} is neither none nor present on the cached frame ${s ? pfn : 'none'}` });
      else mapped++;
    }
    if (s === 0) continue;
    cached++;
    const a = m.L.pages + pfn * PAGE_WORDS;
    const ref = Atomics.load(w, a + PF_REF);
    if (ref !== 1 + mapped) out.push({ kind: ref < 0 ? 'refcount-underflow' : 'invariant', detail: `page ${i} (frame ${pfn}): refcount ${ref}, holders ${1 + mapped} (cache + ${mapped} PTEs)` });
    if (w[a + PF_MAPCOUNT] !== mapped) out.push({ kind: 'invariant', detail: `page ${i} (frame ${pfn}): mapcount ${w[a + PF_MAPCOUNT]}, present PTEs ${mapped}` });
    if (w[a + PF_MAPPING] !== fileMapping(FILE) || w[a + PF_INDEX] !== i) out.push({ kind: 'invariant', detail: `page ${i} (frame ${pfn}): identity mapping ${w[a + PF_MAPPING]} index ${w[a + PF_INDEX]}` });
    const f = Atomics.load(w, a + PF_FLAGS);
    if (f & PG_locked) out.push({ kind: 'invariant', detail: `page ${i} (frame ${pfn}) is still locked` });
    if ((f & (PG_lru | PG_uptodate)) !== (PG_lru | PG_uptodate)) out.push({ kind: 'invariant', detail: `page ${i} (frame ${pfn}) is not uptodate on the LRU (flags 0x${f.toString(16)})` });
  }
  for (let b = 0; b < WAIT_TABLE_SIZE; b++) {
    if (w[m.L.waitTable + b * LINE + WQ_LIST] !== NIL) out.push({ kind: 'invariant', detail: `waitqueue bucket ${b} still has entries` });
  }
  for (const s of sleepersAtDrain(m)) out.push({ kind: 'lost-wakeup', detail: s });
  const conservation = auditConservation(m);
  for (const v of conservation) out.push({ kind: 'page-conservation', detail: `frame ${v.pfn}: ${v.problem}` });
  const census = pageCensus(m);
  if (conservation.length === 0 && census.allocated !== cached) out.push({ kind: 'invariant', detail: `${census.allocated} frames allocated but ${cached} pages cached: leaked references` });
  return out;
}

export const reclaimLostWakeup: Scenario = {
  name: 'reclaim-lost-wakeup',
  title: 'Reclaim lost wake-up: __ClearPageLocked (v4.19) vs unlock_page (v5.0) after __remove_mapping, under put_and_wait',
  seeds: ['000_e92e3ceac0fc30c0.txt', '001_002621d7acadb0c8.txt'],
  description: 'A reclaimer frees clean page-cache pages (isolate, trylock, unmap, __remove_mapping freezes the count at 2, then releases the lock bit), ' +
    'migrators keep putting migration entries in front of the faulters, faulters refill the cache. A put_and_wait waiter that queued ' +
    'and dropped its reference while reclaim held the lock is never woken if reclaim clears the bit without unlock_page (Hugh: "that was a surprise!").',
  variants: [
    { name: 'unlock-page+put-and-wait', kernel: 'v5.0 9a1ea439b16b: put_and_wait_on_page_locked() and the vmscan revert to unlock_page()', description: 'the merged fix: reclaim wakes the waiters PG_waiters announces' },
    { name: 'unlock-page+wait-locked', kernel: 'v4.19 waiters with the v5.0 reclaim unlock', description: 'waiters keep their reference; reclaim unlocks atomically' },
    { name: 'nonatomic-clear+wait-locked', kernel: 'v4.19 (a978d6f52106 "mm: unlockless reclaim" + wait_on_page_locked)', description: "the waiter's reference makes the freeze fail, so the lock-less clear never meets a waiter" },
    { name: 'nonatomic-clear+put-and-wait', kernel: 'the put_and_wait patch without its vmscan hunk (v4.20-rc testing)', description: 'a DROP waiter with no reference sleeps through __ClearPageLocked: lost wake-up', knownBuggy: true },
  ],
  params,
  histograms: {
    reclaim: { unit: 'ns', description: 'one shrink_page_list() call on an isolated page' },
    migration: { unit: 'ns', description: 'one migrate_pages() call, all its passes' },
    faultWait: { unit: 'ns', description: 'migration entry seen -> the access resumes' },
    refHold: { unit: 'ns', description: "a waiter's page reference: get_page_unless_zero -> put_page" },
    sleepsPerWait: { unit: 'count', description: 'sleeps in one migration-entry wait (>1 = re-sleeps)' },
  },
  memConfig(p) {
    const cpus = num(p, 'faulters') + num(p, 'migrators') + 1;
    const pages = num(p, 'pages');
    return { ...DEFAULT_MEM, pages: framesFor(pages, cpus, 6), tasks: cpus, cpus, mms: num(p, 'faulters'), ptesPerMm: pages, files: 1, slotsPerFile: pages, pagesPerBlock: 64 };
  },
  setup(m, p) {
    bootMappedPages(m, { pages: num(p, 'pages'), mapcount: num(p, 'faulters'), file: true, pcpHigh: 6, pcpBatch: 2 });
  },
  roles(p, variant) {
    const { unlock, wait } = splitVariant(variant);
    const pages = Array.from({ length: num(p, 'pages') }, (_, i) => i);
    const task = { cost: costModel(p), ...waitOptionsFrom(p), seed: num(p, 'seed'), trackReleases: true };
    const out: RoleSpec[] = [];
    const migrators = num(p, 'migrators');
    for (let i = 0; i < migrators; i++) {
      const mine = pages.filter((_, k) => k % migrators === i);
      out.push({ role: 'migrator', config: { pages: mine.length ? mine : pages, moveMapping: 'check-under-lock', allocOrder: 'before-lock', mode: migrateModeFrom(p) }, task });
    }
    const preempt = { prob: num(p, 'reclaimPreemptProb'), maxUs: num(p, 'reclaimPreemptUs'), seed: num(p, 'seed') };
    out.push({ role: 'reclaimer', config: { file: FILE, pages, unlock, preempt }, task });
    for (let i = 0; i < num(p, 'faulters'); i++) out.push({ role: 'faulter', config: { mm: i, pages, wait, file: FILE }, task });
    return out;
  },
  checkQuiescent: checkCachePages,
  rates(c) {
    return {
      // Among the pages reclaim locked: since D2 a refaulter holds the lock while it maps, and the fast
      // trylock failures (rescanned at once) would otherwise swamp the rate (C000-8).
      reclaimSuccess: { successes: c.reclaimSucceeded, trials: c.reclaimAttempts - c.reclaimTrylockFailed },
      migrationSuccess: { successes: c.migrateSucceeded, trials: c.migratePages },
    };
  },
  derived(c) {
    return {
      // C000-8: the fraction of __remove_mapping() calls that found PG_waiters set (descriptive: not compared).
      waitersAtRemove: c.reclaimWaitersAtRemove / ((c.reclaimSucceeded + c.reclaimFreezeFailed) || NaN),
      freezeFailuresPerAttempt: c.reclaimFreezeFailed / ((c.reclaimAttempts - c.reclaimTrylockFailed) || NaN),
      trylockFailuresPerAttempt: c.reclaimTrylockFailed / (c.reclaimAttempts || NaN),
      refillsPerReclaim: c.filemapAllocs / (c.reclaimSucceeded || NaN),
    };
  },
  better: { freezeFailuresPerAttempt: 'lower' },
  primary: 'reclaimSuccess',
  lostWakeupMs: 200,
};
