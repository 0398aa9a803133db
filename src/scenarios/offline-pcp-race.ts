// Seed 002: memory offline racing frees onto the per-CPU lists. A free whose prepare read MOVABLE
// commits after the range was isolated and drained; the page sits on a pcp list, test_pages_isolated()
// fails on it forever unless the loop drains again (v5.9) or the pcp lists are disabled (v5.11).
import { costParams, costModelFrom, sleepParams, waitOptionsFrom } from './common-params.js';
import {
  OFFLINE_BETTER, OFFLINE_HISTOGRAMS, bootOfflineZone, checkOfflineQuiescent, offlineDerived, offlineMemConfig, offlineRates,
  offlineRanges, offlineZoneParams, offlinerRole,
} from './offline-common.js';
import type { OfflineVariant } from '../shared/mm/memory-hotplug.js';
import type { CostModel } from '../shared/cost.js';
import type { Params, RoleSpec, Scenario } from './types.js';

const num = (p: Params, k: string): number => p[k] as number;
const rolesOf = (p: Params): number => 1 + num(p, 'freers') + num(p, 'faulters');
const mapcountOf = (p: Params): number => Math.max(1, num(p, 'faulters'));
const heldOf = (p: Params): number => num(p, 'freers') * num(p, 'maxHeld');

/** The freers' cost model: the common one, plus the widened prepare -> commit window (and the broken commit's gap). */
function freerCost(p: Params): CostModel {
  const base = costModelFrom(p);
  return {
    ns: { ...base.ns, freePrepare: num(p, 'freeWindowNs') },
    jitter: { ...base.jitter, ...(p.brokenFree ? { freeCommitGap: { prob: 1, maxNs: 20000 } } : {}) },
  };
}

export const offlinePcpRace: Scenario = {
  name: 'offline-pcp-race',
  title: 'Memory offline vs frees onto per-CPU lists: no redrain (v5.1-v5.8) vs drain again (v5.9) vs zone_pcp_disable (v5.11)',
  seeds: ['002_ca6c4297e848c821.txt'],
  description: 'An offliner offlines and re-onlines memory blocks in turn while short-lived processes allocate pages (some in the block) and exit, ' +
    'freeing them through the pcp lists with a widened prepare -> commit window, and a faulter keeps pages of the block mapped. A free prepared ' +
    'before isolation and committed after the drain leaves a free page on a pcp list; without a second drain the offline loop never passes its check.',
  variants: [
    { name: 'drain-every-iter', kernel: 'v4.19 __offline_pages()', description: 'drain_all_pages() on every loop iteration' },
    { name: 'no-redrain', kernel: 'v5.1-v5.8 (c52e75935f8d)', description: 'the only drain is the one in set_migratetype_isolate(): a page freed onto a pcp list after it stays there', knownBuggy: true },
    { name: 'drain-again', kernel: 'v5.9 968318261221 (Pavel Tatashin)', description: 'drain_all_pages() again after each failed test_pages_isolated()' },
    { name: 'pcp-disable', kernel: 'v5.11 zone_pcp_disable() (Vlastimil Babka, suggested by David Hildenbrand)', description: 'pcp high 0 / batch 1 on every CPU and one forced drain before isolating; exactly one drain per offline' },
  ],
  params: [
    { key: 'freers', flag: 'freers', kind: 'int', min: 0, role: true, default: 2, description: 'freer threads: short-lived processes that allocate, use and free pages on their CPU' },
    { key: 'faulters', flag: 'faulters', kind: 'int', min: 0, role: true, default: 1, description: 'faulters touching the mapped pages (put_and_wait_on_page_locked, v5.0+)' },
    ...offlineZoneParams,
    { key: 'maxHeld', flag: 'max-held', kind: 'int', min: 1, max: 64, default: 8, description: 'pages one process allocates (1..max)' },
    { key: 'holdUs', flag: 'hold-us', kind: 'int', min: 0, default: 200, unit: 'µs', description: 'longest time a process uses its pages before it exits' },
    { key: 'idleMs', flag: 'idle-ms', kind: 'int', min: 0, default: 300, unit: 'ms', description: "longest idle time of a freer's CPU after an exit (0 = constant churn: a stuck page is soon reallocated)" },
    { key: 'listFreeProb', flag: 'list-free-prob', kind: 'number', min: 0, max: 1, default: 0.7, description: 'fraction of exits that free through release_pages() -> free_unref_page_list()' },
    { key: 'freeWindowNs', flag: 'free-window-ns', kind: 'int', min: 0, default: 50000, unit: 'ns', description: "the perturbation hook: each free's prepare -> commit window (cost site freePrepare)" },
    { key: 'budgetMs', flag: 'offline-budget-ms', kind: 'int', min: 1, default: 100, unit: 'ms', description: 'a round whose check keeps failing on free pages nobody holds for this long (and --offline-budget-iters iterations) did not finish: offline-livelock', source: 'the clock restarts at each failed check on a page in use; a freer CPU idles up to --idle-ms' },
    { key: 'budgetIters', flag: 'offline-budget-iters', kind: 'int', min: 1, default: 100, description: 'loop iterations a round must also have made before it gives up (a descheduled offliner does not time out)' },
    { key: 'auditMs', flag: 'audit-ms', kind: 'int', min: 0, default: 200, unit: 'ms', description: 'periodic page-conservation audit with the offliner and freers parked (0 = only at the end)' },
    { key: 'brokenFree', flag: 'broken-free', kind: 'bool', default: false, description: 'BROKEN control: freers commit frees without the per-CPU IRQ-off section (FO4, caught by the audit)' },
    ...costParams,
    ...sleepParams,
  ],
  histograms: {
    ...OFFLINE_HISTOGRAMS,
    freePage: { unit: 'ns', description: "a freer's exit, per page freed (the prepare window included)" },
  },
  memConfig(p) {
    return offlineMemConfig(p, rolesOf(p), mapcountOf(p), heldOf(p));
  },
  setup(m, p) {
    bootOfflineZone(m, p, mapcountOf(p));
  },
  roles(p, variant) {
    const task = { cost: costModelFrom(p), ...waitOptionsFrom(p), seed: num(p, 'seed') };
    const out: RoleSpec[] = [offlinerRole(p, variant as OfflineVariant, task, 'free-stall', offlineRanges(p, rolesOf(p), heldOf(p)))];
    for (let i = 0; i < num(p, 'freers'); i++) {
      out.push({
        role: 'freer', parks: true,
        config: { maxHeld: num(p, 'maxHeld'), holdNs: num(p, 'holdUs') * 1000, idleMs: num(p, 'idleMs'), listFreeProb: num(p, 'listFreeProb'), seed: num(p, 'seed') },
        task: { ...task, cost: freerCost(p), allocator: { brokenFree: p.brokenFree === true } },
      });
    }
    const pages = Array.from({ length: num(p, 'pages') }, (_, i) => i);
    for (let i = 0; i < num(p, 'faulters'); i++) {
      if (pages.length) out.push({ role: 'faulter', config: { mm: i % mapcountOf(p), pages, wait: 'put-and-wait' }, task });
    }
    return out;
  },
  checkQuiescent(m, p) {
    return checkOfflineQuiescent(m, p, mapcountOf(p));
  },
  rates: offlineRates,
  derived(c) {
    return {
      ...offlineDerived(c),
      zoneLocksPerFree: c.freerFreeZoneLocks / (c.freerFrees || NaN),
      zoneLocksPerAlloc: c.freerAllocZoneLocks / (c.freerAllocs || NaN),
      audits: c.audits,
    };
  },
  better: { ...OFFLINE_BETTER, zoneLocksPerFree: 'lower', zoneLocksPerAlloc: 'lower' },
  primary: 'offlineCompletion',
  auditEveryMs: (p) => num(p, 'auditMs'),
};
