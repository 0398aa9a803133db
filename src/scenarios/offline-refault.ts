// Seeds 000/001 (C000-3, C001-4, Baoquan He's soft-lockup report): memory offline under a heavy refault
// workload on pages of the range. A faulter that waits on a migration entry holding its page reference
// (wait_on_page_locked, v4.19) makes every migrate_pages() pass fail, so the offline loop cannot finish
// while the faulters run; put_and_wait_on_page_locked (v5.0) lets it finish. The offline loop is v5.9's.
import { costParams, costModelFrom, migratePreemptParams, sleepParams, waitOptionsFrom } from './common-params.js';
import {
  OFFLINE_BETTER, OFFLINE_HISTOGRAMS, bootOfflineZone, checkOfflineQuiescent, offlineDerived, offlineMemConfig, offlineRates,
  offlineRanges, offlineZoneParams, offlinerRole,
} from './offline-common.js';
import { migrationDerived } from './migration-metrics.js';
import type { Params, RoleSpec, Scenario } from './types.js';

const num = (p: Params, k: string): number => p[k] as number;
const mapcountOf = (p: Params): number => Math.max(1, num(p, 'faulters'));

export const offlineRefault: Scenario = {
  name: 'offline-refault',
  title: 'Memory offline under a refault workload: wait_on_page_locked (v4.19) vs put_and_wait_on_page_locked (v5.0)',
  seeds: ['000_e92e3ceac0fc30c0.txt', '001_002621d7acadb0c8.txt'],
  description: 'An offliner (v5.9 loop: drain again after a failed check) offlines and re-onlines memory blocks in turn while faulters, ' +
    'each in its own mm, keep touching the pages mapped in the block being offlined. A faulter that meets a migration entry waits for the page lock; ' +
    'holding its reference through the sleep fails the migration pass after pass, so rounds run out of budget while the faulters run. ' +
    'on-locked is today\'s wait (no reference at all): the twin of kernel-check offline-refault on 6.x kernels.',
  variants: [
    { name: 'wait-locked', kernel: 'v4.19 __migration_entry_wait: wait_on_page_locked() then put_page()', description: 'the waiter keeps its page reference while it sleeps' },
    { name: 'put-and-wait', kernel: 'v5.0 9a1ea439b16b put_and_wait_on_page_locked()', description: 'the waiter drops its reference once queued, then sleeps' },
    { name: 'on-locked', kernel: 'ffa65753c431 migration_entry_wait_on_locked() (in 6.1 and 6.12; v5.9 folio lock)', description: 'the waiter takes no reference: it is queued on the folio while the ptl is held' },
  ],
  params: [
    { key: 'faulters', flag: 'faulters', kind: 'int', min: 1, role: true, default: 3, description: 'faulter threads, each in its own mm mapping every page (mapcount = faulters)' },
    ...offlineZoneParams,
    { key: 'budgetMs', flag: 'offline-budget-ms', kind: 'int', min: 1, default: 100, unit: 'ms', description: 'a round that runs this long (and --offline-budget-iters iterations) gives up: did not finish', source: 'measured on 2 shared cores: put-and-wait rounds p99 2 loop iterations; wall time alone is not used (the offliner itself gets descheduled for 100s of ms)' },
    { key: 'budgetIters', flag: 'offline-budget-iters', kind: 'int', min: 1, default: 50, description: 'loop iterations (each a full migrate_pages() call when a page is busy) a round must also have made before it gives up' },
    ...migratePreemptParams,
    ...costParams,
    ...sleepParams,
  ],
  histograms: {
    ...OFFLINE_HISTOGRAMS,
    faultWait: { unit: 'ns', description: 'migration entry seen -> the access resumes' },
    refHold: { unit: 'ns', description: "a waiter's page reference: get_page_unless_zero -> put_page" },
  },
  memConfig(p) {
    return offlineMemConfig(p, 1 + num(p, 'faulters'), mapcountOf(p), 0);
  },
  setup(m, p) {
    bootOfflineZone(m, p, mapcountOf(p));
  },
  roles(p, variant) {
    // on-locked queues on the folio waitqueue of the v5.9+ page lock (folio-wait.ts), for every role of the run.
    const task = { cost: costModelFrom(p), ...waitOptionsFrom(p), seed: num(p, 'seed'), ...(variant === 'on-locked' ? { pageLock: 'v5.9-handoff' as const } : {}) };
    const out: RoleSpec[] = [offlinerRole(p, 'drain-again', task, 'round', offlineRanges(p, 1 + num(p, 'faulters'), 0))];
    const pages = Array.from({ length: num(p, 'pages') }, (_, i) => i);
    for (let i = 0; i < num(p, 'faulters'); i++) {
      if (pages.length) out.push({ role: 'faulter', config: { mm: i, pages, wait: variant }, task });
    }
    return out;
  },
  checkQuiescent(m, p) {
    return checkOfflineQuiescent(m, p, mapcountOf(p));
  },
  rates(c) {
    return { ...offlineRates(c), migrationSuccess: { successes: c.migrateSucceeded, trials: c.migratePages } };
  },
  derived(c) {
    const mig = migrationDerived(c);
    return { ...offlineDerived(c), eagainPerMigration: mig.eagainPerMigration, attemptsPerMigration: mig.attemptsPerMigration };
  },
  better: { ...OFFLINE_BETTER, eagainPerMigration: 'lower', attemptsPerMigration: 'lower' },
  primary: 'offlineCompletion',
  // The claim is comparative (kernel-model.md §10.6 notes for FO5): under wait-locked the loop is expected
  // to run out of budget while the workload runs. Rounds that do are counted (offlineCompletion), not forbidden.
  forbiddenFor: (_variant, kind) => kind !== 'offline-livelock',
};
