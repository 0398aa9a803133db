// Showcase act for seed 000 / kernel-model.md §9 (C000-10): the THP tail publishing order of
// 605ca5ede764 under wait_on_page_locked and put_and_wait; the known-buggy control is "caught in X ms".
import { runOnce } from '../../run/run-once.js';
import { defaultParams } from '../../run/params.js';
import { thpSplitOrder } from '../../scenarios/thp-split-order.js';
import { formatTable } from '../../report/table.js';
import type { RunResult } from '../../report/schema.js';
import type { Act } from '../showcase-acts.js';
import { catchControl, cleanOutcome, CONTROL_SEED_S, runSeconds } from './act-runs.js';

export const thpSplitOrderAct: Act = {
  title: 'thp-split-order: __split_huge_page_tail order (605ca5ede764) x wait_on_page_locked / put_and_wait',
  blurb: 'One 8-subpage THP split and re-formed over and over while 2 faulters wait on its tail entries. Claim (seed 000,\n' +
    'Vlastimil Babka): put_and_wait backported without 605ca5ede764 puts the frozen head and leaks a tail reference;\n' +
    'the old order with wait_on_page_locked, and the new order with either wait, are clean.',
  plannedS: (quick) => (quick ? 1 : 3) * CONTROL_SEED_S + 3 * runSeconds(quick ? 1 : 2.5, 0.2),
  async run(ctx) {
    const sc = thpSplitOrder;
    const params = defaultParams(sc);
    const rows: string[][] = [];
    const runs: RunResult[] = [];
    const summary: Record<string, unknown> = {};
    let asExpected = true;
    for (const v of sc.variants) {
      if (ctx.signal.aborted) break;
      const [order, wait] = v.name.split('+');
      if (v.knownBuggy) {
        const k = await catchControl(ctx, sc, v.name, params, { seeds: ctx.quick ? [1] : [1, 2, 3], capS: 5 });
        runs.push(...k.runs);
        if (!k.caught) asExpected = false;
        rows.push([order, wait, '9a1ea439b16b backported without 605ca5ede764', '-', '-', k.outcome]);
        summary[v.name] = { knownBuggy: true, caughtMs: k.caughtMs, first: k.first };
        continue;
      }
      ctx.progress(`${v.name}: ${ctx.quick ? 1 : 2.5} s with every sentinel armed`);
      const r = await runOnce(sc, v.name, params, { durationS: ctx.quick ? 1 : 2.5, warmupS: 0.2, seed: 1, signal: ctx.signal });
      runs.push(r);
      const { clean, outcome } = cleanOutcome(r);
      if (!clean || r.counters.thpSplits === 0) asExpected = false;
      rows.push([order, wait, v.kernel, String(r.counters.thpSplits), String(r.counters.thpWindowRefs), outcome]);
      summary[v.name] = { splits: r.counters.thpSplits, windowRefs: r.counters.thpWindowRefs, clean };
    }
    const headers = ['split order', 'wait', 'kernel', 'splits', 'tail refs in window', 'outcome'];
    const table = formatTable(headers, rows, { align: ['l', 'l', 'l', 'r', 'r', 'l'], width: ctx.width });
    const note = '"tail refs in window": tails whose count a faulter\'s get_page_unless_zero() raised between the count becoming\n' +
      'non-zero and the compound head being cleared (only the old order has such a window; wait-locked survives it).';
    return {
      title: this.title, text: `${table}\n${note}`, summary, runs, asExpected,
      sections: [{ heading: this.title, note: `${this.blurb}\n${note}`, table: { headers, rows } }],
    };
  },
};
