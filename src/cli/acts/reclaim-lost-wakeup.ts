// Showcase act for seed 000 / kernel-model.md §7.2 (C000-6/7/8): reclaim's __ClearPageLocked (v4.19)
// vs unlock_page (v5.0) after __remove_mapping, against wait_on_page_locked and put_and_wait waiters;
// the known-buggy combination is "caught in X ms", the three others run clean with every sentinel armed.
import { runOnce } from '../../run/run-once.js';
import { defaultParams } from '../../run/params.js';
import { reclaimLostWakeup, splitVariant } from '../../scenarios/reclaim-lost-wakeup.js';
import { formatTable, fmtPct } from '../../report/table.js';
import type { RunResult } from '../../report/schema.js';
import type { Act } from '../showcase-acts.js';
import { catchControl, cleanOutcome, CONTROL_SEED_S, runSeconds } from './act-runs.js';

const CAP_S = 10;

/** The kernel each combination is, in a few words (the full text is in `pagestorm list`). */
const KERNEL: Record<string, string> = {
  'unlock-page+put-and-wait': 'v5.0 (9a1ea439b16b)',
  'unlock-page+wait-locked': 'v4.19 waits, v5.0 reclaim',
  'nonatomic-clear+wait-locked': 'v4.19',
  'nonatomic-clear+put-and-wait': 'patch minus its vmscan hunk',
};

export const reclaimLostWakeupAct: Act = {
  title: 'reclaim-lost-wakeup: __ClearPageLocked (v4.19) vs unlock_page (v5.0) after __remove_mapping',
  blurb: 'A reclaimer frees clean page-cache pages while a migrator keeps putting migration entries in front of a faulter.\n' +
    'Claim (seed 000, Hugh: "shrink_page_list()\'s __ClearPageLocked(): that was a surprise!"): a put_and_wait waiter that\n' +
    'queued and dropped its reference while reclaim held the lock is never woken by the lock-less clear; the other three\n' +
    'combinations are clean.',
  plannedS: (quick) => (quick ? 1 : 3) * CONTROL_SEED_S + 3 * runSeconds(quick ? 1 : 2.5, 0.2),
  async run(ctx) {
    const sc = reclaimLostWakeup;
    const params = defaultParams(sc);
    const rows: string[][] = [];
    const runs: RunResult[] = [];
    const summary: Record<string, unknown> = {};
    let asExpected = true;
    for (const v of sc.variants) {
      if (ctx.signal.aborted) break;
      const { unlock, wait } = splitVariant(v.name);
      if (v.knownBuggy) {
        const k = await catchControl(ctx, sc, v.name, params, { seeds: ctx.quick ? [1] : [1, 2, 3], capS: CAP_S, kinds: ['lost-wakeup'] });
        runs.push(...k.runs);
        if (!k.caught) asExpected = false;
        rows.push([unlock, wait, KERNEL[v.name] ?? v.kernel, '-', '-', k.outcome]);
        summary[v.name] = { knownBuggy: true, caughtMs: k.caughtMs, first: k.first };
        continue;
      }
      const durationS = ctx.quick ? 1 : 2.5;
      ctx.progress(`${v.name}: ${durationS} s with every sentinel armed`);
      const r = await runOnce(sc, v.name, params, { durationS, warmupS: 0.2, seed: 1, signal: ctx.signal });
      runs.push(r);
      const { clean, outcome } = cleanOutcome(r);
      if (!clean || r.counters.reclaimSucceeded === 0) asExpected = false;
      const waiters = r.derived.waitersAtRemove;
      rows.push([unlock, wait, KERNEL[v.name] ?? v.kernel, `${r.counters.reclaimSucceeded}/${r.counters.reclaimAttempts - r.counters.reclaimTrylockFailed}`, fmtPct(waiters), outcome]);
      summary[v.name] = { reclaimed: r.counters.reclaimSucceeded, attempts: r.counters.reclaimAttempts, waitersAtRemove: waiters, clean };
    }
    const headers = ['reclaim unlock', 'wait', 'kernel', 'reclaimed/locked', 'PG_waiters at __remove_mapping', 'outcome'];
    const table = formatTable(headers, rows, { align: ['l', 'l', 'l', 'r', 'r', 'l'], width: ctx.width });
    const note = 'The reclaimer is preempted inside its locked window and the faulter paused inside its get -> put window on\n' +
      'purpose (the same perturbation for all four), so waiters meet reclaim more often than unperturbed (C000-8: run with\n' +
      '--reclaim-preempt-prob 0 --jitter-prob 0 for that fraction). A lost wake-up is reported when reclaim frees a frame a\n' +
      'task still sleeps on (or by the watchdog / at drain-out), with a state dump: page, flags, bucket queue, last release.';
    return {
      title: this.title, text: `${table}\n${note}`, summary, runs, asExpected,
      sections: [{ heading: this.title, note: `${this.blurb}\n${note}`, table: { headers, rows } }],
    };
  },
};
