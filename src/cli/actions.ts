// list, run and compare: validate the words, call the runner, print and write the results.
import { checkOutputPath, writeFileAtomic, writeJsonAtomic } from '../run/results-file.js';
import { runOnce } from '../run/run-once.js';
import { parseShard, shardBlocks, shardLabel, type Shard } from '../run/shard.js';
import { blockPlan, compareRuns, FIRST_LOOK, metricsFor, primaryMetricOf, type CompareResult } from '../run/compare-runs.js';
import { InputError, parseScenarioArgs } from '../run/params.js';
import { checkMachineCaps } from '../run/machine-caps.js';
import type { Params } from '../scenarios/types.js';
import { cliRegistry } from './patches.js';
import type { Scenario } from '../scenarios/types.js';
import type { RunResult } from '../report/schema.js';
import { renderRunText } from '../report/run-text.js';
import { spinNsOf } from '../shared/sleep.js';
import { comparisonCells, comparisonFootnotes, fmtP } from '../report/compare-text.js';
import { formatComparisonTable } from '../report/compare-table.js';
import { fitLines } from '../report/wrap.js';
import { fmtPct } from '../report/table.js';
import { renderHtmlReport } from '../report/html.js';
import { compareReportDoc, runReportDoc } from '../report/run-html.js';
import { withInterrupt, type Io } from './io.js';
import { runsProgress } from './runs-progress.js';
import { showingProgress } from './progress.js';
import { outWidth } from './terminal.js';
import { renderOverview, renderScenario } from './list-text.js';

export type { Io };

export interface MeasureOpts {
  duration: number;
  warmup: number;
  seed: number;
  json?: boolean;
  quiet?: boolean;
  out?: string;
  html?: string;
  oversubscribe?: boolean;
}

/** Every (params, variant) the command will run fits this machine (exit 2 naming the limit otherwise). */
export function checkCaps(sc: Scenario, params: readonly Params[], variants: readonly string[], opts: { oversubscribe?: boolean }): void {
  for (const p of params) for (const v of variants) checkMachineCaps(sc, p, v, { oversubscribe: opts.oversubscribe });
}

/** Every output path the command was given, checked before any role starts (exit 2 naming the path). */
export function checkOutputs(opts: { out?: string; html?: string; log?: string }): void {
  if (opts.out) checkOutputPath('--out', opts.out);
  if (opts.html) checkOutputPath('--html', opts.html);
  if (opts.log) checkOutputPath('--log', opts.log);
}

export function scenarioOrThrow(name: string): Scenario {
  const reg = cliRegistry(); // the built-ins plus --patch files
  const sc = reg.find(name);
  if (!sc) throw new InputError(`unknown scenario ${JSON.stringify(name)}; known: ${reg.scenarios.map((s) => s.name).join(', ')}`);
  return sc;
}

export function variantOrThrow(sc: Scenario, v: string): string {
  if (!sc.variants.some((x) => x.name === v)) {
    throw new InputError(`unknown variant ${JSON.stringify(v)} for ${sc.name}; known: ${sc.variants.map((x) => x.name).join(', ')}`);
  }
  return v;
}

/** The exit code a set of runs earns: 1 error, 3 forbidden outcome, 130 interrupted, else 0. */
export function exitCodeFor(runs: RunResult[], interrupted: boolean): number {
  if (runs.some((r) => (r.error && !r.interrupted) || r.crashed) || runs.some((r) => r.error?.startsWith('roles did not stop'))) return 1;
  if (runs.some((r) => r.forbidden.length > 0)) return 3;
  if (interrupted || runs.some((r) => r.interrupted)) return runs.some((r) => r.error) ? 1 : 130;
  return 0;
}

export function listAction(io: Io, name: string | undefined, opts: { json?: boolean }): void {
  const list = name ? [scenarioOrThrow(name)] : cliRegistry().scenarios;
  if (opts.json) {
    io.out(`${JSON.stringify(list.map((s) => ({
      name: s.name, title: s.title, seeds: s.seeds, sources: s.sources ?? [], description: s.description, variants: s.variants, primary: primaryMetricOf(s), metrics: metricsFor(s).map((m) => m.name),
      params: s.params.map(({ key, flag, kind, default: d, min, max, choices, unit, description, source }) => ({ key, flag, kind, default: d, min, max, choices, unit, description, source })),
      histograms: s.histograms,
    })), null, 2)}\n`);
    return;
  }
  const width = outWidth();
  io.out(`${name ? renderScenario(list[0], width) : renderOverview(list, width)}\n`);
}

function emit(io: Io, opts: MeasureOpts, doc: unknown, text: string, html: () => string): void {
  if (opts.out) writeJsonAtomic(opts.out, doc);
  if (opts.html) writeFileAtomic(opts.html, html());
  io.out(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${text}\n`);
}

export async function runAction(io: Io, name: string, opts: MeasureOpts & { variant: string; interval: number }, words: string[]): Promise<void> {
  const sc = scenarioOrThrow(name);
  const variant = variantOrThrow(sc, opts.variant);
  const params = parseScenarioArgs(sc, words);
  checkCaps(sc, [params], [variant], opts);
  checkOutputs(opts);
  const progress = runsProgress(io, sc, { command: 'run', labels: [variant], durationS: opts.duration, warmupS: opts.warmup, json: opts.json, quiet: opts.quiet });
  const r = await showingProgress(progress, () => withInterrupt(io, async (signal) => {
    const res = await runOnce(progress.scenario, variant, params, {
      durationS: opts.duration, warmupS: opts.warmup, seed: opts.seed, signal, onProgress: progress.onProgress,
      // --out always holds the latest snapshot (complete: false) until the final document replaces it.
      ...(opts.out ? { snapshotS: opts.interval, onSnapshot: (partial: RunResult) => writeJsonAtomic(opts.out!, partial) } : {}),
    });
    progress.runDone(res);
    return res;
  }));
  emit(io, opts, r, fitLines(renderRunText(r), outWidth()), () => renderHtmlReport(runReportDoc(r)));
  if (r.crashed) io.err(`role ${r.crashed.role} (task ${r.crashed.tid}) crashed:\n${r.crashed.stack}\n`); // e.g. a patch hook that threw
  io.exitCode = exitCodeFor([r], r.interrupted);
}

export interface CompareOpts extends MeasureOpts {
  variants: string;
  repeat: number;
  alpha: number;
  primary?: string;
  metrics?: string;
  untilVerdict?: boolean;
  maxRepeat: number;
  shard?: string;
  queue?: string;
}

/** The blocks a --shard runs (all when none), refusing a sequential or empty shard. */
export function compareShard(opts: CompareOpts): { shard?: Shard; blocks?: number[] } {
  if (!opts.shard) return {};
  const shard = parseShard(opts.shard);
  if (opts.untilVerdict) throw new InputError(`--shard ${opts.shard} with --until-verdict: a sequential compare decides after each block and cannot be split; run fixed --repeat shards and merge them`);
  const blocks = shardBlocks(opts.repeat, shard);
  if (blocks.length === 0) throw new InputError(`--shard ${opts.shard}: ${opts.repeat} block(s) leave shard ${shard.index} empty; use at most ${opts.repeat} shards`);
  return { shard, blocks };
}

/** Metric names from --primary / --metrics, each checked against the scenario's metrics. */
function metricNames(sc: Scenario, flag: string, list: string): string[] {
  const known = metricsFor(sc).map((m) => m.name);
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new InputError(`${flag} ${JSON.stringify(list)}: expected metric names, e.g. ${known.slice(0, 2).join(',')}`);
  for (const n of names) if (!known.includes(n)) throw new InputError(`${flag}: unknown metric ${JSON.stringify(n)} for ${sc.name}; known: ${known.join(', ')}`);
  return names;
}

/** The text report of a compare, fitted to width: the table, its footnotes, the sequential looks, forbidden outcomes and warnings. */
export function renderCompareText(sc: Scenario, res: CompareResult, width = Infinity): string {
  const [la, lb] = res.labels;
  const head = res.sequential
    ? `${sc.name}: A = ${la}, B = ${lb}; sequential, ${res.repeat} of at most ${res.sequential.maxRepeat} ABBA blocks (stopped: ${res.sequential.stoppedBy})`
    : `${sc.name}: A = ${la}, B = ${lb}; ${res.repeat} ABBA block(s), ${res.order.join(' ')}`;
  const spin = `spinNs ${spinNsOf(res.params)} (every rate below was measured with this spin before Atomics.wait)`;
  const t = comparisonCells(res, [la, lb]);
  const out = [head, spin, '', formatComparisonTable(t, width), '', ...comparisonFootnotes(res)];
  if (res.sequential) {
    out.push('', `looks (${res.sequential.spending}, α = ${res.alpha}):`);
    for (const l of res.sequential.looks) out.push(`  block ${l.block}: p ${fmtP(l.p)}, |z| ${l.z === null ? '–' : l.z.toFixed(2)} vs bound ${l.bound.toFixed(2)} (nominal α ${fmtP(l.nominalAlpha)})${l.crossed ? ' CROSSED' : ''}`);
  }
  const all = [...res.runs[la], ...res.runs[lb]];
  const forbidden = all.flatMap((r) => r.forbidden.map((f) => `${r.variant}: ${f.kind} x${f.count}: ${f.detail}`));
  out.push('', forbidden.length ? forbidden.map((f) => `FORBIDDEN ${f}`).join('\n') : 'forbidden outcomes: none');
  for (const w of res.warnings) out.push(`warning: ${w}`);
  out.push(...all.flatMap((r) => r.warnings.map((w) => `warning (${r.variant}): ${w}`)).slice(0, 6));
  return fitLines(out.join('\n'), width);
}

export async function compareAction(io: Io, name: string, opts: CompareOpts, words: string[]): Promise<void> {
  const sc = scenarioOrThrow(name);
  const vs = opts.variants.split(',').map((s) => s.trim());
  if (vs.length !== 2) throw new InputError(`--variants ${JSON.stringify(opts.variants)}: expected two variants, e.g. ${sc.variants.slice(0, 2).map((v) => v.name).join(',')} (or x,x for an A/A noise check)`);
  const [a, b] = [variantOrThrow(sc, vs[0]), variantOrThrow(sc, vs[1])];
  const primary = opts.primary ? metricNames(sc, '--primary', opts.primary)[0] : primaryMetricOf(sc);
  const metrics = opts.metrics ? metricNames(sc, '--metrics', opts.metrics) : undefined;
  const params = parseScenarioArgs(sc, words);
  checkCaps(sc, [params], [a, b], opts);
  checkOutputs(opts);
  if (opts.queue) { await (await import('./queue-action.js')).compareOnQueue(io, sc, a, b, params, opts, primary, metrics); return; }
  const n = opts.untilVerdict ? opts.maxRepeat : opts.repeat;
  const done: RunResult[] = [];
  if (opts.untilVerdict && opts.maxRepeat < FIRST_LOOK) throw new InputError(`--max-repeat ${opts.maxRepeat}: a sequential compare needs at least ${FIRST_LOOK} blocks`);
  const labels: [string, string] = a === b ? [a, `${b}′`] : [a, b];
  const { shard, blocks } = compareShard(opts);
  const plan = (blocks ?? Array.from({ length: n }, (_, k) => k)).flatMap((k) => blockPlan(labels, k));
  const progress = runsProgress(io, sc, { command: 'compare', labels: plan.map((l) => `${l === labels[0] ? 'A' : 'B'} ${l}`),
    durationS: opts.duration, warmupS: opts.warmup, upTo: opts.untilVerdict, json: opts.json, quiet: opts.quiet });
  const res = await showingProgress(progress, () => withInterrupt(io, (signal) => compareRuns(progress.scenario, a, b, params, opts.repeat, {
    durationS: opts.duration, warmupS: opts.warmup, seed: opts.seed, signal, alpha: opts.alpha, primary, metrics,
    untilVerdict: opts.untilVerdict ? { maxRepeat: opts.maxRepeat } : undefined, onProgress: progress.onProgress,
    ...(shard ? { blocks, shard: shardLabel(shard) } : {}),
    onRun: (r, i, _n, label) => {
      done.push(r);
      // After every run --out holds the runs so far (complete: false): a kill loses at most the run in progress.
      if (opts.out) writeJsonAtomic(opts.out, { scenario: sc.name, variants: [a, b], params, complete: false, runsDone: done.length, runsPlanned: plan.length, runs: done });
      progress.runDone(r, opts.json ? undefined : `run ${i + 1}/${plan.length}: ${label} ${Object.entries(r.rates).map(([k, x]) => `${k} ${fmtPct(x.rate)}`).join(' ')}${r.forbidden.length ? ' FORBIDDEN' : ''}`);
    },
    onLook: opts.json ? undefined : (l) => progress.log(`look at block ${l.block}: ${primary} p ${fmtP(l.p)}, |z| ${l.z === null ? '–' : l.z.toFixed(2)} vs ${l.bound.toFixed(2)}${l.crossed ? ': verdict reached' : ''}`),
  })));
  if (!opts.json) for (const w of res.warnings) io.err(`warning: ${w}\n`);
  const all = [...res.runs[res.labels[0]], ...res.runs[res.labels[1]]];
  const shardDoc = shard ? { shard: { index: shard.index, count: shard.count, blocks, repeat: opts.repeat, seed: opts.seed } } : {};
  emit(io, opts, { ...res, complete: !res.interrupted, ...shardDoc }, renderCompareText(sc, res, outWidth()), () => renderHtmlReport(compareReportDoc(res)));
  io.exitCode = exitCodeFor(all, res.interrupted);
}
