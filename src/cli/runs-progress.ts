// Progress for a job of runs of one scenario (run, compare, sweep, soak): which run of how many and
// its variant, the whole job's ETA, the primary metric so far and forbidden outcomes so far. The
// actions hand its scenario and onProgress to the runner and call runDone after each run.
import type { Scenario } from '../scenarios/types.js';
import type { RunResult } from '../report/schema.js';
import type { Io } from './io.js';
import { JobClock } from './job-clock.js';
import { watchForbidden } from './live-forbidden.js';
import { liveFigures } from './progress-figures.js';
import { startProgress, type Progress } from './progress.js';
import type { Status } from './progress-line.js';
import { progressMode } from './terminal.js';

/** Seconds a run takes beyond warm-up + duration (thread pool start and stop, checks) before the pace is known. */
export const RUN_OVERHEAD_S = 0.3;

export interface RunsProgressOptions {
  /** The command word that leads the line: 'run', 'compare', 'sweep', 'soak'. */
  command: string;
  /** One label per planned run, in order (the variant; for a sweep also the value). */
  labels: string[];
  durationS: number;
  warmupS: number;
  /** The number of runs is a ceiling (a sequential compare may stop early). */
  upTo?: boolean;
  json?: boolean;
  quiet?: boolean;
  plainEveryS?: number;
}

export interface RunsProgress extends Progress {
  /** Hand this to the runner instead of the scenario: the same scenario, its forbidden outcomes watched. */
  scenario: Scenario;
  /** For RunOptions.onProgress. */
  onProgress(p: { elapsedS: number; counters: Record<string, number> }): void;
  /** The current run has ended: count its forbidden outcomes, keep `line` if given, and start the next. */
  runDone(r: RunResult, line?: string): void;
}

const forbiddenIn = (r: RunResult): number => r.forbidden.reduce((a, f) => a + f.count, 0);

export function runsProgress(io: Io, sc: Scenario, o: RunsProgressOptions): RunsProgress {
  const n = o.labels.length;
  const runS = o.warmupS + o.durationS;
  const clock = new JobClock(o.labels.map(() => runS + RUN_OVERHEAD_S));
  const watch = watchForbidden(sc);
  let forbiddenDone = 0;
  let figures: string[] = [];
  let ended = false;
  const status = (): Status => {
    const i = Math.min(clock.index, n - 1);
    const of = `${o.upTo ? '≤' : ''}${n}`;
    const forbidden = forbiddenDone + watch.soFar();
    if (ended) {
      // The job is over: how many runs it took (a sequential compare may stop early), no ETA.
      const complete = clock.index >= n || o.upTo === true;
      return {
        head: n > 1 ? `${o.command} ${clock.index}/${of} runs` : `${o.command} ${o.labels[0]}`,
        job: { elapsedS: clock.elapsedS(), etaS: 0, fraction: complete ? 1 : clock.index / n },
        // One run's figures would stand for the whole job: a compare's or sweep's last line has none.
        figures: n > 1 ? [] : figures, forbidden,
      };
    }
    return {
      head: n > 1 ? `${o.command} ${i + 1}/${of} ${o.labels[i]}` : `${o.command} ${o.labels[0]}`,
      // The run's expected length: its plan (start-up included) at the pace so far.
      unit: n > 1 && clock.index < n ? { elapsedS: clock.unitElapsedS(), plannedS: Math.max(clock.unitElapsedS(), clock.plannedS() * clock.pace()) } : undefined,
      job: { elapsedS: clock.elapsedS(), etaS: clock.etaS(), fraction: clock.fraction(), upTo: o.upTo },
      figures, forbidden,
    };
  };
  const progress = startProgress(io, progressMode(io.interactive, o), status, { plainEveryS: o.plainEveryS });
  return {
    ...progress,
    stop: () => { ended = true; progress.stop(); },
    scenario: watch.scenario,
    onProgress: (p) => { figures = liveFigures(sc, p.counters, p.elapsedS - o.warmupS); },
    runDone: (r, line) => {
      watch.reset();
      forbiddenDone += forbiddenIn(r);
      clock.next();
      // The last run's figures stay for the final line; a new run starts with none.
      figures = clock.index >= n ? liveFigures(sc, r.counters, r.durationS) : [];
      if (line !== undefined) progress.log(line);
    },
  };
}
