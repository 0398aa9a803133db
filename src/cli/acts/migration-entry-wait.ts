// Showcase act for seeds 000/001: wait-locked vs put-and-wait for 1, 2 and 3 faulters on one page.
import { compareRuns } from '../../run/compare-runs.js';
import { defaultParams } from '../../run/params.js';
import { migrationEntryWait } from '../../scenarios/migration-entry-wait.js';
import { formatTable, fmtNum, fmtPct } from '../../report/table.js';
import type { Act } from '../showcase-acts.js';

const NOTE = 'With 2+ faulters and a migrator on a 2-core machine the threads take turns, which relieves the race: the\n' +
  'decline from 1 to 3 faulters needs a core per thread (run the sweep on a larger machine).';

export const migrationEntryWaitAct: Act = {
  title: 'migration-entry-wait: wait_on_page_locked (v4.19) vs put_and_wait_on_page_locked (v5.0)',
  blurb: 'One popular page, one migrator, 1-3 persistent faulters (each in its own mm). Claim (seed 001): with\n' +
    'a single persistent faulter migration sometimes succeeds; with two or three, much less likely; put_and_wait fixes it.',
  async run(ctx) {
    const rows: string[][] = [];
    const runs = [];
    const summary: Record<string, unknown> = {};
    let asExpected = true;
    const chart = { before: [] as { x: number; y: number; lo: number; hi: number }[], after: [] as { x: number; y: number; lo: number; hi: number }[] };
    for (const faulters of [1, 2, 3]) {
      if (ctx.signal.aborted) break;
      ctx.progress(`faulters=${faulters}: wait-locked vs put-and-wait, ABBA`);
      const res = await compareRuns(migrationEntryWait, 'wait-locked', 'put-and-wait', { ...defaultParams(migrationEntryWait), faulters }, 2,
        { durationS: ctx.quick ? 0.8 : 2.5, warmupS: ctx.quick ? 0.2 : 0.4, seed: faulters, signal: ctx.signal });
      runs.push(...res.runs['wait-locked'], ...res.runs['put-and-wait']);
      const succ = res.rows.find((r) => r.metric === 'migrationSuccess')!;
      const eag = res.rows.find((r) => r.metric === 'eagainPerMigration')!;
      const a = succ.a.pooled!;
      const b = succ.b.pooled!;
      rows.push([String(faulters), `${fmtPct(a.rate)} [${fmtPct(a.lo)}, ${fmtPct(a.hi)}]`, `${fmtPct(b.rate)} [${fmtPct(b.lo)}, ${fmtPct(b.hi)}]`,
        fmtNum(eag.a.median, 2), fmtNum(eag.b.median, 2), succ.verdict]);
      chart.before.push({ x: faulters, y: 100 * a.rate, lo: 100 * a.lo, hi: 100 * a.hi });
      chart.after.push({ x: faulters, y: 100 * b.rate, lo: 100 * b.lo, hi: 100 * b.hi });
      summary[`faulters${faulters}`] = { waitLocked: a.rate, putAndWait: b.rate, verdict: succ.verdict };
      if (succ.verdict !== 'better') asExpected = false;
    }
    const table = `${formatTable(['faulters', 'wait-locked success [95% CI]', 'put-and-wait success [95% CI]', 'EAGAIN/mig A', 'EAGAIN/mig B', 'put-and-wait is'], rows,
      { align: ['r', 'r', 'r', 'r', 'r', 'l'] })}\n${NOTE}`;
    return {
      title: this.title, text: table, summary, runs, asExpected,
      sections: [{ heading: this.title, note: this.blurb, table: { headers: ['faulters', 'wait-locked', 'put-and-wait', 'EAGAIN/mig A', 'EAGAIN/mig B', 'verdict'], rows },
        chart: { kind: 'lines', yLabel: 'migration success %', xLabel: 'faulters', yMin: 0, yMax: 100, series: [{ name: 'wait-locked', points: chart.before }, { name: 'put-and-wait', points: chart.after }] } }],
    };
  },
};
