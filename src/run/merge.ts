// Joins result files of one experiment (shards, queue workers, reruns): counters summed, histograms
// merged from their HdrHistogram encodings, every run row kept with the machine it ran on. A compare
// is re-tested with the machine as a block (report/compare-stratified.ts), never as one pool.
import type { Scenario } from '../scenarios/types.js';
import type { CompareResult, RunResult } from '../report/schema.js';
import type { SoakDoc } from '../report/soak-report.js';
import { compareVariants, type RunSummary } from '../report/compare.js';
import { metricsFor, repeatWarnings } from './compare-runs.js';
import { mergeSummaries } from './histograms.js';
import { InputError } from './params.js';

export interface Loaded { file: string; doc: Record<string, unknown> }
export type DocKind = 'compare' | 'sweep' | 'run';

/** The machine a run is labelled with (env.machine, else its hostname). */
export const machineOf = (r: RunResult): string => r.env?.machine ?? r.env?.hostname ?? 'unknown';

export function kindOf({ file, doc }: Loaded): DocKind {
  if (Array.isArray(doc.labels) && doc.runs && typeof doc.runs === 'object' && !Array.isArray(doc.runs)) return 'compare';
  if (typeof doc.param === 'string' && Array.isArray(doc.runs)) return 'sweep';
  if (typeof doc.variant === 'string' && doc.counters && typeof doc.counters === 'object') return 'run';
  throw new InputError(`${file}: not a pagestorm compare, sweep, soak or run result`);
}

/** Every file agrees on these fields (same experiment), else an error naming the file and the field. */
function sameExperiment(files: readonly Loaded[], fields: readonly string[]): void {
  const [first, ...rest] = files;
  for (const f of rest) {
    for (const k of fields) {
      if (JSON.stringify(f.doc[k]) !== JSON.stringify(first.doc[k])) {
        throw new InputError(`${f.file}: ${k} ${JSON.stringify(f.doc[k])} differs from ${first.file}'s ${JSON.stringify(first.doc[k])}: not the same experiment`);
      }
    }
  }
}

/** Runs keyed by block: the first file's copy is kept, a repeat is reported (a rerun or a file given twice). */
function dedupe(runs: { file: string; r: RunResult }[], key: (r: RunResult) => string, warnings: string[]): RunResult[] {
  const seen = new Map<string, string>();
  const out: RunResult[] = [];
  for (const { file, r } of runs) {
    const k = key(r);
    if (r.block !== undefined && seen.has(k)) { warnings.push(`${k} appears in ${seen.get(k)} and ${file}: ${file}'s copy left out`); continue; }
    seen.set(k, file);
    out.push(r);
  }
  return out;
}

const count = (runs: readonly RunResult[]): Record<string, number> => {
  const m: Record<string, number> = {};
  for (const r of runs) m[machineOf(r)] = (m[machineOf(r)] ?? 0) + 1;
  return m;
};

export function mergeCompare(sc: Scenario, files: readonly Loaded[]): CompareResult & { machines: Record<string, number>; mergedFrom: string[]; complete: boolean } {
  sameExperiment(files, ['scenario', 'variants', 'labels', 'params', 'alpha', 'primary']);
  const first = files[0].doc as unknown as CompareResult & { shard?: { repeat: number } };
  const labels = first.labels;
  const warnings: string[] = [];
  const side = (label: string): RunResult[] => dedupe(
    files.flatMap(({ file, doc }) => ((doc as unknown as CompareResult).runs[label] ?? []).map((r) => ({ file, r }))),
    (r) => `block ${r.block} (${label})`, warnings,
  ).sort((x, y) => (x.block ?? 0) - (y.block ?? 0));
  const runs = { [labels[0]]: side(labels[0]), [labels[1]]: side(labels[1]) };
  const planned = Math.max(...files.map(({ doc }) => (doc as { shard?: { repeat: number } }).shard?.repeat ?? (doc.repeat as number)));
  const blocksOf = (label: string): Set<number> => new Set(runs[label].map((r) => r.block).filter((b): b is number => b !== undefined));
  const both = [...blocksOf(labels[0])].filter((b) => blocksOf(labels[1]).has(b));
  const missing = Array.from({ length: planned }, (_, b) => b).filter((b) => !both.includes(b));
  if (missing.length) warnings.push(`block(s) ${missing.join(', ')} of ${planned} missing from the files: the merged compare has ${both.length}`);
  const table = compareVariants(metricsFor(sc), runs[labels[0]] as unknown as RunSummary[], runs[labels[1]] as unknown as RunSummary[], {
    alpha: first.alpha, primary: first.primary, family: first.family.length ? first.family : undefined, strata: (r) => machineOf(r as unknown as RunResult),
  });
  const all = [...runs[labels[0]], ...runs[labels[1]]];
  const machines = count(all);
  if (Object.keys(machines).length > 1) warnings.push(`runs from ${Object.keys(machines).length} machines: every row is tested within machines (van Elteren), never pooled`);
  const order = all.slice().sort((x, y) => (x.block ?? 0) - (y.block ?? 0) || x.startedAt.localeCompare(y.startedAt)).map((r) => (runs[labels[0]].includes(r) ? labels[0] : labels[1]));
  const interrupted = files.some(({ doc }) => doc.interrupted === true);
  return {
    scenario: first.scenario, variants: first.variants, labels, params: first.params, repeat: both.length, order, runs, ...table,
    interrupted, warnings: [...repeatWarnings(both.length), ...warnings], machines, mergedFrom: files.map((f) => f.file), complete: !interrupted && missing.length === 0,
  };
}

export interface SweepMerge { param: string; values: (number | string | boolean)[]; variants: string[]; repeat: number; runs: RunResult[]; interrupted: boolean; warnings: string[]; machines: Record<string, number> }

export function mergeSweep(files: readonly Loaded[]): SweepMerge {
  sameExperiment(files, ['scenario', 'param', 'values', 'variants', 'repeat']);
  const warnings: string[] = [];
  const runs = dedupe(files.flatMap(({ file, doc }) => (doc.runs as RunResult[]).map((r) => ({ file, r }))), (r) => `run ${r.block}`, warnings)
    .sort((x, y) => (x.block ?? 0) - (y.block ?? 0));
  const d = files[0].doc as unknown as SweepMerge;
  return { param: d.param, values: d.values, variants: d.variants, repeat: d.repeat, runs, interrupted: files.some(({ doc }) => doc.interrupted === true), warnings, machines: count(runs) };
}

/** Runs or soak shards of one variant: one document as if one machine had run them all, the rows kept in `runs`. */
export function mergeRuns(sc: Scenario, files: readonly Loaded[]): SoakDoc & { runs: RunResult[]; machines: Record<string, number>; mergedFrom: string[] } {
  // Shards differ in seed (seed + i) by design: the rest of the parameters must agree.
  const bare = files.map(({ file, doc }) => ({ file, doc: { ...doc, params: { ...(doc.params as object), seed: undefined } } }));
  sameExperiment(bare, ['scenario', 'variant', 'params', 'intervalS']);
  const docs = files.map((f) => f.doc as unknown as SoakDoc);
  const counters: Record<string, number> = {};
  for (const d of docs) for (const [k, v] of Object.entries(d.counters)) counters[k] = (counters[k] ?? 0) + v;
  const units = Object.fromEntries(Object.entries(sc.histograms).map(([k, h]) => [k, h.unit]));
  const rates = Object.fromEntries(Object.entries(sc.rates(counters)).map(([k, r]) => [k, { rate: r.trials ? r.successes / r.trials : NaN, ...r }]));
  // Per-kind totals; a first occurrence's time is per machine, so the earliest of them is kept with its detail.
  const forbidden = new Map<string, RunResult['forbidden'][number]>();
  for (const f of docs.flatMap((d) => d.forbidden)) {
    const was = forbidden.get(f.kind);
    forbidden.set(f.kind, was ? { ...(f.firstAtMs < was.firstAtMs ? f : was), count: was.count + f.count } : { ...f });
  }
  const derived = {
    walkEntriesPerHold: counters.walkHolds ? counters.walkEntries / counters.walkHolds : NaN,
    walkMostEntriesPerHold: Math.max(...docs.map((d) => d.derived.walkMostEntriesPerHold ?? 0)),
    ...(sc.derived ? sc.derived(counters) : {}),
  };
  let offset = 0;
  const intervals = docs.flatMap((d) => {
    const out = (d.intervals ?? []).map((iv) => ({ ...iv, machine: machineOf(d), shard: d.shard, startS: iv.startS + offset, endS: iv.endS + offset }));
    offset += d.durationS;
    return out;
  });
  const rows = docs.map(({ intervals: _i, drift: _d, ...rest }) => rest as RunResult);
  return {
    ...docs[0], complete: docs.every((d) => d.complete), durationS: docs.reduce((s, d) => s + d.durationS, 0), counters, derived, rates,
    histograms: mergeSummaries(docs.map((d) => d.histograms), units), forbidden: [...forbidden.values()],
    quiescence: { checked: docs.every((d) => d.quiescence.checked), violations: docs.flatMap((d) => d.quiescence.violations) },
    cpuShare: docs.reduce((s, d) => s + d.cpuShare, 0) / docs.length, threadCpuMs: docs.flatMap((d) => d.threadCpuMs),
    warnings: [...new Set(docs.flatMap((d) => d.warnings))], interrupted: docs.some((d) => d.interrupted),
    intervalS: docs[0].intervalS, intervals, drift: undefined, runs: rows, machines: count(rows), mergedFrom: files.map((f) => f.file),
  };
}
