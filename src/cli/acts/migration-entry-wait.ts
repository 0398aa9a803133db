// Showcase act for seeds 000/001: wait-locked vs put-and-wait for 1, 2 and 3 faulters on one page.
import { compareRuns } from '../../run/compare-runs.js';
import { defaultParams } from '../../run/params.js';
import { migrationEntryWait } from '../../scenarios/migration-entry-wait.js';
import { formatTable, fmtNum, fmtPct } from '../../report/table.js';
import { fmtEstimate, fmtP } from '../../report/compare-text.js';
import { tInterval } from '../../report/stats/t-interval.js';
import type { Act } from '../showcase-acts.js';
import { runSeconds } from './act-runs.js';

// Rates need >= 3 runs a variant for Welch's t; 4 keeps the ABBA order balanced.
const REPEAT = (quick: boolean): number => (quick ? 3 : 4);
const clamp = (x: number): number => Math.min(1, Math.max(0, x));

const NOTE = `Rates: pooled over ${REPEAT(false)} runs a variant [run-level 95% t interval of the per-run rates].\n` +
  "Change and p: Welch's t on the per-run rates (the primary metric, tested alone at α = 0.05).\n" +
  'With 2+ faulters and a migrator on a 2-core machine the threads take turns, which relieves the\n' +
  'race: the decline from 1 to 3 faulters needs a core per thread (run the sweep on a larger machine).';

export const migrationEntryWaitAct: Act = {
  title: 'migration-entry-wait: wait_on_page_locked (v4.19) vs put_and_wait_on_page_locked (v5.0)',
  blurb: 'One popular page, one migrator, 1-3 persistent faulters (each in its own mm). Claim (seed 001): with\n' +
    'a single persistent faulter migration sometimes succeeds; with two or three, much less likely; put_and_wait fixes it.',
  plannedS: (quick) => 3 * 2 * REPEAT(quick) * runSeconds(quick ? 0.6 : 1.5, quick ? 0.2 : 0.3),
  async run(ctx) {
    const rows: string[][] = [];
    const runs = [];
    const summary: Record<string, unknown> = {};
    let asExpected = true;
    const chart = { before: [] as { x: number; y: number; lo: number; hi: number }[], after: [] as { x: number; y: number; lo: number; hi: number }[] };
    for (const faulters of [1, 2, 3]) {
      if (ctx.signal.aborted) break;
      ctx.progress(`faulters=${faulters}: wait-locked vs put-and-wait, ABBA`);
      const res = await compareRuns(migrationEntryWait, 'wait-locked', 'put-and-wait', { ...defaultParams(migrationEntryWait), faulters }, REPEAT(ctx.quick),
        { durationS: ctx.quick ? 0.6 : 1.5, warmupS: ctx.quick ? 0.2 : 0.3, seed: faulters, signal: ctx.signal });
      runs.push(...res.runs['wait-locked'], ...res.runs['put-and-wait']);
      const succ = res.rows.find((r) => r.metric === 'migrationSuccess')!;
      const eag = res.rows.find((r) => r.metric === 'eagainPerMigration')!;
      const a = tInterval(succ.a.values);
      const b = tInterval(succ.b.values);
      rows.push([String(faulters), `${fmtPct(succ.a.pooled!.rate)} [${fmtPct(clamp(a.lo))}, ${fmtPct(clamp(a.hi))}]`, `${fmtPct(succ.b.pooled!.rate)} [${fmtPct(clamp(b.lo))}, ${fmtPct(clamp(b.hi))}]`,
        fmtEstimate(succ), fmtP(succ.p), fmtNum(eag.a.median, 2), fmtNum(eag.b.median, 2), succ.verdict]);
      chart.before.push({ x: faulters, y: 100 * succ.a.pooled!.rate, lo: 100 * clamp(a.lo), hi: 100 * clamp(a.hi) });
      chart.after.push({ x: faulters, y: 100 * succ.b.pooled!.rate, lo: 100 * clamp(b.lo), hi: 100 * clamp(b.hi) });
      summary[`faulters${faulters}`] = { waitLocked: succ.a.pooled!.rate, putAndWait: succ.b.pooled!.rate, change: succ.estimate, ci: succ.ci, p: succ.p, verdict: succ.verdict, phi: succ.phi };
      if (succ.verdict !== 'better') asExpected = false;
    }
    const headers = ['faulters', 'wait-locked success', 'put-and-wait success', 'change [95% CI]', 'p', 'EAGAIN/mig A', 'EAGAIN/mig B', 'put-and-wait is'];
    const table = `${formatTable(headers, rows, { align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], width: ctx.width })}\n${NOTE}`;
    return {
      title: this.title, text: table, summary, runs, asExpected,
      sections: [{ heading: this.title, note: this.blurb, table: { headers, rows },
        chart: { kind: 'lines', yLabel: 'migration success %', xLabel: 'faulters', yMin: 0, yMax: 100, series: [{ name: 'wait-locked', points: chart.before }, { name: 'put-and-wait', points: chart.after }] } }],
    };
  },
};
