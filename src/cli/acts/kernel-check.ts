// Showcase act for the real kernel (issue 14): move-pages-race's C twin on Debian's 6.1 (eager
// migration flush on x86) and 6.12 (batched, deferred since v6.4) under QEMU; skipped, with the
// reason, where QEMU, gcc or the kernel images are not to be had.
import { DEBIAN_KERNELS, debianCloudKernel, kernelCheckSkipReason, renderKernelCheckText, runKernelCheck } from '../../kernel-check/index.js';
import type { Act, ActResult } from '../showcase-acts.js';

const TRIALS = (quick: boolean): number => (quick ? 1 : 2);

/** A kernel-check act that could not run: said, not failed. */
export function skippedAct(title: string, why: string): ActResult {
  return { title, text: `skipped: ${why}`, summary: { skipped: why }, sections: [{ heading: title, note: `skipped: ${why}` }], runs: [], asExpected: true, skipped: why };
}

export const kernelCheckAct: Act = {
  title: 'kernel-check: the same race on real kernels under QEMU (Debian 6.1 vs 6.12, shared anon)',
  blurb: 'The selftest\'s twin as /init of a two-node guest: one page ping-ponged by move_pages while a forked reader loads\n' +
    'it. Claim (David Hildenbrand, Aug 2024): with an eager flush (x86 before v6.4) move_pages fails; with the deferred,\n' +
    'batched flush (v6.4+) it passes. Under TCG read directions only, not timings.',
  plannedS: (quick) => 4 * (5 + TRIALS(quick) * 1.5) + 10,
  async run(ctx): Promise<ActResult> {
    const skip = (why: string): ActResult => skippedAct(this.title, why);
    const missing = kernelCheckSkipReason();
    if (missing) return skip(missing);
    ctx.progress('kernel-check: fetching and booting Debian 6.1 and 6.12 (ABBA, 4 boots)');
    try {
      const res = await runKernelCheck({
        workload: 'move-pages-race', kernels: [debianCloudKernel('6.1'), debianCloudKernel('6.12')], mapping: 'shared-anon', readers: 1,
        durationS: 1.5, trials: TRIALS(ctx.quick), repeat: 2, vcpus: 4, memMiB: 512, accel: 'auto', bootTimeoutS: 120, signal: ctx.signal,
        onBoot: (label, i, n) => ctx.progress(`kernel-check: boot ${i + 1} of ${n} (${label}) done`),
      });
      const [old, neu] = res.labels.map((l) => res.kernels[l]);
      const failed = (k: typeof old): number => k.counters.failures ?? 0;
      const asExpected = res.complete && failed(old) > 0 && failed(neu) === 0;
      const text = renderKernelCheckText(res, ctx.width);
      return { title: this.title, text, summary: { labels: res.labels, verdict: res.verdict ?? null, failed: res.labels.map((l) => res.kernels[l].counters.failures), calls: res.labels.map((l) => res.kernels[l].counters.calls), images: DEBIAN_KERNELS }, sections: [{ heading: this.title, note: `${this.blurb}\n${text}` }], runs: [], asExpected };
    } catch (e) {
      return skip(`kernel-check could not run: ${(e as Error).message.split('\n')[0]}`);
    }
  },
};
