// Showcase act for the real kernel (issue 14): offline-refault's C twin on Debian's 6.1 and 6.12 under
// QEMU, a node-1 pc-dimm block offlined round after round while forked faulters touch the pages in it;
// skipped, with the reason, where QEMU, gcc or the kernel images are not to be had.
import type { Act } from '../showcase-acts.js';
import { kernelCheckActRun } from './kernel-check.js';

const TRIALS = (quick: boolean): number => (quick ? 1 : 2);

export const kernelCheckOfflineAct: Act = {
  title: 'kernel-check: memory offline under a refault workload on real kernels (Debian 6.1 vs 6.12)',
  blurb: 'The offline-refault twin as /init: a 128 MiB block of a pc-dimm on node 1 offlined and onlined through sysfs while\n' +
    'three forked faulters write the 256 shared pages in it. Claim (seeds 000/001): a faulter waiting on a migration entry\n' +
    'no longer holds the page (put_and_wait from v5.0, no reference at all in 6.x), so every offline finishes. TCG: directions only.',
  plannedS: (quick) => 2 * (6 + TRIALS(quick) * 1.5) + 5,
  run(ctx) {
    return kernelCheckActRun(this, ctx, {
      workload: 'offline-refault', mapping: 'shared-anon', readers: 0, faulters: 3, pages: 256, offlineTimeoutS: 20,
      durationS: 1.5, trials: TRIALS(ctx.quick), repeat: 1, vcpus: 4, memMiB: 512, accel: 'auto', bootTimeoutS: 120,
    }, (res) => {
      const k = res.labels.map((l) => res.kernels[l]);
      // Every round offlined a block holding the faulters' pages, and every offline finished.
      const asExpected = k.every((r) => (r.counters.rounds ?? 0) > 0 && r.counters.finished === r.counters.rounds && r.counters.roundsWithPages === r.counters.rounds);
      return { asExpected, summary: { rounds: k.map((r) => r.counters.rounds), finished: k.map((r) => r.counters.finished), msPerOffline: k.map((r) => r.derived.msPerOffline), pgmigrateFail: k.map((r) => r.counters.pgmigrateFail) } };
    });
  },
};
