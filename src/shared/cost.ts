// delay(site): calibrated busy-waits that give named kernel steps their relative cost, plus seeded
// random pauses that widen race windows (the ⟂ marks of kernel-model.md). With every site at 0 the
// hook is a no-op function, so it costs nothing measurable.

export const COST_SITES = [
  'faultEntry', // entering the fault handler (do_swap_page and below)
  'unmapPerMapping', // try_to_unmap_one per mapping: rmap walk + PTE clear
  'tlbFlush', // ptep_clear_flush: TLB shootdown IPI round trip
  'remapPerMapping', // remove_migration_pte per mapping
  'moveMappingCheck', // migrate_page_move_mapping before its count test
  'copy', // migrate_page_copy: copying a 4 KiB page
  'alloc', // get_new_page
  'waitqGap', // wait_on_page_bit_common between spin_unlock and the bit test
  'getToPut', // __migration_entry_wait between get_page_unless_zero and the wait (preemption)
  'freePrepare', // free_unref_page between prepare and commit (the pcp race window)
  'gupPteRead', // gup_pte_range between reading the PTE and taking the reference
  'betweenCalls', // a migrator's gap between migrate_pages() calls
  'think', // a faulter's pause between touches
  'unlockGap', // between the load and the clear of a broken (non-atomic) unlock: the bug's window
  'freeCommitGap', // inside a broken commit's non-atomic pcp->count++ (the FO4 control's window)
  'moveMappingSwitch', // migrate_page_move_mapping after the count test / freeze: identity, new page's ref, dirty, xas_store
  'pinHold', // a pin holder (GUP user, page-cache pinner) between two writes into the pinned page
  'reclaimChecks', // shrink_page_list between trylock_page and try_to_unmap: references, dirty, writeback (⟂)
  'reclaimGap', // a reclaimer's pause between shrink_page_list() calls
  'splitTailGap', // __split_huge_page_tail between its two publishing steps (count vs compound head): 605ca5ede764's window
  'staticKeyToggle', // static_branch_inc/dec: patching the key's call sites (IPI broadcasts), Hubbard's 2026 RFC
] as const;
export type CostSite = (typeof COST_SITES)[number];
export const SITE: Record<CostSite, number> = Object.fromEntries(COST_SITES.map((n, i) => [n, i])) as Record<CostSite, number>;

/** Per-site base cost and random pause, in ns. */
export interface CostModel {
  ns: Partial<Record<CostSite, number>>;
  jitter?: Partial<Record<CostSite, { prob: number; maxNs: number }>>;
}

export type DelayFn = (site: number) => void;
const noDelay: DelayFn = () => {};

let sink = 0;
/** Spin iterations per ns on this thread, measured once per thread. */
let itersPerNs = 0;

function spinIters(n: number): void {
  let x = sink;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  sink = x;
}

export function calibrate(): number {
  if (itersPerNs > 0) return itersPerNs;
  spinIters(200_000); // JIT warm-up
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    spinIters(1_000_000);
    best = Math.min(best, (performance.now() - t0) * 1e6);
  }
  itersPerNs = 1_000_000 / best; // the fastest round: least disturbed by preemption
  return itersPerNs;
}

/** Busy-waits about ns nanoseconds. */
export function spinNs(ns: number): void {
  if (ns > 0) spinIters(Math.round(ns * (itersPerNs || calibrate())));
}

/** A small seeded PRNG (xorshift32) so a run's perturbations repeat for the same seed and task. */
export function makeRng(seed: number): () => number {
  let s = (seed | 0) || 0x9e3779b9;
  return () => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Builds this thread's delay(site); the site list is fixed, the function is chosen once. */
export function makeDelay(model: CostModel, seed: number, tid: number): DelayFn {
  const base = new Float64Array(COST_SITES.length);
  const prob = new Float64Array(COST_SITES.length);
  const maxNs = new Float64Array(COST_SITES.length);
  let any = false;
  for (const [site, ns] of Object.entries(model.ns)) {
    if (!(site in SITE)) throw new RangeError(`unknown cost site '${site}'`);
    if (!(Number.isFinite(ns) && (ns as number) >= 0)) throw new RangeError(`cost ${site} must be >= 0 ns, got ${ns}`);
    base[SITE[site as CostSite]] = ns as number;
    any ||= (ns as number) > 0;
  }
  for (const [site, j] of Object.entries(model.jitter ?? {})) {
    if (!(site in SITE)) throw new RangeError(`unknown cost site '${site}'`);
    prob[SITE[site as CostSite]] = j!.prob;
    maxNs[SITE[site as CostSite]] = j!.maxNs;
    any ||= j!.prob > 0 && j!.maxNs > 0;
  }
  if (!any) return noDelay;
  calibrate();
  const rnd = makeRng((seed ^ Math.imul(tid + 1, 0x9e3779b1)) | 0);
  return (site: number): void => {
    let ns = base[site];
    if (prob[site] > 0 && rnd() < prob[site]) ns += rnd() * maxNs[site];
    if (ns > 0) spinIters(Math.round(ns * itersPerNs));
  };
}

/** Simulated preemption: with probability prob the task really sleeps (loses its CPU) up to maxUs. */
export interface Preemption {
  prob: number;
  maxUs: number;
  seed: number;
}

/** A might_sleep() point that sometimes sleeps, so a racing thread gets the CPU even when threads share a core. */
export function makePreemption(tid: number, o: Preemption | undefined): () => void {
  if (!o || !(o.prob > 0) || !(o.maxUs > 0)) return () => {};
  const word = new Int32Array(new SharedArrayBuffer(4));
  const rnd = makeRng((o.seed ^ Math.imul(tid + 1, 0x2545f491)) | 0);
  const prob = o.prob;
  const maxMs = o.maxUs / 1000;
  return () => { if (rnd() < prob) Atomics.wait(word, 0, 0, rnd() * maxMs); };
}
