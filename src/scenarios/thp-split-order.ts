// Seed 000 (Vlastimil Babka / Hugh Dickins, Jan 2019) and kernel-model.md §9: splitting a PTE-mapped
// THP while faulters wait on its subpages' migration entries. Backporting put_and_wait_on_page_locked()
// without 605ca5ede764 ("reorder operations in __split_huge_page_tail()") puts on the frozen head.
import {
  DEFAULT_MEM, LINE, NIL, PAGE_WORDS, PF_FLAGS, PF_HEAD, PF_MAPCOUNT, PF_REF, PG_head, PG_locked, PTE_PRESENT, PTE_WRITE,
  TASK_SLEEPING, TS_STATE, WAIT_TABLE_SIZE, WQ_LIST, pteMake,
} from '../shared/layout.js';
import type { Mem } from '../shared/memory.js';
import type { WaitVariant } from '../shared/mm/fault.js';
import { prepCompoundPage, type TailOrder, type Thp } from '../shared/mm/huge-memory.js';
import { initZone } from '../shared/alloc/init.js';
import { auditConservation } from '../shared/alloc/conservation.js';
import { isPresent, ptePfn, pteCell } from '../shared/pagetable.js';
import { costParams, costModelFrom, sleepParams, waitOptionsFrom } from './common-params.js';
import type { Params, RoleSpec, Scenario, Violation } from './types.js';

const num = (p: Params, k: string): number => p[k] as number;

/** Each variant: the tail publishing order of the split and the migration-entry wait of the faulters. */
const VARIANTS: Record<string, { order: TailOrder; wait: WaitVariant }> = {
  'unfreeze-then-clear-head+wait-locked': { order: 'unfreeze-then-clear-head', wait: 'wait-locked' },
  'clear-head-then-unfreeze+wait-locked': { order: 'clear-head-then-unfreeze', wait: 'wait-locked' },
  'clear-head-then-unfreeze+put-and-wait': { order: 'clear-head-then-unfreeze', wait: 'put-and-wait' },
  'unfreeze-then-clear-head+put-and-wait': { order: 'unfreeze-then-clear-head', wait: 'put-and-wait' },
};

/** Mappings of every subpage: --mapcount, or one per faulter (each faulter its own process) when 0. */
const mappingsOf = (p: Params): number => num(p, 'mapcount') || Math.max(1, num(p, 'faulters'));
const PCP_HIGH = 6;

/** THP k occupies frames k*nr .. k*nr + nr - 1 and PTE slots (page indexes) the same numbers. */
function thpsOf(p: Params): Thp[] {
  const nr = num(p, 'subpages');
  return Array.from({ length: num(p, 'thps') }, (_, k) => ({ head: k * nr, nr, mappings: mappingsOf(p) }));
}

/** Frames below the THPs' end are carved out at boot (the model's allocator is order-0 only); the rest is the zone. */
function bootThps(m: Mem, p: Params): void {
  const thps = thpsOf(p);
  const end = thps.length * num(p, 'subpages');
  initZone(m, { high: PCP_HIGH, batch: 2, startPfn: end, endPfn: m.L.cfg.pages });
  for (const x of thps) {
    prepCompoundPage(m, x, x.head);
    for (let i = 0; i < x.nr; i++) {
      for (let mm = 0; mm < x.mappings; mm++) Atomics.store(m.w, pteCell(m, mm, x.head + i), pteMake(x.head + i, PTE_PRESENT | PTE_WRITE));
    }
  }
}

/** §0.4 at quiescence for a THP, compound or split; leaked tail references are reported first. */
function checkThps(m: Mem, p: Params): Violation[] {
  const w = m.w;
  const pa = (pfn: number, f: number): number => m.L.pages + pfn * PAGE_WORDS + f;
  const leaks: Violation[] = [];
  const out: Violation[] = [];
  for (const x of thpsOf(p)) {
    const h = x.head;
    const compound = (Atomics.load(w, pa(h, PF_FLAGS)) & PG_head) !== 0;
    for (let i = 0; i < x.nr; i++) {
      const f = h + i;
      const ref = Atomics.load(w, pa(f, PF_REF));
      const holders = compound ? (i === 0 ? x.nr * x.mappings : 0) : x.mappings;
      const what = compound ? (i === 0 ? `compound head ${f}` : `tail frame ${f} of compound head ${h}`) : `frame ${f} (split from head ${h})`;
      if (i > 0 && ref > holders) {
        leaks.push({ kind: 'invariant', detail: `leaked tail reference: ${what} has refcount ${ref}, holders ${holders}` });
      } else if (ref !== holders) {
        out.push({ kind: ref < 0 ? 'refcount-underflow' : 'invariant', detail: `${what}: refcount ${ref}, holders ${holders}` });
      }
      const pfHead = Atomics.load(w, pa(f, PF_HEAD));
      if (i > 0 && compound && pfHead !== h + 1) out.push({ kind: 'invariant', detail: `${what}: compound_head says ${pfHead - 1}` });
      if (!compound && pfHead !== 0) out.push({ kind: 'invariant', detail: `${what} still points at head ${pfHead - 1}, which is no longer compound` });
      if (w[pa(f, PF_MAPCOUNT)] !== x.mappings) out.push({ kind: 'invariant', detail: `${what}: mapcount ${w[pa(f, PF_MAPCOUNT)]}, expected ${x.mappings}` });
      if (Atomics.load(w, pa(f, PF_FLAGS)) & PG_locked) out.push({ kind: 'invariant', detail: `${what} is still locked` });
      for (let mm = 0; mm < x.mappings; mm++) {
        const pte = Atomics.load(w, pteCell(m, mm, f));
        if (!isPresent(pte) || ptePfn(pte) !== f) out.push({ kind: 'invariant', detail: `${what}: mm ${mm} PTE ${pte.toString(16)} is not present on it` });
      }
    }
  }
  for (let b = 0; b < WAIT_TABLE_SIZE; b++) {
    if (w[m.L.waitTable + b * LINE + WQ_LIST] !== NIL) out.push({ kind: 'invariant', detail: `waitqueue bucket ${b} still has entries` });
  }
  for (let t = 0; t < m.L.cfg.tasks; t++) {
    if (Atomics.load(w, m.L.taskLines + t * LINE + TS_STATE) === TASK_SLEEPING) out.push({ kind: 'lost-wakeup', detail: `task ${t} is asleep at drain-out` });
  }
  // A compound page's tails hold no count and sit on no free list: not lost.
  const isTail = (pfn: number): boolean => Atomics.load(w, pa(pfn, PF_HEAD)) !== 0;
  for (const v of auditConservation(m, { ignore: isTail })) out.push({ kind: 'page-conservation', detail: `frame ${v.pfn}: ${v.problem}: ${v.detail}` });
  return [...leaks, ...out];
}

export const thpSplitOrder: Scenario = {
  name: 'thp-split-order',
  title: 'THP split: unfreeze-then-clear-head vs clear-head-then-unfreeze (605ca5ede764) under put_and_wait',
  seeds: ['000_e92e3ceac0fc30c0.txt'],
  description: 'A splitter splits a PTE-mapped THP (split_huge_page_to_list, v4.19 shape) while faulters wait on its subpages\' migration entries. ' +
    'Before 605ca5ede764 a tail\'s count became non-zero while it still pointed at its head: a faulter\'s get_page_unless_zero(tail) succeeds, ' +
    'and put_and_wait_on_page_locked() then puts the frozen head (refcount underflow) and leaks the tail\'s reference. wait_on_page_locked() ' +
    'puts only after the split, on the by-then normal tail, so the old order was harmless until put_and_wait was backported without the fix.',
  variants: [
    { name: 'unfreeze-then-clear-head+wait-locked', kernel: 'v4.5–v4.16', description: 'tail count 0 -> 1 before its compound head is cleared; faulters hold their reference through wait_on_page_locked()' },
    { name: 'clear-head-then-unfreeze+wait-locked', kernel: 'v4.17–v4.20 (605ca5ede764)', description: 'the tail looks like a normal page before its count becomes non-zero; wait_on_page_locked()' },
    { name: 'clear-head-then-unfreeze+put-and-wait', kernel: 'v5.0+ (605ca5ede764 + 9a1ea439b16b)', description: 'the fixed split order with put_and_wait_on_page_locked()' },
    { name: 'unfreeze-then-clear-head+put-and-wait', kernel: 'buggy control: 9a1ea439b16b backported without 605ca5ede764 (seed 000)', description: 'put_and_wait resolves compound_head(tail) = the frozen head and puts it; the tail keeps a leaked reference', knownBuggy: true },
  ],
  params: [
    { key: 'faulters', flag: 'faulters', kind: 'int', min: 1, role: true, default: 2, description: 'faulter threads (each in its own mm), touching the --touch subpages round-robin' },
    { key: 'thps', flag: 'thps', kind: 'int', min: 1, max: 64, default: 1, description: 'compound pages the splitter splits and re-forms in turn' },
    { key: 'subpages', flag: 'subpages', kind: 'int', min: 2, max: 512, default: 8, description: 'subpages per THP (the kernel: 512 for 2 MiB on x86; small keeps a split short)' },
    { key: 'mapcount', flag: 'mapcount', kind: 'int', min: 0, max: 64, default: 0, description: 'mappings (mms) per subpage; 0 = one per faulter' },
    { key: 'touch', flag: 'touch', kind: 'choice', choices: ['tails', 'all'], default: 'tails', description: "subpages the faulters touch: 'tails' waits only on tail entries (605ca5ede764's window); 'all' adds the head, whose entry a wait-locked faulter holds through the split (-EBUSY)" },
    { key: 'splitGapNs', flag: 'split-gap-ns', kind: 'int', min: 0, default: 2000, unit: 'ns', description: '__split_huge_page_tail between its two publishing steps (the race window, widened)', source: 'a few instructions in the kernel; widened past one faulter retry (~0.7 µs with --fault-ns 500) so a bounded run hits it' },
    ...costParams,
    ...sleepParams,
  ],
  histograms: {
    split: { unit: 'ns', description: 'one successful split_huge_page(): unmap, freeze, tails, remap, unlock' },
    faultWait: { unit: 'ns', description: 'migration entry seen -> the access resumes' },
    refHold: { unit: 'ns', description: "a waiter's page reference: get_page_unless_zero -> put_page" },
  },
  memConfig(p) {
    const cpus = num(p, 'faulters') + 1;
    const frames = num(p, 'thps') * num(p, 'subpages');
    return {
      ...DEFAULT_MEM, pages: frames + 16 + cpus * (PCP_HIGH + 1), tasks: cpus, cpus, mms: mappingsOf(p), ptesPerMm: frames,
      files: 0, slotsPerFile: 0, pagesPerBlock: 64,
    };
  },
  setup(m, p) {
    bootThps(m, p);
  },
  roles(p, variant) {
    const v = VARIANTS[variant];
    const base = costModelFrom(p);
    const task = { cost: { ...base, ns: { ...base.ns, splitTailGap: num(p, 'splitGapNs') } }, ...waitOptionsFrom(p), seed: num(p, 'seed') };
    const nr = num(p, 'subpages');
    const pages = Array.from({ length: num(p, 'thps') * nr }, (_, i) => i).filter((i) => p.touch === 'all' || i % nr !== 0);
    const out: RoleSpec[] = [{ role: 'thp-splitter', config: { thps: thpsOf(p), order: v.order }, task }];
    for (let i = 0; i < num(p, 'faulters'); i++) out.push({ role: 'faulter', config: { mm: i % mappingsOf(p), pages, wait: v.wait }, task });
    return out;
  },
  checkQuiescent(m, p) {
    return checkThps(m, p);
  },
  rates(c) {
    return {
      splitSuccess: { successes: c.thpSplits, trials: c.thpSplits + c.thpSplitBusy },
      reformSuccess: { successes: c.thpReforms, trials: c.thpReforms + c.thpReformBusy },
    };
  },
  derived(c) {
    return { windowRefsPerSplit: c.thpWindowRefs / (c.thpSplits || NaN) };
  },
  better: {},
  primary: 'splitSuccess',
};
