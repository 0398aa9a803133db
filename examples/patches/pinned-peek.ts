// A small scenario of its own: a migrator (built-in role) moves one anonymous page while "peekers"
// (this file's role) take speculative references on it, as a lock-free lookup or GUP-fast would, and
// keep each for a short or a long while. Every kept reference is an -EAGAIN for the migrator.
//   npx pagestorm compare pinned-peek --patch examples/patches/pinned-peek.ts --variants brief,held
import { definePatch, bootMappedPages, checkMappedPages, framesFor, DEFAULT_MEM, costModelFrom, costParams, ptePfn, pteCell, spinNs, getPageUnlessZero, putPage, nowNs, type RoleContext, type Params } from 'pagestorm';

const mapped = { pages: 1, mapcount: 1, file: false, pcpHigh: 6, pcpBatch: 2 };
const HOLD_NS: Record<string, number> = { brief: 0, held: 5000 };

/** A peeker: get_page_unless_zero() on the page mm 0 maps, hold it for holdNs, put_page(). */
function peeker(ctx: RoleContext) {
  const { m, t } = ctx;
  const holdNs = ctx.config.holdNs as number;
  const cell = pteCell(m, 0, 0);
  const peeks = t.counters.peeks;
  while (!ctx.stopped()) {
    ctx.tick();
    const pfn = ptePfn(Atomics.load(m.w, cell));
    if (!getPageUnlessZero(t, pfn)) continue;
    const t0 = nowNs();
    if (holdNs > 0) spinNs(holdNs);
    putPage(t, pfn);
    m.w[peeks]++;
    ctx.record('peekHold', nowNs() - t0);
    spinNs(2000); // between two lookups
  }
  return ctx.finish();
}

export default definePatch({
  counters: ['peeks'],
  roles: { peeker },
  scenarios: [{
    name: 'pinned-peek',
    title: 'Speculative references vs migration: brief vs held peeks',
    description: 'A migrator moves one anonymous page while peekers take and drop speculative references on it.',
    variants: [
      { name: 'brief', kernel: 'get_page_unless_zero() then put_page() at once (a lookup that finds what it wanted)', description: 'each peek drops its reference at once' },
      { name: 'held', kernel: 'a reference kept 5 µs (a GUP-fast caller doing work before put_page)', description: 'each peek holds its reference 5 µs' },
    ],
    params: [
      { key: 'peekers', flag: 'peekers', kind: 'int', min: 1, max: 16, default: 2, description: 'peeker threads' },
      ...costParams,
    ],
    histograms: {
      migration: { unit: 'ns', description: 'one migrate_pages() call, all its passes' },
      peekHold: { unit: 'ns', description: 'a peek: get_page_unless_zero -> put_page' },
    },
    memConfig(p: Params) {
      const cpus = (p.peekers as number) + 1;
      return { ...DEFAULT_MEM, pages: framesFor(1, cpus, 6), tasks: cpus, cpus, mms: 1, ptesPerMm: 1, files: 1, slotsPerFile: 1, pagesPerBlock: 64 };
    },
    setup(m) { bootMappedPages(m, mapped); },
    roles(p: Params, variant: string) {
      const task = { cost: costModelFrom(p), seed: p.seed as number };
      return [
        { role: 'migrator', config: { pages: [0], moveMapping: 'check-under-lock', allocOrder: 'before-lock' }, task },
        ...Array.from({ length: p.peekers as number }, () => ({ role: 'peeker', config: { holdNs: HOLD_NS[variant] }, task })),
      ];
    },
    checkQuiescent(m) { return checkMappedPages(m, mapped); },
    rates: (c) => ({ migrationSuccess: { successes: c.migrateSucceeded, trials: c.migratePages } }),
    derived: (c) => ({ eagainPerMigration: c.migratePages ? c.eagainRefcount / c.migratePages : NaN }),
    better: { eagainPerMigration: 'lower' },
    primary: 'migrationSuccess',
  }],
});
