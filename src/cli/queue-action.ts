// compare|sweep --queue URL: the blocks go to pagestorm workers through Redis; the coordinator shows
// progress, keeps one result per block, and reports and merges as a sharded run (run/merge.ts).
import type { Params, ParamSpec, ParamValue, Scenario } from '../scenarios/types.js';
import type { RunResult } from '../report/schema.js';
import { InputError } from '../run/params.js';
import { blockPlan } from '../run/compare-runs.js';
import { mergeCompare, mergeRuns } from '../run/merge.js';
import { shardSeconds } from '../run/shard.js';
import { driftReport } from '../report/drift.js';
import { renderDriftText, soakReportDoc, type SoakDoc } from '../report/soak-report.js';
import { renderRunText } from '../report/run-text.js';
import type { SoakOpts } from './soak-action.js';
import { writeFileAtomic, writeJsonAtomic } from '../run/results-file.js';
import { renderHtmlReport } from '../report/html.js';
import { compareReportDoc } from '../report/run-html.js';
import { runOnQueue, type QueueOutcome } from '../queue/coordinator.js';
import { patchesOf, VERSION, type BlockJob } from '../queue/job.js';
import { probe, redact } from '../queue/connection.js';
import { exitCodeFor, renderCompareText, type CompareOpts } from './actions.js';
import { finishSweep, sweepPlan, type SweepOpts } from './long-actions.js';
import { withInterrupt, type Io } from './io.js';
import { outWidth } from './terminal.js';

async function follow(io: Io, url: string, jobs: BlockJob[], quiet: boolean): Promise<QueueOutcome> {
  const say = (s: string): void => { if (!quiet) io.err(`${s}\n`); };
  await probe(url);
  say(`queued ${jobs.length} block(s) on ${redact(url)}; waiting for pagestorm worker(s)`);
  const out = await withInterrupt(io, (signal) => runOnQueue(url, jobs, {
    signal,
    onDone: (j, r, done) => say(`block ${j.block} done on ${r.machine} (${done}/${jobs.length})`),
    onRefused: (j, why) => io.err(`error: block ${j.block} refused: ${why}\n`),
  }));
  if (out.results.size === 0 && out.refused.size > 0) throw new InputError(`every block was refused: ${[...new Set(out.refused.values())].join('; ')}`);
  return out;
}

const base = (sc: Scenario, params: Params, opts: { duration: number; warmup: number }, block: number, runs: BlockJob['runs']): BlockJob =>
  ({ version: VERSION, scenario: sc.name, params, runs, block, durationS: opts.duration, warmupS: opts.warmup, patches: patchesOf(sc) });

export async function compareOnQueue(io: Io, sc: Scenario, a: string, b: string, params: Params, opts: CompareOpts, primary: string, metrics?: string[]): Promise<void> {
  if (opts.untilVerdict) throw new InputError('--queue with --until-verdict: a sequential compare decides after each block; use a fixed --repeat');
  if (opts.shard) throw new InputError('--queue with --shard: the queue already spreads the blocks; use one or the other');
  const labels: [string, string] = a === b ? [a, `${b}′`] : [a, b];
  const variantOf = (l: string): string => (l === labels[0] ? a : b);
  const jobs = Array.from({ length: opts.repeat }, (_, k) => base(sc, params, opts, k, blockPlan(labels, k).map((l, i) => ({ variant: variantOf(l), seed: opts.seed + 2 * k + i, label: l }))));
  const out = await follow(io, opts.queue!, jobs, opts.quiet === true || opts.json === true);
  const runs: Record<string, RunResult[]> = { [labels[0]]: [], [labels[1]]: [] };
  for (const r of [...out.results.values()].flatMap((x) => x.runs)) { const { label, ...run } = r; runs[label].push(run); }
  const doc = { scenario: sc.name, variants: [a, b], labels, params, alpha: opts.alpha, primary, family: metrics?.filter((m) => m !== primary) ?? [], repeat: opts.repeat, runs, interrupted: out.interrupted, shard: { repeat: opts.repeat } };
  const res = mergeCompare(sc, [{ file: redact(opts.queue!), doc }]);
  const refused = [...out.refused].map(([k, why]) => `block ${k} refused: ${why}`);
  const full = { ...res, warnings: [...res.warnings, ...refused], complete: res.complete && refused.length === 0, queue: redact(opts.queue!) };
  if (opts.out) writeJsonAtomic(opts.out, full);
  if (opts.html) writeFileAtomic(opts.html, renderHtmlReport(compareReportDoc(full)));
  io.out(opts.json ? `${JSON.stringify(full, null, 2)}\n` : `machines: ${Object.entries(res.machines).map(([m, n]) => `${m} (${n} runs)`).join(', ')}\n${renderCompareText(sc, full, outWidth())}\n`);
  io.exitCode = refused.length ? 2 : exitCodeFor([...runs[labels[0]], ...runs[labels[1]]], out.interrupted);
}

export async function sweepOnQueue(io: Io, sc: Scenario, variants: string[], baseParams: Params, spec: ParamSpec, values: ParamValue[], opts: SweepOpts): Promise<void> {
  if (opts.shard) throw new InputError('--queue with --shard: the queue already spreads the runs; use one or the other');
  const plan = sweepPlan(values, variants, opts.repeat);
  const jobs = plan.map((x) => base(sc, { ...baseParams, [spec.key]: x.value }, opts, x.block, [{ variant: x.variant, seed: opts.seed + x.rep, label: x.variant }]));
  const out = await follow(io, opts.queue!, jobs, opts.quiet === true || opts.json === true);
  const runs = [...out.results.entries()].sort(([x], [y]) => x - y).flatMap(([, r]) => r.runs.map(({ label: _l, ...run }) => run as RunResult));
  const refused = [...out.refused].map(([k, why]) => `run ${k} refused: ${why}`);
  const machines: Record<string, number> = {};
  for (const r of out.results.values()) machines[r.machine] = (machines[r.machine] ?? 0) + r.runs.length;
  finishSweep(io, sc, spec, values, variants, opts, runs, out.interrupted || refused.length > 0, { machines, queue: redact(opts.queue!), warnings: refused });
  if (refused.length) io.exitCode = 2;
}

/** soak --queue: --duration cut into --blocks time blocks (seed + i each), run by the workers, merged as soak shards. */
export async function soakOnQueue(io: Io, sc: Scenario, variant: string, params: Params, opts: SoakOpts): Promise<void> {
  if (opts.shard) throw new InputError('--queue with --shard: the queue already spreads the time; use one or the other');
  if (opts.log) throw new InputError('--queue with --log: the interval histograms stay on the workers; run soak --shard on each machine for .hlog files');
  const n = opts.blocks ?? 4;
  const jobs = Array.from({ length: n }, (_, i) => {
    const durationS = shardSeconds(opts.duration, { index: i, count: n });
    if (opts.interval > durationS) throw new InputError(`--interval ${opts.interval} is longer than a block (${durationS} s = --duration / --blocks)`);
    return { ...base(sc, params, { duration: durationS, warmup: opts.warmup }, i, [{ variant, seed: opts.seed + i, label: variant }]), intervalS: opts.interval };
  });
  const out = await follow(io, opts.queue!, jobs, opts.quiet === true || opts.json === true);
  const files = [...out.results.entries()].sort(([x], [y]) => x - y).flatMap(([k, r]) => r.runs.map(({ label: _l, ...run }) => ({ file: `block ${k} on ${r.machine}`, doc: { ...run, shard: `${k}/${n}` } as unknown as Record<string, unknown> })));
  if (files.length === 0) throw new InputError('no soak block came back from the queue');
  const merged = mergeRuns(sc, files);
  const refused = [...out.refused].map(([k, why]) => `block ${k} refused: ${why}`);
  const missing = jobs.length - out.results.size - out.refused.size;
  const doc: SoakDoc & Record<string, unknown> = { ...merged, drift: driftReport(merged.intervals), queue: redact(opts.queue!), complete: merged.complete && refused.length === 0 && missing === 0, warnings: [...merged.warnings, ...refused, ...(missing > 0 ? [`${missing} block(s) never came back`] : [])] };
  if (opts.out) writeJsonAtomic(opts.out, doc);
  if (opts.html) writeFileAtomic(opts.html, renderHtmlReport(soakReportDoc(doc)));
  io.out(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `machines: ${Object.entries(merged.machines).map(([m, c]) => `${m} (${c} blocks)`).join(', ')}\n${renderRunText(doc)}\n\n${renderDriftText(doc.drift!)}\n`);
  io.exitCode = refused.length ? 2 : exitCodeFor(merged.runs, out.interrupted);
}
