// sweep: one parameter over a list of values, every value x variant cell run --repeat times.
import { runOnce } from '../run/run-once.js';
import { InputError, parseParamList, parseScenarioArgs } from '../run/params.js';
import { parseShard, shardCells, shardLabel, type Shard } from '../run/shard.js';
import type { ParamSpec, ParamValue, Scenario } from '../scenarios/types.js';
import { writeFileAtomic, writeJsonAtomic } from '../run/results-file.js';
import type { RunResult } from '../report/schema.js';
import { formatTable, fmtNs, fmtNum, fmtPct } from '../report/table.js';
import { wilson } from '../report/statistics.js';
import { tInterval } from '../report/stats/t-interval.js';
import { renderHtmlReport } from '../report/html.js';
import { checkCaps, checkOutputs, exitCodeFor, scenarioOrThrow, variantOrThrow, type MeasureOpts } from './actions.js';
import { withInterrupt, type Io } from './io.js';
import { runsProgress } from './runs-progress.js';
import { showingProgress } from './progress.js';
import { outWidth } from './terminal.js';
import { fitLines } from '../report/wrap.js';

export interface SweepOpts extends MeasureOpts { variant: string; param: string; values: string; repeat: number; shard?: string; queue?: string }

/** One run of a sweep's plan: its index in the unsharded plan (repeats outermost, values, then variants). */
export interface SweepRun { block: number; rep: number; value: ParamValue; variant: string }

/** The whole plan in run order: drift spreads over every cell alike. */
export function sweepPlan(values: readonly ParamValue[], variants: readonly string[], repeat: number): SweepRun[] {
  const out: SweepRun[] = [];
  for (let rep = 0; rep < repeat; rep++) for (const value of values) for (const variant of variants) out.push({ block: out.length, rep, value, variant });
  return out;
}

/** A shard's runs: whole cells (value x variant, every repeat), dealt round-robin. */
export function sweepShardPlan(plan: readonly SweepRun[], values: readonly ParamValue[], variants: readonly string[], shard: Shard): SweepRun[] {
  const cells = values.flatMap((value) => variants.map((variant) => ({ value, variant })));
  const mine = shardCells(cells, shard);
  return plan.filter((r) => mine.some((c) => c.value === r.value && c.variant === r.variant));
}

export async function sweepAction(io: Io, name: string, opts: SweepOpts, words: string[]): Promise<void> {
  const sc = scenarioOrThrow(name);
  const variants = opts.variant.split(',').map((v) => variantOrThrow(sc, v.trim()));
  const base = parseScenarioArgs(sc, words);
  const { spec, values } = parseParamList(sc, opts.param.replace(/^--/, ''), opts.values);
  checkCaps(sc, values.map((value) => ({ ...base, [spec.key]: value })), variants, opts);
  checkOutputs(opts);
  if (opts.queue) { await (await import('./queue-action.js')).sweepOnQueue(io, sc, variants, base, spec, values, opts); return; }
  const shard = opts.shard ? parseShard(opts.shard) : undefined;
  const whole = sweepPlan(values, variants, opts.repeat);
  const plan = shard ? sweepShardPlan(whole, values, variants, shard) : whole;
  if (plan.length === 0) throw new InputError(`--shard ${opts.shard}: ${values.length * variants.length} cell(s) leave shard ${shard!.index} empty; use at most ${values.length * variants.length} shards`);
  const runs: RunResult[] = [];
  let interrupted = false;
  const labels = plan.map((x) => `${spec.flag}=${x.value} ${x.variant}`);
  const progress = runsProgress(io, sc, { command: 'sweep', labels, durationS: opts.duration, warmupS: opts.warmup, json: opts.json, quiet: opts.quiet });
  await showingProgress(progress, () => withInterrupt(io, async (signal) => {
    for (const { block, rep, value, variant } of plan) {
      if (signal.aborted || interrupted) { interrupted = true; break; }
      const r: RunResult = { ...(await runOnce(progress.scenario, variant, { ...base, [spec.key]: value }, { durationS: opts.duration, warmupS: opts.warmup, seed: opts.seed + rep, signal, onProgress: progress.onProgress })), block, ...(shard ? { shard: shardLabel(shard) } : {}) };
      runs.push(r);
      // After every run --out holds the runs so far (complete: false): a kill loses at most the run in progress.
      if (opts.out) writeJsonAtomic(opts.out, { scenario: sc.name, param: spec.key, values, variants, repeat: opts.repeat, complete: false, runs });
      progress.runDone(r, opts.json ? undefined : `${spec.flag}=${value} ${variant}: ${Object.entries(r.rates).map(([k, x]) => `${k} ${fmtPct(x.rate)}`).join(' ')}`);
      if (r.interrupted) interrupted = true;
    }
  }));
  const extra = shard ? { shard: { index: shard.index, count: shard.count, blocks: plan.map((x) => x.block), seed: opts.seed } } : {};
  finishSweep(io, sc, spec, values, variants, opts, runs, interrupted, extra);
}

/** The sweep's table, JSON and HTML from its runs (a local sweep, a shard, or merged files). */
export function finishSweep(io: Io, sc: Scenario, spec: ParamSpec, values: ParamValue[], variants: string[], opts: Pick<SweepOpts, 'repeat' | 'json' | 'out' | 'html'>, runs: RunResult[], interrupted: boolean, extra: Record<string, unknown> = {}): void {
  const rateKeys = [...new Set(runs.flatMap((r) => Object.keys(r.rates)))];
  const histKeys = Object.entries(sc.histograms).filter(([, h]) => h.unit === 'ns').map(([k]) => k);
  const cells = values.flatMap((value) => variants.map((variant) => {
    const cell = runs.filter((r) => r.variant === variant && r.params[spec.key] === value);
    return { value, variant, runs: cell.length, rates: Object.fromEntries(rateKeys.map((k) => [k, cellRate(cell, k)])), cell };
  }));
  const rows = cells.map(({ value, variant, cell, rates }) => {
    const rateCells = rateKeys.map((k) => {
      const x = rates[k];
      return x.trials ? `${fmtPct(x.rate)} [${fmtPct(x.lo)}, ${fmtPct(x.hi)}]${x.interval === 'within-run' ? ' ¹' : ''}` : '–';
    });
    const hist = histKeys.map((k) => fmtNs(median(cell.map((r) => (r.histograms[k]?.count ? r.histograms[k].p99 : NaN)))));
    const derived = Object.keys(sc.better ?? {}).map((k) => fmtNum(median(cell.map((r) => r.derived[k]))));
    const forbidden = cell.reduce((a, r) => a + r.forbidden.reduce((b, f) => b + f.count, 0), 0);
    return [String(value), variant, String(cell.length), ...rateCells, ...derived, ...hist, String(forbidden)];
  });
  const headers = [spec.flag, 'variant', 'runs', ...rateKeys.map((k) => `${k} [95% CI]`), ...Object.keys(sc.better ?? {}), ...histKeys.map((k) => `${k} p99`), 'forbidden'];
  const legend = ['rates: pooled over the cell\'s runs; [95% CI]: the run-level t interval of the per-run rates (runs vary more than binomial draws).',
    ...(cells.some((c) => Object.values(c.rates).some((x) => x.interval === 'within-run')) ? ['¹ one run: within-run Wilson interval (binomial only): it cannot show run-to-run noise, so it is too narrow to compare cells.'] : []),
    'p99 and derived figures: median over the cell\'s runs.'];
  const doc = { scenario: sc.name, param: spec.key, values, variants, repeat: opts.repeat, complete: !interrupted, interrupted,
    cells: cells.map(({ value, variant, runs: n, rates }) => ({ value, variant, runs: n, rates })), ...extra, runs };
  if (opts.out) writeJsonAtomic(opts.out, doc);
  if (opts.html) writeFileAtomic(opts.html, renderHtmlReport({ title: `pagestorm sweep: ${sc.name} over ${spec.flag}`, sections: [{ heading: `${sc.name}: ${spec.flag} = ${values.join(', ')}`, table: { headers, rows }, note: legend.join('\n') }] }));
  io.out(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${formatTable(headers, rows, { width: outWidth(), lead: 2 })}\n${fitLines(legend.join('\n'), outWidth())}\n`);
  io.exitCode = exitCodeFor(runs, interrupted);
}

/** A sweep cell's rate: pooled, with the run-level t interval at >= 2 runs, else the within-run Wilson interval. */
function cellRate(cell: RunResult[], key: string): { rate: number; lo: number; hi: number; successes: number; trials: number; interval: 'run-level' | 'within-run' } {
  const ps = cell.map((r) => r.rates[key]).filter((x) => x && x.trials > 0);
  const successes = ps.reduce((a, x) => a + x.successes, 0);
  const trials = ps.reduce((a, x) => a + x.trials, 0);
  const rate = trials ? successes / trials : NaN;
  if (ps.length >= 2) {
    const t = tInterval(ps.map((x) => x.successes / x.trials));
    return { rate, lo: Math.max(0, t.lo), hi: Math.min(1, t.hi), successes, trials, interval: 'run-level' };
  }
  const w = wilson(successes, trials);
  return { rate, lo: w.lo, hi: w.hi, successes, trials, interval: 'within-run' };
}

function median(xs: number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v.length % 2 ? v[(v.length - 1) >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

