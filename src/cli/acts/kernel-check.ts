// Showcase act for the real kernel (issue 14): move-pages-race's C twin on Debian's 6.1 (eager
// migration flush on x86) and 6.12 (batched, deferred since v6.4) under QEMU; skipped, with the
// reason, where QEMU, gcc or the kernel images are not to be had.
import { DEBIAN_KERNELS, debianCloudKernel, kernelCheckSkipReason, renderKernelCheckText, runKernelCheck, type KernelCheckOptions, type KernelCheckResult } from '../../kernel-check/index.js';
import type { Act, ActContext, ActResult } from '../showcase-acts.js';

const TRIALS = (quick: boolean): number => (quick ? 1 : 2);

/** A kernel-check act that could not run: said, not failed. */
export function skippedAct(title: string, why: string): ActResult {
  return { title, text: `skipped: ${why}`, summary: { skipped: why }, sections: [{ heading: title, note: `skipped: ${why}` }], runs: [], asExpected: true, skipped: why };
}

/** Boots Debian 6.1 and 6.12 for one workload and judges the result; skipped (with the reason) when a part is missing or the check cannot run. */
export async function kernelCheckActRun(
  act: Pick<Act, 'title' | 'blurb'>, ctx: ActContext, o: Omit<KernelCheckOptions, 'kernels' | 'signal' | 'onBoot'>,
  judge: (res: KernelCheckResult) => { asExpected: boolean; summary: Record<string, unknown> },
): Promise<ActResult> {
  const missing = kernelCheckSkipReason();
  if (missing) return skippedAct(act.title, missing);
  ctx.progress(`kernel-check ${o.workload}: fetching and booting Debian 6.1 and 6.12`);
  try {
    const res = await runKernelCheck({ ...o, kernels: [debianCloudKernel('6.1'), debianCloudKernel('6.12')], signal: ctx.signal,
      onBoot: (label, i, n) => ctx.progress(`kernel-check ${o.workload}: boot ${i + 1} of ${n} (${label}) done`) });
    const text = renderKernelCheckText(res, ctx.width);
    const { asExpected, summary } = judge(res);
    return { title: act.title, text, summary: { labels: res.labels, verdict: res.verdict ?? null, images: DEBIAN_KERNELS, ...summary }, sections: [{ heading: act.title, note: `${act.blurb}\n${text}` }], runs: [], asExpected: res.complete && asExpected };
  } catch (e) {
    return skippedAct(act.title, `kernel-check could not run: ${(e as Error).message.split('\n')[0]}`);
  }
}

export const kernelCheckAct: Act = {
  title: 'kernel-check: the same race on real kernels under QEMU (Debian 6.1 vs 6.12, shared anon)',
  blurb: 'The selftest\'s twin as /init of a two-node guest: one page ping-ponged by move_pages while a forked reader loads\n' +
    'it. Claim (David Hildenbrand, Aug 2024): with an eager flush (x86 before v6.4) move_pages fails; with the deferred,\n' +
    'batched flush (v6.4+) it passes. Under TCG read directions only, not timings.',
  plannedS: (quick) => 4 * (5 + TRIALS(quick) * 1.5) + 10,
  run(ctx) {
    return kernelCheckActRun(this, ctx, {
      workload: 'move-pages-race', mapping: 'shared-anon', readers: 1, durationS: 1.5, trials: TRIALS(ctx.quick), repeat: 2, vcpus: 4, memMiB: 512, accel: 'auto', bootTimeoutS: 120,
    }, (res) => {
      const failed = res.labels.map((l) => res.kernels[l].counters.failures ?? 0);
      return { asExpected: failed[0] > 0 && failed[1] === 0, summary: { failed, calls: res.labels.map((l) => res.kernels[l].counters.calls) } };
    });
  },
};
