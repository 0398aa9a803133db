// Showcase act for seed 000 / kernel-model.md §9 (C000-10): the THP tail publishing order of
// 605ca5ede764 under wait_on_page_locked and put_and_wait; the known-buggy control is "caught in X ms".
import { runOnce } from '../../run/run-once.js';
import { defaultParams } from '../../run/params.js';
import { thpSplitOrder } from '../../scenarios/thp-split-order.js';
import { formatTable, fmtNum } from '../../report/table.js';
import { median } from '../../report/statistics.js';
import type { RunResult } from '../../report/schema.js';
import type { Act } from '../showcase-acts.js';

export const thpSplitOrderAct: Act = {
  title: 'thp-split-order: __split_huge_page_tail order (605ca5ede764) x wait_on_page_locked / put_and_wait',
  blurb: 'One 8-subpage THP split and re-formed over and over while 2 faulters wait on its tail entries. Claim (seed 000,\n' +
    'Vlastimil Babka): put_and_wait backported without 605ca5ede764 puts the frozen head and leaks a tail reference;\n' +
    'the old order with wait_on_page_locked, and the new order with either wait, are clean.',
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
        const seeds = ctx.quick ? [1] : [1, 2, 3];
        const caughtMs: number[] = [];
        let firstSeen = '';
        for (const seed of seeds) {
          if (ctx.signal.aborted) break;
          ctx.progress(`${v.name}: known-buggy control, seed ${seed}, until the first forbidden outcome (cap 5 s)`);
          const r = await runOnce(sc, v.name, params, { durationS: 5, warmupS: 0, seed, stopOnForbidden: true, signal: ctx.signal });
          runs.push(r);
          const first = r.forbidden.filter((f) => f.kind !== 'invariant').sort((a, b) => a.firstAtMs - b.firstAtMs)[0] ?? r.forbidden[0];
          if (first) { caughtMs.push(first.firstAtMs); firstSeen ||= `${first.kind}: ${first.detail}`; }
        }
        const caught = caughtMs.length === seeds.length && seeds.length > 0;
        if (!caught) asExpected = false;
        const outcome = caught
          ? `caught in ${fmtNum(median(caughtMs), 3)} ms${seeds.length > 1 ? ` (median; runs: ${caughtMs.join(', ')} ms)` : ''}`
          : `NOT caught in ${caughtMs.length}/${seeds.length} runs of 5 s`;
        rows.push([order, wait, '9a1ea439b16b backported without 605ca5ede764', '-', '-', outcome]);
        summary[v.name] = { knownBuggy: true, caughtMs, first: firstSeen };
        continue;
      }
      ctx.progress(`${v.name}: ${ctx.quick ? 1 : 2.5} s with every sentinel armed`);
      const r = await runOnce(sc, v.name, params, { durationS: ctx.quick ? 1 : 2.5, warmupS: 0.2, seed: 1, signal: ctx.signal });
      runs.push(r);
      const clean = r.forbidden.length === 0 && r.quiescence.checked && r.quiescence.violations.length === 0 && !r.error;
      if (!clean || r.counters.thpSplits === 0) asExpected = false;
      const outcome = clean ? 'clean' : `FORBIDDEN ${r.forbidden.map((f) => `${f.kind} x${f.count}`).join(', ')}${r.error ? ` (${r.error})` : ''}`;
      rows.push([order, wait, v.kernel, String(r.counters.thpSplits), String(r.counters.thpWindowRefs), outcome]);
      summary[v.name] = { splits: r.counters.thpSplits, windowRefs: r.counters.thpWindowRefs, clean };
    }
    const headers = ['split order', 'wait', 'kernel', 'splits', 'tail refs in window', 'outcome'];
    const table = formatTable(headers, rows, { align: ['l', 'l', 'l', 'r', 'r', 'l'] });
    const note = '"tail refs in window": tails whose count a faulter\'s get_page_unless_zero() raised between the count becoming\n' +
      'non-zero and the compound head being cleared (only the old order has such a window; wait-locked survives it).';
    return {
      title: this.title, text: `${table}\n${note}`, summary, runs, asExpected,
      sections: [{ heading: this.title, note: `${this.blurb}\n${note}`, table: { headers, rows } }],
    };
  },
};
