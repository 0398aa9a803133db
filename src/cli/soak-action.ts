// soak: one long run cut into intervals. Each interval: a line on stderr, an HdrHistogram log entry,
// and a fresh snapshot in --out (complete: false) holding every interval so far and the forbidden
// outcomes seen so far, so a kill -9 loses at most one interval. At the end: drift (first window
// against last, trend over intervals) and the complete document.
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import * as hdr from 'hdr-histogram-js';
import { runOnce, type IntervalReport } from '../run/run-once.js';
import { intervalSummary } from '../run/interval-summary.js';
import { InputError, parseScenarioArgs } from '../run/params.js';
import { parseShard, shardLabel, shardSeconds } from '../run/shard.js';
import { writeFileAtomic, writeJsonAtomic } from '../run/results-file.js';
import type { ForbiddenReport, RunResult } from '../report/schema.js';
import { renderRunText } from '../report/run-text.js';
import { fmtNs, fmtPct } from '../report/table.js';
import { renderHtmlReport } from '../report/html.js';
import { driftReport, type IntervalSummary } from '../report/drift.js';
import { renderDriftText, soakReportDoc, type SoakDoc } from '../report/soak-report.js';
import { checkCaps, checkOutputs, exitCodeFor, scenarioOrThrow, variantOrThrow, type MeasureOpts } from './actions.js';
import { withInterrupt, type Io } from './io.js';
import { runsProgress } from './runs-progress.js';
import { showingProgress } from './progress.js';
import { outWidth } from './terminal.js';
import { fitLines } from '../report/wrap.js';

export interface SoakOpts extends MeasureOpts { variant: string; interval: number; log?: string; stopOnForbidden?: boolean; quiet?: boolean; shard?: string; queue?: string; blocks?: number }

/** One interval line: counts, rates, each histogram's p99, forbidden outcomes so far, RSS. */
function intervalLine(iv: IntervalSummary): string {
  const rates = Object.entries(iv.rates).map(([k, x]) => `${k} ${x.trials ? fmtPct(x.rate) : '–'} of ${x.trials}`).join(', ');
  const lat = Object.entries(iv.histograms).filter(([, h]) => h.unit === 'ns' && h.count).map(([k, h]) => `${k} p99 ${fmtNs(h.p99)}`).join(', ');
  return `[${iv.endS.toFixed(1).padStart(7)} s] interval ${iv.index + 1}: ${rates}${lat ? `; ${lat}` : ''}; forbidden so far ${iv.forbiddenSoFar}; rss ${iv.process.rssMB} MB`;
}

/** The HdrHistogram log lines of one interval (tag = histogram name, values in ns). */
function hlogLines(iv: IntervalReport, names: string[]): string {
  let lines = '';
  const writer = new hdr.HistogramLogWriter((s: string) => { lines += s; });
  for (const key of names) {
    const parts = iv.encoded.filter((e) => e[key]);
    if (!parts.length) continue;
    const total = hdr.build({ useWebAssembly: true });
    for (const e of parts) { const h = hdr.decodeFromCompressedBase64(e[key], 32, true); total.add(h); h.destroy(); }
    total.tag = key;
    writer.outputIntervalHistogram(total, iv.startS, iv.endS, 1e6);
    total.destroy();
  }
  return lines;
}

export async function soakAction(io: Io, name: string, opts: SoakOpts, words: string[]): Promise<void> {
  const sc = scenarioOrThrow(name);
  const variant = variantOrThrow(sc, opts.variant);
  const params = parseScenarioArgs(sc, words);
  checkCaps(sc, [params], [variant], opts);
  // A shard soaks its share of the time with its own seed: n machines cover --duration together.
  if (opts.queue) { await (await import('./queue-action.js')).soakOnQueue(io, sc, variant, params, opts); return; }
  const shard = opts.shard ? parseShard(opts.shard) : undefined;
  if (shard) opts = { ...opts, duration: shardSeconds(opts.duration, shard), seed: opts.seed + shard.index };
  if (opts.interval > opts.duration) throw new InputError(`--interval ${opts.interval} is longer than --duration ${opts.duration}`);
  checkOutputs(opts);
  // The log grows in FILE.partial and is renamed when the soak ends, so an old FILE is never half-overwritten.
  const partial = opts.log ? `${opts.log}.partial` : undefined;
  const units = Object.fromEntries(Object.entries(sc.histograms).map(([k, h]) => [k, h.unit]));
  const startMs = Date.now();
  if (partial) {
    writeFileSync(partial, `#[Histogram log format version 1.3]\n#[StartTime: ${(startMs / 1000).toFixed(3)} (seconds since epoch), ${new Date(startMs).toISOString()}]\n#[pagestorm soak ${sc.name} / ${variant}; values in ns; tag = histogram name]\n"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n`);
  }
  // The interval lines are the soak's log; a status line between them at most once a minute when plain.
  const progress = runsProgress(io, sc, { command: 'soak', labels: [variant], durationS: opts.duration, warmupS: opts.warmup, json: opts.json, quiet: opts.quiet, plainEveryS: 60 });
  const intervals: IntervalSummary[] = [];
  let last: RunResult | undefined;
  const forbiddenNow: ForbiddenReport[] = [];
  const snapshot = (): void => {
    if (!opts.out) return;
    const base = last ?? ({ scenario: sc.name, variant, params, forbidden: [] } as unknown as RunResult);
    const seen = base.forbidden.map((f) => f.kind);
    writeJsonAtomic(opts.out, { ...base, complete: false, intervalS: opts.interval, intervals, forbidden: [...base.forbidden, ...forbiddenNow.filter((f) => !seen.includes(f.kind))] });
  };
  const onInterval = (iv: IntervalReport): void => {
    const summary = intervalSummary(sc, iv);
    intervals.push(summary);
    progress.log(intervalLine(summary));
    if (partial) appendFileSync(partial, hlogLines(iv, Object.keys(units)));
  };
  const onForbidden = (f: ForbiddenReport): void => {
    progress.log(`FORBIDDEN ${f.kind} first seen at ${f.firstAtMs} ms: ${f.detail}`);
    forbiddenNow.push(f);
    snapshot();
  };
  const r = await showingProgress(progress, () => withInterrupt(io, async (signal) => {
    const res = await runOnce(progress.scenario, variant, params, {
      durationS: opts.duration, warmupS: opts.warmup, seed: opts.seed, signal, intervalS: opts.interval, onInterval, onProgress: progress.onProgress,
      onSnapshot: (snap) => { last = snap; snapshot(); }, onForbidden, stopOnForbidden: opts.stopOnForbidden === true,
    });
    progress.runDone(res);
    return res;
  }));
  if (partial && opts.log) renameSync(partial, opts.log);
  const doc: SoakDoc = { ...r, ...(shard ? { shard: shardLabel(shard) } : {}), intervalS: opts.interval, intervals, drift: driftReport(intervals) };
  if (opts.out) writeJsonAtomic(opts.out, doc);
  if (opts.html) writeFileAtomic(opts.html, renderHtmlReport(soakReportDoc(doc)));
  io.out(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${fitLines(`${renderRunText(r)}\n\n${renderDriftText(doc.drift!)}`, outWidth())}\n`);
  if (r.crashed && !opts.json) io.err(`role ${r.crashed.role} (task ${r.crashed.tid}) crashed:\n${r.crashed.stack}\n`);
  io.exitCode = exitCodeFor([r], r.interrupted);
}
