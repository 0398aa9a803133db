// pagestorm merge FILE...: joins result files of one experiment and reports them as one (see run/merge.ts).
import { readFileSync } from 'node:fs';
import { InputError } from '../run/params.js';
import { kindOf, mergeCompare, mergeRuns, mergeSweep, type Loaded } from '../run/merge.js';
import { writeFileAtomic, writeJsonAtomic } from '../run/results-file.js';
import { renderHtmlReport } from '../report/html.js';
import { compareReportDoc, runReportDoc } from '../report/run-html.js';
import { renderRunText } from '../report/run-text.js';
import { fitLines } from '../report/wrap.js';
import { checkOutputs, exitCodeFor, renderCompareText, scenarioOrThrow } from './actions.js';
import { finishSweep } from './long-actions.js';
import { outWidth } from './terminal.js';
import type { Io } from './io.js';

export interface MergeOpts { json?: boolean; out?: string; html?: string }

export function loadResult(file: string): Loaded {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  try { return { file, doc: JSON.parse(text) as Record<string, unknown> }; } catch (e) { throw new InputError(`${file}: not JSON (${(e as Error).message})`); }
}

export function mergeAction(io: Io, files: string[], opts: MergeOpts): void {
  if (files.length === 0) throw new InputError('merge needs at least one result file');
  checkOutputs(opts);
  const loaded = files.map(loadResult);
  const kinds = new Set(loaded.map(kindOf));
  if (kinds.size > 1) throw new InputError(`the files mix ${[...kinds].join(' and ')} results: merge one experiment at a time`);
  const kind = [...kinds][0];
  const sc = scenarioOrThrow(String(loaded[0].doc.scenario));
  const from = `merged ${files.length} file(s)`;
  if (kind === 'compare') {
    const res = mergeCompare(sc, loaded);
    const doc = res;
    if (opts.out) writeJsonAtomic(opts.out, doc);
    if (opts.html) writeFileAtomic(opts.html, renderHtmlReport(compareReportDoc(res)));
    io.out(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${from}; machines: ${Object.entries(res.machines).map(([m, n]) => `${m} (${n} runs)`).join(', ')}\n${renderCompareText(sc, res, outWidth())}\n`);
    io.exitCode = exitCodeFor([...res.runs[res.labels[0]], ...res.runs[res.labels[1]]], res.interrupted);
    return;
  }
  if (kind === 'sweep') {
    const m = mergeSweep(loaded);
    const spec = sc.params.find((p) => p.key === m.param);
    if (!spec) throw new InputError(`${files[0]}: scenario ${sc.name} has no parameter ${JSON.stringify(m.param)}`);
    if (!opts.json) io.err(`${from}; machines: ${Object.entries(m.machines).map(([k, n]) => `${k} (${n} runs)`).join(', ')}\n${m.warnings.map((w) => `warning: ${w}\n`).join('')}`);
    finishSweep(io, sc, spec, m.values, m.variants, { repeat: m.repeat, ...opts }, m.runs, m.interrupted, { machines: m.machines, mergedFrom: files, warnings: m.warnings });
    return;
  }
  const doc = mergeRuns(sc, loaded);
  if (opts.out) writeJsonAtomic(opts.out, doc);
  if (opts.html) writeFileAtomic(opts.html, renderHtmlReport(runReportDoc(doc)));
  io.out(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${fitLines(`${from}; machines: ${Object.entries(doc.machines).map(([k, n]) => `${k} (${n})`).join(', ')}\n${renderRunText(doc)}`, outWidth())}\n`);
  io.exitCode = exitCodeFor(doc.runs, doc.interrupted);
}
