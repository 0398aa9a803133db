// Seed 003 (Baolin Wang / Matthew Wilcox, Aug 2021): migrate_page_move_mapping()'s refcount test vs
// the speculative references of GUP-fast and lock-free page-cache lookups, which no lock excludes.
import { DEFAULT_MEM, PT_PINS, PT_SPEC, PT_WORDS } from '../shared/layout.js';
import type { Mem } from '../shared/memory.js';
import { slotCell } from '../shared/pagecache.js';
import type { MoveMappingVariant } from '../shared/mm/move-mapping.js';
import type { GupRecheck } from '../shared/mm/gup.js';
import { ackCell } from '../workers/pinned-writes.js';
import { bootMappedPages, checkMappedPages, framesFor, type MappedPages } from './mapped-pages.js';
import { costParams, costModelFrom, migrateModeFrom, migrateModeParams, sleepParams, waitOptionsFrom } from './common-params.js';
import { MIGRATION_BETTER, migrationDerived } from './migration-metrics.js';
import type { Params, RoleSpec, Scenario, Violation } from './types.js';

const num = (p: Params, k: string): number => p[k] as number;

/** Each variant: the move_mapping form and whether GUP-fast rechecks its PTE. */
const VARIANTS: Record<string, { moveMapping: MoveMappingVariant; recheck: GupRecheck }> = {
  'check-under-lock': { moveMapping: 'check-under-lock', recheck: 'recheck' },
  'check-before-lock': { moveMapping: 'check-before-lock', recheck: 'recheck' },
  'freeze-only': { moveMapping: 'freeze-only', recheck: 'recheck' },
  'no-freeze': { moveMapping: 'no-freeze', recheck: 'recheck' },
  'gup-no-recheck': { moveMapping: 'freeze-only', recheck: 'no-recheck' },
};

const mapcountOf = (p: Params): number => num(p, 'mapcount') || Math.max(1, num(p, 'gupReaders'));
const writersOf = (p: Params): number => num(p, 'gupReaders') + num(p, 'pinners');
const mapped = (p: Params): MappedPages => ({ pages: num(p, 'pages'), mapcount: mapcountOf(p), file: true, pcpHigh: 6, pcpBatch: 2 });

/** Every acknowledged write is in the page now in the slot; every speculative get and pin was resolved. */
function checkWrites(m: Mem, p: Params): Violation[] {
  const w = m.w;
  const pages = num(p, 'pages');
  const dw = m.L.cfg.dataWords;
  const out: Violation[] = [];
  for (let i = 0; i < pages; i++) {
    const pfn = Atomics.load(w, slotCell(m, 0, i)) - 1;
    if (pfn < 0) continue; // checkMappedPages reports the empty slot
    for (let k = 0; k < writersOf(p); k++) {
      const acked = Atomics.load(w, ackCell(m.L.acks, pages, k, i));
      const have = Atomics.load(w, m.L.data + pfn * dw + k);
      if (have !== acked) out.push({ kind: 'lost-write', detail: `page ${i} (frame ${pfn}): writer ${k}'s acknowledged write ${acked} is missing (word ${k} holds ${have})` });
    }
  }
  for (let f = 0; f < m.L.cfg.pages; f++) {
    const a = m.L.pageTrace + f * PT_WORDS;
    if (w[a + PT_SPEC] !== 0 || w[a + PT_PINS] !== 0) out.push({ kind: 'invariant', detail: `frame ${f}: ${w[a + PT_SPEC]} speculative gets and ${w[a + PT_PINS]} pins still open` });
  }
  return out;
}

export const moveMappingRefcount: Scenario = {
  name: 'move-mapping-refcount',
  title: 'move_mapping refcount test vs GUP-fast and lock-free page-cache references',
  seeds: ['003_25ad222c1f43682e.txt'],
  description: 'A file page is migrated while GUP-fast users and lock-free page-cache pinners take speculative references and write into it. ' +
    'The freeze (page_ref_freeze under the xa_lock) is the real guard: the count test can move before the lock (Aug 2021 v1) or go (v3) ' +
    'without losing a write, while a count test without a freeze, or GUP-fast without its PTE recheck, loses writes (FO2).',
  variants: [
    { name: 'check-under-lock', kernel: 'v4.19–v5.15 migrate_page_move_mapping', description: 'count and slot tested under the xa_lock, then page_ref_freeze' },
    { name: 'check-before-lock', kernel: 'Aug 2021 v1 (Baolin Wang)', description: 'one count test before any lock; slot test and freeze under the xa_lock' },
    { name: 'freeze-only', kernel: 'Aug 2021 v3, v6.x folio_migrate_mapping', description: 'page_ref_freeze under the xa_lock is the only test' },
    { name: 'no-freeze', kernel: 'buggy control (kernel-model.md §4.7)', description: 'a plain count test under the xa_lock and no freeze: a lookup that gets in after the test keeps the old page', knownBuggy: true },
    { name: 'gup-no-recheck', kernel: 'buggy control (GUP_RECHECK=off, §6.1 step 5)', description: 'freeze-only migration, but GUP-fast keeps its reference without re-reading the PTE', knownBuggy: true },
  ],
  params: [
    { key: 'gupReaders', flag: 'gup-readers', kind: 'int', min: 0, max: 32, default: 1, description: 'GUP-fast users (each in its own mm) pinning and writing the pages' },
    { key: 'pinners', flag: 'pinners', kind: 'int', min: 0, role: true, default: 1, description: 'page-cache pinners: lock-free lookup, write while holding the reference' },
    { key: 'migrators', flag: 'migrators', kind: 'int', min: 1, role: true, default: 1, description: 'migrator threads' },
    { key: 'pages', flag: 'pages', kind: 'int', min: 1, max: 1 << 16, default: 1, description: 'file pages (page-cache slot i, PTE slot i of every mm)' },
    { key: 'mapcount', flag: 'mapcount', kind: 'int', min: 0, max: 64, default: 0, description: 'mappings per page; 0 = one per GUP user' },
    { key: 'writesPerPin', flag: 'writes-per-pin', kind: 'int', min: 1, max: 1000, default: 4, description: 'writes into the page per reference held' },
    { key: 'pinHoldNs', flag: 'pin-hold-ns', kind: 'int', min: 0, default: 300, unit: 'ns', description: 'pause before each write while the reference is held', source: 'a short O_DIRECT/driver burst; long enough that a pin can straddle the 0.5 µs copy' },
    { key: 'switchNs', flag: 'switch-ns', kind: 'int', min: 0, default: 100, unit: 'ns', description: 'move_mapping after the count test / freeze: identity, new page reference, dirty, xas_store', source: 'a few cache-hot stores and one xarray store, ~0.1 µs' },
    { key: 'gupStallProb', flag: 'gup-stall-prob', kind: 'number', min: 0, max: 1, default: 0.2, description: 'probability that GUP-fast stalls between reading the PTE and taking its reference (⟂, a race-window widener)' },
    { key: 'gupStallNs', flag: 'gup-stall-ns', kind: 'int', min: 0, default: 10000, unit: 'ns', description: 'longest such stall (uniform); a stall must outlast unmap + move_mapping (~2.5 µs here) to matter', source: 'hypervisor preemption of a vCPU with IRQs off: µs to ms' },
    // thinkNs is the writers' pause between two references here.
    ...migrateModeParams,
    ...costParams.map((c) => (c.key === 'thinkNs' ? { ...c, default: 1000, description: "a writer's pause between two pinned write bursts" } : c)),
    ...sleepParams,
  ],
  histograms: {
    migration: { unit: 'ns', description: 'one migrate_pages() call, all its passes' },
  },
  memConfig(p) {
    const roles = writersOf(p) + num(p, 'migrators');
    const cpus = Math.max(1, roles);
    const pages = num(p, 'pages');
    return {
      ...DEFAULT_MEM, pages: framesFor(pages, cpus, 6), tasks: cpus, cpus, mms: mapcountOf(p), ptesPerMm: pages, files: 1, slotsPerFile: pages,
      dataWords: Math.max(1, writersOf(p)), pagesPerBlock: 64, pageTrace: true, ackWords: writersOf(p) * pages,
    };
  },
  setup(m, p) {
    bootMappedPages(m, mapped(p));
  },
  roles(p, variant) {
    const v = VARIANTS[variant];
    const pages = Array.from({ length: num(p, 'pages') }, (_, i) => i);
    const base = costModelFrom(p);
    const cost = {
      ns: { ...base.ns, moveMappingSwitch: num(p, 'switchNs'), pinHold: num(p, 'pinHoldNs') },
      jitter: { ...base.jitter, gupPteRead: { prob: num(p, 'gupStallProb'), maxNs: num(p, 'gupStallNs') } },
    };
    const task = { cost, ...waitOptionsFrom(p), seed: num(p, 'seed') };
    const common = { pages, nPages: pages.length, writesPerPin: num(p, 'writesPerPin') };
    const out: RoleSpec[] = [];
    const migrators = num(p, 'migrators');
    for (let i = 0; i < migrators; i++) {
      const mine = pages.filter((_, k) => k % migrators === i);
      out.push({ role: 'migrator', config: { pages: mine.length ? mine : pages, moveMapping: v.moveMapping, allocOrder: 'before-lock', mode: migrateModeFrom(p) }, task });
    }
    let word = 0;
    for (let i = 0; i < num(p, 'gupReaders'); i++) out.push({ role: 'gup-reader', config: { ...common, mm: i % mapcountOf(p), word: word++, recheck: v.recheck }, task });
    for (let i = 0; i < num(p, 'pinners'); i++) out.push({ role: 'cache-pinner', config: { ...common, file: 0, word: word++ }, task });
    return out;
  },
  checkQuiescent(m, p) {
    return [...checkMappedPages(m, mapped(p)), ...checkWrites(m, p)];
  },
  rates(c) {
    return { migrationSuccess: { successes: c.migrateSucceeded, trials: c.migratePages } };
  },
  derived(c) {
    const calls = c.moveMappingCalls || NaN;
    return {
      ...migrationDerived(c),
      transientEagainPerCall: c.eagainTransient / calls,
      pinnedEagainPerCall: c.eagainPinned / calls,
      xaLocksPerCall: c.moveMappingLocks / calls,
      caseAPerCall: c.specCaseA / calls,
      caseBPerCall: c.specCaseB / calls,
      caseCPerCall: c.specCaseC / calls,
      matthewPerCall: c.gupMatthew / calls,
    };
  },
  better: { ...MIGRATION_BETTER, transientEagainPerCall: 'lower', xaLocksPerCall: 'lower' },
  primary: 'migrationSuccess',
};

/** The variants that must run clean, and the known-buggy controls. */
export const CORRECT_VARIANTS = ['check-under-lock', 'check-before-lock', 'freeze-only'] as const;
export const CONTROL_VARIANTS = ['no-freeze', 'gup-no-recheck'] as const;
/**
 * Each control with only the writer that can exploit it (tests, showcase): no-freeze is exploited by
 * page-cache lookups (a GUP reference taken after the unmap always fails its PTE recheck), the GUP
 * control by GUP pins. The other writer only takes CPU and, with its pins, fails migrations; on a
 * loaded 2-core machine that made the first detection 5-15x slower (medians 0.7-1.2 s vs 70-220 ms).
 */
export const CONTROL_FOCUS: Record<(typeof CONTROL_VARIANTS)[number], Params> = {
  'no-freeze': { gupReaders: 0 },
  'gup-no-recheck': { pinners: 0 },
};