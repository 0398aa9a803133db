// A migration-entry wait that never sleeps with a reference: drop the page at once, then poll the
// lock bit for a bounded number of spins and return, so the faulter re-faults (and waits again if the
// entry is still there). Run it against the built-ins:
//   npx pagestorm compare migration-entry-wait --patch examples/patches/bounded-wait.mjs --variants wait-locked,bounded-wait
import { definePatch, putPage, pageLocked, nowNs } from 'pagestorm';

const SPINS = 2000; // about 20-100 µs of polling here, then back to the fault

export default definePatch({
  counters: ['boundedGaveUp'],
  extend: [{
    scenario: 'migration-entry-wait',
    variants: [{
      name: 'bounded-wait',
      base: 'put-and-wait',
      kernel: 'RFC (example): __migration_entry_wait() drops the reference before waiting, bounded poll, retry the fault',
      description: 'put_page() first, then poll PG_locked at most 2000 times; the fault is retried either way',
      hooks: {
        migrationEntryWait(task, pfn, t0) {
          putPage(task, pfn); // the migrator's refcount test no longer sees us
          const held = nowNs() - t0;
          let spins = 0;
          while (spins < SPINS && pageLocked(task, pfn)) spins++;
          if (spins === SPINS) task.m.w[task.counters.boundedGaveUp]++;
          task.record('boundedSpins', spins);
          return held;
        },
      },
    }],
    histograms: { boundedSpins: { unit: 'count', description: 'lock polls in one bounded wait' } },
    rates: (c) => ({ boundedGiveUp: { successes: c.boundedGaveUp, trials: c.waitsOnLocked } }),
  }],
});
