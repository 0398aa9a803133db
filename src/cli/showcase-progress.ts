// Progress for the showcase: which act of how many, the step it is on, the whole showcase's ETA
// (from each act's planned seconds, corrected by the pace so far) and forbidden outcomes of the
// correct variants so far (known-buggy controls are meant to have them).
import type { Io } from './io.js';
import type { Act, ActResult } from './showcase-acts.js';
import { JobClock } from './job-clock.js';
import { startProgress, type Progress } from './progress.js';
import type { Status } from './progress-line.js';
import { progressMode } from './terminal.js';

export interface ShowcaseProgress extends Progress {
  /** An act's step (ActContext.progress): shown on the line, and kept as a log line when keep is set. */
  step(line: string, keep: boolean): void;
  /** An act has finished: count its correct variants' forbidden outcomes and start the next act. */
  actDone(r: ActResult): void;
}

export function showcaseProgress(io: Io, acts: Act[], o: { quick: boolean; json?: boolean; quiet?: boolean }): ShowcaseProgress {
  const clock = new JobClock(acts.map((a) => a.plannedS(o.quick)));
  const n = acts.length;
  let step = '';
  let forbidden = 0;
  let ended = false;
  const name = (a: Act): string => a.title.split(':')[0];
  const status = (): Status => {
    if (ended) return { head: `showcase ${clock.index}/${n} acts`, job: { elapsedS: clock.elapsedS(), etaS: 0, fraction: clock.index / n }, figures: [], forbidden, forbiddenOf: 'correct variants' };
    const i = Math.min(clock.index, n - 1);
    return {
      head: `showcase ${i + 1}/${n} ${name(acts[i])}`,
      job: { elapsedS: clock.elapsedS(), etaS: clock.etaS(), fraction: clock.fraction() },
      figures: step ? [step] : [], forbidden, forbiddenOf: 'correct variants',
    };
  };
  const progress = startProgress(io, progressMode(io.interactive, o), status, { plainEveryS: 30 });
  return {
    ...progress,
    stop: () => { ended = true; progress.stop(); },
    step: (line, keep) => {
      step = line;
      if (keep) progress.log(`  ${line}`);
    },
    actDone: (r) => {
      forbidden += r.runs.filter((x) => !x.knownBuggy).reduce((a, x) => a + x.forbidden.reduce((b, f) => b + f.count, 0), 0);
      step = '';
      clock.next();
    },
  };
}
