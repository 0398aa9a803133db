// Seed 004 (Keith Busch / Dave Hansen, "Defer allocating new page until needed", 2020 RFC; Greg
// Thelen's reply): migration allocating the new page before locking the source (mainline) or after
// (the RFC). Before: a lock failure wastes an allocation. After: the source lock is held across the
// allocation, which may wander into reclaim, so lock_page() users wait longer. Faulters do not care.
import { DEFAULT_MEM } from '../shared/layout.js';
import type { AllocOrder } from '../shared/mm/migrate.js';
import { bootMappedPages, checkMappedPages, framesFor, type MappedPages } from './mapped-pages.js';
import { costParams, costModelFrom, migrateModeFrom, migrateModeParams, sleepParams, waitOptionsFrom } from './common-params.js';
import { MIGRATION_BETTER, migrationDerived } from './migration-metrics.js';
import type { Params, RoleSpec, Scenario } from './types.js';

const num = (p: Params, k: string): number => p[k] as number;
const mapped = (p: Params): MappedPages => ({ pages: num(p, 'pages'), mapcount: Math.max(1, num(p, 'faulters')), file: false, pcpHigh: 6, pcpBatch: 2 });

export const migrateAllocOrder: Scenario = {
  name: 'migrate-alloc-order',
  title: 'Migration: allocate the new page before locking the source (mainline) or after (2020 RFC)',
  seeds: ['004_86853f079339548c.txt'],
  description: 'A migrator moves popular pages while lockers take their page lock (file faults, truncate) and faulters touch them. ' +
    'Allocating first wastes the new page whenever the source lock is busy; allocating under the source lock ' +
    'makes every lock_page() user wait through the allocation (Greg Thelen: it "might wander into reclaim").',
  variants: [
    { name: 'before-lock', kernel: 'v4.19-v6.x unmap_and_move: get_new_page() before trylock_page()', description: 'the new page is allocated before the source lock is tried' },
    { name: 'after-lock', kernel: '2020 RFC (not merged): get_new_page() in __unmap_and_move() with the source locked', description: 'no allocation wasted on a lock failure; the source lock is held across the allocation' },
  ],
  params: [
    { key: 'faulters', flag: 'faulters', kind: 'int', min: 0, role: true, default: 1, description: 'faulter threads touching the pages (each in its own mm)' },
    { key: 'lockers', flag: 'lockers', kind: 'int', min: 0, role: true, default: 1, description: 'threads taking the page lock of the migrating pages' },
    { key: 'pages', flag: 'pages', kind: 'int', min: 1, max: 1 << 16, default: 1, description: 'pages under migration' },
    { key: 'lockHoldNs', flag: 'lock-hold-ns', kind: 'int', min: 0, default: 5000, unit: 'ns', description: "a locker's hold of the page lock", source: 'a page-cache fault or a truncate step: a few µs' },
    { key: 'lockGapNs', flag: 'lock-gap-ns', kind: 'int', min: 0, default: 20000, unit: 'ns', description: "a locker's pause between holds" },
    ...migrateModeParams,
    ...costParams.map((c) => (c.key === 'allocNs'
      ? { ...c, default: 20000, description: 'get_new_page, injected allocation latency (the RFC question: reclaim under the source lock)', source: 'Greg Thelen: allocation may enter reclaim, compaction or cond_resched: tens of µs' }
      : c)),
    ...sleepParams,
  ],
  histograms: {
    migration: { unit: 'ns', description: 'one migrate_pages() call, all its passes' },
    sourceLockHold: { unit: 'ns', description: 'the source page lock held by one migration attempt' },
    lockWait: { unit: 'ns', description: "a locker's lock_page() wait" },
    faultWait: { unit: 'ns', description: 'migration entry seen -> the access resumes' },
    refHold: { unit: 'ns', description: "a waiter's page reference" },
    sleepsPerWait: { unit: 'count', description: 'sleeps in one migration-entry wait' },
  },
  memConfig(p) {
    const roles = 1 + num(p, 'faulters') + num(p, 'lockers');
    return { ...DEFAULT_MEM, pages: framesFor(num(p, 'pages'), roles, 6), tasks: roles, cpus: roles, mms: Math.max(1, num(p, 'faulters')), ptesPerMm: num(p, 'pages'), files: 1, slotsPerFile: num(p, 'pages'), pagesPerBlock: 64 };
  },
  setup(m, p) {
    bootMappedPages(m, mapped(p));
  },
  roles(p, variant) {
    const pages = Array.from({ length: num(p, 'pages') }, (_, i) => i);
    const task = { cost: costModelFrom(p), ...waitOptionsFrom(p), seed: num(p, 'seed') };
    const out: RoleSpec[] = [{ role: 'migrator', config: { pages, moveMapping: 'check-under-lock', allocOrder: variant as AllocOrder, mode: migrateModeFrom(p), recordLockHold: true }, task }];
    for (let i = 0; i < num(p, 'lockers'); i++) out.push({ role: 'locker', config: { pages, holdNs: num(p, 'lockHoldNs'), gapNs: num(p, 'lockGapNs') }, task });
    for (let i = 0; i < num(p, 'faulters'); i++) out.push({ role: 'faulter', config: { mm: i, pages, wait: 'put-and-wait' }, task });
    return out;
  },
  checkQuiescent(m, p) {
    return checkMappedPages(m, mapped(p));
  },
  rates(c) {
    return { migrationSuccess: { successes: c.migrateSucceeded, trials: c.migratePages } };
  },
  derived(c) {
    const attempts = c.migrateAttempts || NaN;
    return {
      ...migrationDerived(c),
      wastedAllocsPerAttempt: c.newpageWasted / attempts,
      wastedOnLockPerAttempt: c.newpageWastedLock / attempts,
    };
  },
  better: { ...MIGRATION_BETTER, wastedAllocsPerAttempt: 'lower', wastedOnLockPerAttempt: 'lower' },
  primary: 'wastedOnLockPerAttempt',
};

