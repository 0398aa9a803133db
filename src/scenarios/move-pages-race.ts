// The 2024 migration-vs-shmem-fault race (kernel-model-v6.md Part 2), shaped like
// tools/testing/selftests/mm/migration.c: one page ping-ponged between two nodes by move_pages(2)
// while readers loop on loads. With an eager TLB flush a reader faults on the none PTE between
// ptep_clear_flush() and the migration entry, takes a reference in shmem_fault and sleeps on the
// folio lock that migration holds, so folio_migrate_mapping()'s freeze fails, retry after retry.
import { ANON_MAPPING, C_LRU_DISABLE, DEFAULT_MEM, LINE, LRU_BATCH_COUNT, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, PAGE_WORDS, PF_FLAGS, PF_INDEX, PF_MAPCOUNT, PF_MAPPING, PF_REF, PG_lru, PG_swapbacked, PG_uptodate, PTE_PRESENT, PTE_WRITE, pteMake } from '../shared/layout.js';
import type { Mem } from '../shared/memory.js';
import { initZone } from '../shared/alloc/init.js';
import { makeTask } from '../shared/task.js';
import { pteCell } from '../shared/pagetable.js';
import { fileMapping, slotCell } from '../shared/pagecache.js';
import { checkMappedPages, type MappedPages } from './mapped-pages.js';
import { costModelFrom, costParams, sleepParams, waitOptionsFrom } from './common-params.js';
import type { Params, RoleSpec, Scenario, Violation } from './types.js';

const num = (p: Params, k: string): number => p[k] as number;
const shared = (p: Params): boolean => p.mapping === 'shared-anon';
const PAGES_PER_NODE = 32;
const PAGES_PER_BLOCK = 8;

/** Mappings of the page: the parent's and one per forked reader (shared), or one mm for all threads. */
const mapcountOf = (p: Params): number => (shared(p) ? num(p, 'readers') + 1 : 1);
const mappedOf = (p: Params): MappedPages => ({ pages: 1, mapcount: mapcountOf(p), file: shared(p), pcpHigh: 6, pcpBatch: 2 });

function boot(m: Mem, p: Params): void {
  const w = m.w;
  for (let b = 0; b < m.L.nBlocks; b++) Atomics.store(w, m.L.blocks + b, b < m.L.nBlocks / 2 ? MIGRATE_MOVABLE : MIGRATE_RECLAIMABLE);
  initZone(m, { high: 6, batch: 2 });
  const t = makeTask(m, 0);
  const pfn = t.alloc.allocPage(MIGRATE_MOVABLE); // on node 0
  if (pfn < 0) throw new Error('boot: the zone ran out of frames');
  const a = m.L.pages + pfn * PAGE_WORDS;
  const mapcount = mapcountOf(p);
  Atomics.store(w, a + PF_REF, mapcount + (shared(p) ? 1 : 0));
  w[a + PF_MAPCOUNT] = mapcount;
  w[a + PF_MAPPING] = shared(p) ? fileMapping(0) : ANON_MAPPING;
  w[a + PF_INDEX] = 0;
  Atomics.or(w, a + PF_FLAGS, PG_lru | PG_uptodate | PG_swapbacked);
  for (let mm = 0; mm < mapcount; mm++) Atomics.store(w, pteCell(m, mm, 0), pteMake(pfn, PTE_PRESENT | PTE_WRITE));
  if (shared(p)) Atomics.store(w, slotCell(m, 0, 0), pfn + 1);
}

export const TLB_FLUSH_MODES = ['eager', 'deferred'] as const;

/**
 * A narrower eager-flush window than the defaults: the reader's way from the none PTE to its
 * folio_try_get() (1.5 µs) is longer than the migrator's way from the flush to the freeze. Mainline
 * then fails rarely and in bursts (every ~300 calls on a quiet 2-core machine, every 15-50 under
 * load); the defaults are the wide window, failing nearly every call like forced-eager x86.
 */
export const NARROW_WINDOW = { tlbFlush: 'eager', tlbFlushNs: 300, checkNs: 0, faultNs: 1500 } as const;

export const movePagesRace: Scenario = {
  name: 'move-pages-race',
  title: 'move_pages vs a shmem reader: eager vs deferred TLB flush (v6.x, 2024)',
  seeds: [],
  sources: [
    'Dev Jain, "Race condition observed between page migration and page fault handling on arm64 machines", 1 Aug 2024 (20240801081657.1386743-1-dev.jain@arm.com)',
    'David Hildenbrand, 1 Aug 2024 (in 20240801134358.GB4794@willie-the-truck): forcing should_defer_flush() false on x86 "fails all of the time"',
    'Dev Jain, 5 Aug 2024: raising NR_MAX_MIGRATE_(A)SYNC_RETRY does not help; tools/testing/selftests/mm/migration.c',
    'pagestorm design: ../shared/design/kernel-model-v6.md Part 2 (claims R1-R3, R7)',
  ],
  description: 'The selftest mm/migration.c shared_anon on the v6.x path: move_pages(2) ping-pongs one page between two nodes ' +
    'while readers loop on loads. A reader that faults on the none PTE left by ptep_clear_flush() takes a folio reference in ' +
    'shmem_fault() and sleeps on the folio lock migration holds; every move-stage retry then fails (Dev Jain, Aug 2024).',
  variants: [
    { name: 'mainline', kernel: 'v6.7-v6.9 mm/migrate.c migrate_pages_batch, mm/rmap.c try_to_migrate_one', description: 'nuke the PTE, flush (now, or deferred to try_to_unmap_flush in MIGRATE_ASYNC where the arch defers), then set the migration entry' },
    { name: 'no-flush-before-copy', kernel: 'none (a broken control)', description: 'the deferred TLB flush is done only after the move loop, so a reader writes through its stale translation after the copy (FO2)', knownBuggy: true },
  ],
  params: [
    { key: 'readers', flag: 'readers', kind: 'int', min: 1, role: true, default: 1, description: 'reader threads looping on loads (the selftest: nthreads - 1)' },
    { key: 'mapping', flag: 'mapping', kind: 'choice', choices: ['shared-anon', 'private-anon'], default: 'shared-anon', description: 'shared-anon: each reader its own mm on one shmem page (the selftest\'s forked children); private-anon: threads of one mm', source: 'tools/testing/selftests/mm/migration.c shared_anon / private_anon' },
    { key: 'tlbFlush', flag: 'tlb-flush', kind: 'choice', choices: TLB_FLUSH_MODES, default: 'eager', description: 'eager: ptep_clear_flush() flushes at once (arm64 with REPEAT_TLBI, x86 with should_defer_flush() forced false); deferred: MIGRATE_ASYNC unmaps with TTU_BATCH_FLUSH (x86 default)', source: 'David Hildenbrand, 1 Aug 2024: forced eager on x86 "fails all of the time"' },
    { key: 'pinners', flag: 'pinners', kind: 'int', min: 0, role: true, default: 0, description: 'transient pinners: GUP-fast-like references held for --pin-us without the folio lock (a GPU or DMA pin)', source: 'John Hubbard, RFC 10 Apr 2026: transient references "from GPU operations like cuMemset"' },
    { key: 'pinUs', flag: 'pin-us', kind: 'int', min: 0, default: 50, unit: 'µs', description: 'how long a transient pin is held' },
    { key: 'pinGapUs', flag: 'pin-gap-us', kind: 'int', min: 0, default: 200, unit: 'µs', description: "a pinner's pause between pins" },
    { key: 'keyToggleNs', flag: 'key-toggle-ns', kind: 'int', min: 0, default: 300000, unit: 'ns', description: 'one static_branch_inc/dec of folio_put_wakeup_key (a variant that toggles a key pays it twice per migrate_pages call)', source: 'Hubbard RFC cover letter: 6-9 IPI broadcasts, "a few hundred microseconds on a large machine"' },
    { key: 'flushPreemptProb', flag: 'flush-preempt-prob', kind: 'number', min: 0, max: 1, default: 0, description: "probability that an eager flush's wait for its IPIs loses the CPU (a real sleep up to --flush-preempt-us), as when the target vCPU is descheduled; lets a reader sharing the mover's core run inside the window (for loaded or small machines)" },
    { key: 'flushPreemptUs', flag: 'flush-preempt-us', kind: 'int', min: 0, default: 100, unit: 'µs', description: 'longest such sleep' },
    { key: 'retryScale', flag: 'retry-scale', kind: 'int', min: 1, max: 100, default: 1, description: 'multiplies NR_MAX_MIGRATE_(A)SYNC_RETRY and NR_MAX_MIGRATE_PAGES_RETRY', source: 'Dev Jain, 5 Aug 2024: pumping up the retry macros left the test failing' },
    ...costParams,
    ...sleepParams,
  ],
  histograms: {
    movePages: { unit: 'ns', description: 'one move_pages(2) call' },
    readerFault: { unit: 'ns', description: "a reader's fault: TLB miss on an unusable PTE -> the access can be retried" },
    callsToFailure: { unit: 'count', description: 'move_pages calls up to and including the first failure of a trial' },
    failureRun: { unit: 'count', description: 'consecutive failed move_pages calls (the selftest patch fails after 100)' },
    pinHold: { unit: 'ns', description: "a transient pinner's reference: taken -> dropped" },
    iterationsToFailure: { unit: 'count', description: "selftest iterations up to and including the first failed one (an iteration is a call and the caller's retries)" },
  },
  memConfig(p) {
    const roles = num(p, 'readers') + num(p, 'pinners') + 1;
    return { ...DEFAULT_MEM, pages: 2 * PAGES_PER_NODE, pagesPerBlock: PAGES_PER_BLOCK, tasks: roles, cpus: roles, mms: mapcountOf(p), ptesPerMm: 1, files: 1, slotsPerFile: 1 };
  },
  setup(m, p) {
    boot(m, p);
  },
  roles(p, variant) {
    const base = costModelFrom(p);
    const cost = { ...base, ns: { ...base.ns, staticKeyToggle: num(p, 'keyToggleNs') } };
    const task = { cost, ...waitOptionsFrom(p), seed: num(p, 'seed'), pageLock: 'v5.9-handoff' as const };
    const mover = { mm: 0, idx: 0, unmapPte: 'clear-flush-set', tlbDefer: p.tlbFlush === 'deferred', retryScale: num(p, 'retryScale'), noFlushBeforeMove: variant === 'no-flush-before-copy',
      flushPreempt: { prob: num(p, 'flushPreemptProb'), maxUs: num(p, 'flushPreemptUs'), seed: num(p, 'seed') } };
    const out: RoleSpec[] = [{ role: 'move-pages', config: mover, task }];
    for (let i = 0; i < num(p, 'readers'); i++) {
      out.push({ role: 'reader', config: shared(p) ? { mm: i + 1, idx: 0, file: 0 } : { mm: 0, idx: 0 }, task });
    }
    for (let i = 0; i < num(p, 'pinners'); i++) {
      out.push({ role: 'transient-pinner', config: { mm: 0, idx: 0, holdUs: num(p, 'pinUs'), gapUs: num(p, 'pinGapUs') }, task });
    }
    return out;
  },
  checkQuiescent(m, p) {
    const out: Violation[] = checkMappedPages(m, mappedOf(p));
    for (let c = 0; c < m.L.cfg.cpus; c++) {
      if (m.w[m.L.lruBatch + c * LINE + LRU_BATCH_COUNT] !== 0) out.push({ kind: 'invariant', detail: `cpu ${c}: an LRU-add batch still holds folios` });
    }
    if (Atomics.load(m.w, m.L.control + C_LRU_DISABLE) !== 0) out.push({ kind: 'invariant', detail: 'lru_cache_disable() was not balanced by lru_cache_enable()' });
    return out;
  },
  rates(c) {
    return {
      movePagesSuccess: { successes: c.movePagesCalls - c.movePagesFailed, trials: c.movePagesCalls },
      iterationSuccess: { successes: c.selftestIterations - c.selftestFailures, trials: c.selftestIterations },
    };
  },
  derived(c) {
    const calls = c.movePagesCalls || NaN;
    const ok = c.movePagesCalls - c.movePagesFailed || NaN;
    return {
      callsPerFailure: c.movePagesFailed ? c.movePagesCalls / c.movePagesFailed : NaN, // the geometric MLE; NaN with no failure
      failuresPer1000Calls: (1000 * c.movePagesFailed) / calls,
      futileRetriesPerCall: c.moveEagainWaiters / calls,
      noneFaultsPerCall: c.noneFaults / calls,
      unmapRemapPerSuccess: (c.unmapOps + c.remapOps) / ok,
      tlbFlushesPerSuccess: (c.tlbFlushes + c.tlbBatchFlushes) / ok,
    };
  },
  better: { failuresPer1000Calls: 'lower', futileRetriesPerCall: 'lower', noneFaultsPerCall: 'lower', unmapRemapPerSuccess: 'lower' },
  primary: 'movePagesSuccess',
};
