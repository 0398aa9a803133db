// Showcase act for seeds 000/001: wait-locked vs put-and-wait for 1, 2 and 3 faulters on one page, at the
// default spin-then-sleep and at --spin-ns 0 (a kernel-like sleep at once; kernel-model-v6.md D4).
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
const DEFAULT_SPIN = defaultParams(migrationEntryWait).spinNs as number;

/** The act's configurations: 1-3 faulters at the default spin, then the kernel-like spinNs 0 rows (shorter runs). */
const CONFIGS = (quick: boolean): { faulters: number; spinNs: number; durationS: number; warmupS: number }[] => [
  ...[1, 2, 3].map((faulters) => ({ faulters, spinNs: DEFAULT_SPIN, durationS: quick ? 0.6 : 1.5, warmupS: quick ? 0.2 : 0.3 })),
  ...(quick ? [2] : [1, 2]).map((faulters) => ({ faulters, spinNs: 0, durationS: 0.6, warmupS: 0.2 })),
];

const NOTE = `Rates: pooled over ${REPEAT(false)} runs a variant [run-level 95% t interval of the per-run rates].\n` +
  `spinNs: the spin on the task state before Atomics.wait (${DEFAULT_SPIN}: the harness default; 0 sleeps at\n` +
  "once, like the kernel's io_schedule()). A waiter woken within its spin drops a held reference\n" +
  'sooner, so wait-locked looks better at the default spin than on a kernel.\n' +
  "Change and p: Welch's t on the per-run rates (the primary metric, tested alone at α = 0.05).\n" +
  'With 2+ faulters and a migrator on a 2-core machine the threads take turns, which relieves the\n' +
  'race: the decline from 1 to 3 faulters needs a core per thread (run the sweep on a larger machine).';

export const migrationEntryWaitAct: Act = {
  title: 'migration-entry-wait: wait_on_page_locked (v4.19) vs put_and_wait_on_page_locked (v5.0)',
  blurb: 'One popular page, one migrator, 1-3 persistent faulters (each in its own mm). Claim (seed 001): with\n' +
    'a single persistent faulter migration sometimes succeeds; with two or three, much less likely; put_and_wait fixes it.',
  plannedS: (quick) => CONFIGS(quick).reduce((s, c) => s + 2 * REPEAT(quick) * runSeconds(c.durationS, c.warmupS), 0),
  async run(ctx) {
    const rows: string[][] = [];
    const runs = [];
    const summary: Record<string, unknown> = {};
    let asExpected = true;
    type Point = { x: number; y: number; lo: number; hi: number };
    const chart = { before: [] as Point[], after: [] as Point[], before0: [] as Point[], after0: [] as Point[] };
    for (const { faulters, spinNs, durationS, warmupS } of CONFIGS(ctx.quick)) {
      if (ctx.signal.aborted) break;
      const spin0 = spinNs === 0;
      ctx.progress(`faulters=${faulters} spinNs=${spinNs}: wait-locked vs put-and-wait, ABBA`);
      const res = await compareRuns(migrationEntryWait, 'wait-locked', 'put-and-wait', { ...defaultParams(migrationEntryWait), faulters, spinNs }, REPEAT(ctx.quick),
        { durationS, warmupS, seed: faulters, signal: ctx.signal });
      runs.push(...res.runs['wait-locked'], ...res.runs['put-and-wait']);
      const succ = res.rows.find((r) => r.metric === 'migrationSuccess')!;
      const eag = res.rows.find((r) => r.metric === 'eagainPerMigration')!;
      const a = tInterval(succ.a.values);
      const b = tInterval(succ.b.values);
      rows.push([String(faulters), String(spinNs), `${fmtPct(succ.a.pooled!.rate)} [${fmtPct(clamp(a.lo))}, ${fmtPct(clamp(a.hi))}]`, `${fmtPct(succ.b.pooled!.rate)} [${fmtPct(clamp(b.lo))}, ${fmtPct(clamp(b.hi))}]`,
        fmtEstimate(succ), fmtP(succ.p), fmtNum(eag.a.median, 2), fmtNum(eag.b.median, 2), succ.verdict]);
      (spin0 ? chart.before0 : chart.before).push({ x: faulters, y: 100 * succ.a.pooled!.rate, lo: 100 * clamp(a.lo), hi: 100 * clamp(a.hi) });
      (spin0 ? chart.after0 : chart.after).push({ x: faulters, y: 100 * succ.b.pooled!.rate, lo: 100 * clamp(b.lo), hi: 100 * clamp(b.hi) });
      summary[`faulters${faulters}${spin0 ? 'Spin0' : ''}`] = { spinNs, waitLocked: succ.a.pooled!.rate, putAndWait: succ.b.pooled!.rate, change: succ.estimate, ci: succ.ci, p: succ.p, verdict: succ.verdict, phi: succ.phi };
      if (succ.verdict !== 'better') asExpected = false;
    }
    const headers = ['faulters', 'spinNs', 'wait-locked success', 'put-and-wait success', 'change [95% CI]', 'p', 'EAGAIN/mig A', 'EAGAIN/mig B', 'put-and-wait is'];
    const table = `${formatTable(headers, rows, { align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], width: ctx.width })}\n${NOTE}`;
    return {
      title: this.title, text: table, summary, runs, asExpected,
      sections: [{ heading: this.title, note: this.blurb, table: { headers, rows },
        chart: { kind: 'lines', yLabel: 'migration success %', xLabel: 'faulters', yMin: 0, yMax: 100, series: [
          { name: `wait-locked, spinNs ${DEFAULT_SPIN}`, points: chart.before }, { name: `put-and-wait, spinNs ${DEFAULT_SPIN}`, points: chart.after },
          { name: 'wait-locked, spinNs 0', points: chart.before0 }, { name: 'put-and-wait, spinNs 0', points: chart.after0 },
        ] } }],
    };
  },
};
