// The progress reporter every long command shares, on stderr. live: one line redrawn in place
// (\r, the line, erase to its end) about twice a second, finished lines kept above it (wrapped to
// the width), and a newline at the end. plain (piped, CI, --json, TERM=dumb): no control sequences at all, finished lines as
// they come and a status line at most every plainEveryS. off (--quiet): nothing.
import type { Io } from './io.js';
import { colourAllowed, errWidth, type ProgressMode } from './terminal.js';
import { renderStatus, type Status } from './progress-line.js';
import { fitLines } from '../report/wrap.js';

export interface Progress {
  readonly mode: ProgressMode;
  /** A line that stays: a run or an act finished. */
  log(line: string): void;
  /** Report text for stdout, written with the live line cleared first and redrawn after, so neither tears the other. */
  out(text: string): void;
  /** Ends the progress: the live line's last state stays, ended by a newline. Safe to call twice. */
  stop(): void;
}

export interface ProgressOptions {
  width?: () => number;
  colour?: boolean;
  tickMs?: number;
  plainEveryS?: number;
  now?: () => number;
}

const ERASE_LINE = '\x1b[K';

export function startProgress(io: Io, mode: ProgressMode, status: () => Status, o: ProgressOptions = {}): Progress {
  if (mode === 'off') return { mode, log: () => {}, out: (t) => io.out(t), stop: () => {} };
  const now = o.now ?? ((): number => performance.now() / 1000);
  let stopped = false;
  if (mode === 'plain') {
    const every = o.plainEveryS ?? 10;
    let last = now();
    const tick = (): void => {
      if (now() - last < every) return;
      last = now();
      io.err(`${renderStatus(status(), { width: Infinity, bar: false, colour: false })}\n`);
    };
    const timer = setInterval(tick, Math.min(1000, every * 1000)).unref();
    return {
      mode,
      log: (line) => io.err(`${line}\n`),
      out: (t) => io.out(t),
      stop: () => { if (!stopped) { stopped = true; clearInterval(timer); } },
    };
  }
  const width = o.width ?? (() => errWidth());
  const colour = o.colour ?? colourAllowed();
  const draw = (): void => { if (!stopped) io.err(`\r${renderStatus(status(), { width: width(), bar: true, colour })}${ERASE_LINE}`); };
  const timer = setInterval(draw, o.tickMs ?? 500).unref();
  // A second Ctrl-C exits at once: end the line so the shell's prompt starts on a line of its own.
  const onExit = (): void => { if (!stopped) io.err('\n'); };
  process.once('exit', onExit);
  draw();
  return {
    mode,
    log: (line) => { if (!stopped) io.err(`\r${ERASE_LINE}`); io.err(`${fitLines(line, width())}\n`); draw(); },
    out: (t) => { if (!stopped) io.err(`\r${ERASE_LINE}`); io.out(t); draw(); },
    stop: () => {
      if (stopped) return;
      clearInterval(timer);
      process.off('exit', onExit);
      draw();
      stopped = true;
      io.err('\n');
    },
  };
}

/** Runs fn while progress shows, and ends the progress however fn ends (the live line then ends with a newline). */
export async function showingProgress<T>(p: Progress, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    p.stop();
  }
}
