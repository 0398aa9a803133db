// Seeds 000/001: a popular page under migration while faulters wait on its migration entries,
// wait_on_page_locked() holding a reference (v4.19) vs put_and_wait_on_page_locked() (v5.0).
import { DEFAULT_MEM } from '../shared/layout.js';
import { type WaitVariant } from '../shared/mm/fault.js';
import { MOVE_MAPPING_VARIANTS } from '../shared/mm/move-mapping.js';
import { bootMappedPages, checkMappedPages, framesFor, type MappedPages } from './mapped-pages.js';
import { costParams, costModelFrom, migrateModeFrom, migrateModeParams, migratePreemptParams, sleepParams, waitOptionsFrom } from './common-params.js';
import type { Params, RoleSpec, Scenario } from './types.js';
import { MIGRATION_BETTER, migrationDerived } from './migration-metrics.js';

const num = (p: Params, k: string): number => p[k] as number;

/** Mappings per page: --mapcount, or one per faulter (each faulter its own process) when 0. */
export const mapcountOf = (p: Params): number => num(p, 'mapcount') || Math.max(1, num(p, 'faulters'));

function mapped(p: Params): MappedPages {
  return { pages: num(p, 'pages'), mapcount: mapcountOf(p), file: p.backing === 'file', pcpHigh: 6, pcpBatch: 2 };
}

export const migrationEntryWait: Scenario = {
  name: 'migration-entry-wait',
  title: 'Migration-entry wait: wait_on_page_locked vs put_and_wait_on_page_locked',
  seeds: ['000_e92e3ceac0fc30c0.txt', '001_002621d7acadb0c8.txt'],
  description: 'Faulters hammer a popular page while migrators move it; a faulter that meets a migration entry waits for the page lock. Holding its reference through the wait makes the migrator\'s refcount check fail with -EAGAIN, pass after pass.',
  variants: [
    { name: 'wait-locked', kernel: 'v4.19 __migration_entry_wait: wait_on_page_locked() then put_page()', description: 'the waiter keeps its page reference while it sleeps' },
    { name: 'put-and-wait', kernel: 'v5.0 9a1ea439b16b put_and_wait_on_page_locked()', description: 'the waiter drops its reference once queued, then sleeps' },
  ],
  params: [
    { key: 'faulters', flag: 'faulters', kind: 'int', min: 0, role: true, default: 2, description: 'faulter threads (each in its own mm)' },
    { key: 'migrators', flag: 'migrators', kind: 'int', min: 1, role: true, default: 1, description: 'migrator threads' },
    { key: 'pages', flag: 'pages', kind: 'int', min: 1, max: 1 << 20, default: 1, description: 'popular pages (each migrate_pages() call moves one)' },
    { key: 'mapcount', flag: 'mapcount', kind: 'int', min: 0, max: 64, default: 0, description: 'mappings per page; 0 = one per faulter' },
    { key: 'backing', flag: 'backing', kind: 'choice', choices: ['anon', 'file'], default: 'anon', description: 'anonymous pages (count check) or page-cache pages (xa_lock + freeze)' },
    { key: 'moveMapping', flag: 'move-mapping', kind: 'choice', choices: MOVE_MAPPING_VARIANTS, default: 'check-under-lock', description: 'migrate_page_move_mapping() form (v4.19: check-under-lock)' },
    ...migrateModeParams,
    ...migratePreemptParams,
    ...costParams,
    ...sleepParams,
  ],
  histograms: {
    migration: { unit: 'ns', description: 'one migrate_pages() call, all its passes' },
    faultWait: { unit: 'ns', description: 'migration entry seen -> the access resumes' },
    refHold: { unit: 'ns', description: "a waiter's page reference: get_page_unless_zero -> put_page" },
    sleepsPerWait: { unit: 'count', description: 'sleeps in one migration-entry wait (>1 = re-sleeps)' },
  },
  memConfig(p) {
    const roles = num(p, 'faulters') + num(p, 'migrators');
    const cpus = Math.max(1, roles);
    const pages = num(p, 'pages');
    return { ...DEFAULT_MEM, pages: framesFor(pages, cpus, 6), tasks: cpus, cpus, mms: Math.max(mapcountOf(p), num(p, 'faulters'), 1), ptesPerMm: pages, files: 1, slotsPerFile: pages, pagesPerBlock: 64 };
  },
  setup(m, p) {
    bootMappedPages(m, mapped(p));
  },
  roles(p, variant) {
    const faulters = num(p, 'faulters');
    const migrators = num(p, 'migrators');
    const pages = Array.from({ length: num(p, 'pages') }, (_, i) => i);
    const mapcount = mapcountOf(p);
    const task = { cost: costModelFrom(p), ...waitOptionsFrom(p), seed: num(p, 'seed') };
    const out: RoleSpec[] = [];
    for (let i = 0; i < migrators; i++) {
      const mine = pages.filter((_, k) => k % migrators === i);
      const preempt = { prob: num(p, 'preemptProb'), maxUs: num(p, 'preemptUs'), seed: num(p, 'seed') };
      out.push({ role: 'migrator', config: { pages: mine.length ? mine : pages, moveMapping: p.moveMapping, allocOrder: 'before-lock', mode: migrateModeFrom(p), preempt }, task });
    }
    for (let i = 0; i < faulters; i++) {
      out.push({ role: 'faulter', config: { mm: i % mapcount, pages, wait: variant as WaitVariant }, task });
    }
    return out;
  },
  checkQuiescent(m, p) {
    return checkMappedPages(m, mapped(p));
  },
  rates(c) {
    return { migrationSuccess: { successes: c.migrateSucceeded, trials: c.migratePages } };
  },
  derived: migrationDerived,
  better: MIGRATION_BETTER,
  primary: 'migrationSuccess',
};

