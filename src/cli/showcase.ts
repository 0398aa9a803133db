// npm start: every scenario, before vs after, in about a minute per scenario on two cores.
import { writeFileAtomic, writeJsonAtomic } from '../run/results-file.js';
import { renderHtmlReport, type ReportSection } from '../report/html.js';
import { withInterrupt, type Io } from './io.js';
import { checkOutputs, exitCodeFor } from './actions.js';
import { SHOWCASE_ACTS, type ActResult } from './showcase-acts.js';
import { showcaseProgress } from './showcase-progress.js';
import { showingProgress } from './progress.js';
import { outWidth } from './terminal.js';
import { fitLines, reflowLines } from '../report/wrap.js';

export async function showcaseAction(io: Io, opts: { quick?: boolean; json?: boolean; quiet?: boolean; out?: string; html?: string }): Promise<void> {
  checkOutputs(opts);
  const acts: ActResult[] = [];
  const t0 = performance.now();
  const width = outWidth();
  const progress = showcaseProgress(io, SHOWCASE_ACTS, { quick: opts.quick === true, json: opts.json, quiet: opts.quiet });
  await showingProgress(progress, () => withInterrupt(io, async (signal) => {
    for (const act of SHOWCASE_ACTS) {
      if (signal.aborted) break;
      if (!opts.json) progress.out(`\n${fitLines(`== ${act.title} ==`, width)}\n${reflowLines(act.blurb, width)}\n`);
      const r = await act.run({ quick: opts.quick === true, signal, width, progress: (s) => progress.step(s, !opts.json) });
      acts.push(r);
      progress.actDone(r);
      if (!opts.json) progress.out(`${reflowLines(r.text, width)}\n`);
    }
  }));
  const doc = { showcase: acts.map((a) => ({ title: a.title, summary: a.summary })), elapsedS: (performance.now() - t0) / 1000 };
  if (opts.out) writeJsonAtomic(opts.out, { ...doc, runs: acts.flatMap((a) => a.runs) });
  if (opts.html) writeFileAtomic(opts.html, renderHtmlReport({ title: 'pagestorm showcase', sections: acts.flatMap((a): ReportSection[] => a.sections) }));
  if (opts.json) io.out(`${JSON.stringify(doc, null, 2)}\n`);
  else {
    const skipped = acts.filter((a) => a.skipped);
    io.out(`\nshowcase done in ${doc.elapsedS.toFixed(0)} s${acts.some((a) => !a.asExpected) ? '; SOME RESULTS DIFFER FROM THE KERNEL\'S CLAIMS (see above)' : '; every result as the kernel threads claim'}` +
      `${skipped.length ? `; skipped: ${skipped.map((a) => `${a.title.split(':')[0]} (${a.skipped})`).join('; ')}` : ''}\n`);
  }
  const runs = acts.flatMap((a) => a.runs).filter((r) => !r.knownBuggy);
  io.exitCode = exitCodeFor(runs, signalAborted(acts));
}

const signalAborted = (acts: ActResult[]): boolean => acts.some((a) => a.runs.some((r) => r.interrupted));
