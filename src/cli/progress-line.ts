// The progress line's text: where a job is (elapsed / total, a bar, %, ETA), the figure that matters
// and the forbidden outcomes so far, fitted to the terminal by dropping the least useful parts first.
import { textWidth } from '../report/wrap.js';

export interface Status {
  /** What runs: 'run put-and-wait', 'compare 3/12 B put-and-wait'. */
  head: string;
  /** The current run, when the job has several: seconds into it and its planned length. */
  unit?: { elapsedS: number; plannedS: number };
  /** The whole job: seconds so far, an estimate of the seconds left, the fraction done; upTo: the total is a ceiling (sequential compare). */
  job: { elapsedS: number; etaS: number; fraction: number; upTo?: boolean };
  /** Most important first, e.g. 'migrationSuccess 97.1%', 'migration tries 59.3k, 16.5k/s'. */
  figures: string[];
  forbidden: number;
  /** What the count covers when it is not every run, e.g. 'correct variants'. */
  forbiddenOf?: string;
}

export interface LineStyle {
  /** Width to fit in; Infinity for plain lines. */
  width: number;
  /** Draw a bar (live lines only: plain lines stay ASCII-light and short). */
  bar: boolean;
  colour: boolean;
}

/** Seconds as '8.5' below a minute (the caller adds ' s'), else 'm:ss' or 'h:mm:ss'. */
export function clock(s: number, long: boolean): string {
  const t = Math.max(0, s);
  if (!long) return t.toFixed(1);
  const r = Math.floor(t);
  const [h, m, sec] = [Math.floor(r / 3600), Math.floor((r % 3600) / 60), r % 60];
  const two = (n: number): string => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

const eta = (s: number): string => (s < 59.5 ? `${Math.ceil(Math.max(0, s))} s` : clock(s, true));

const SEP = '  ';

interface Segment { text: string; sep: string; prio: number; bar?: boolean; forbidden?: boolean }

function segments(st: Status): Segment[] {
  const { job } = st;
  const totalS = job.elapsedS + job.etaS;
  const long = totalS >= 59.5;
  const time = `${clock(job.elapsedS, long)}/${job.upTo ? '≤' : ''}${clock(totalS, long)}${long ? '' : ' s'}`;
  const pct = `${Math.min(100, Math.floor(100 * job.fraction))}%`;
  const segs: Segment[] = [{ text: st.head, sep: '', prio: 0 }];
  if (st.unit) segs.push({ text: `run ${st.unit.elapsedS.toFixed(1)}/${st.unit.plannedS.toFixed(1)} s`, sep: SEP, prio: 3 });
  segs.push({ text: st.unit ? `job ${time}` : time, sep: SEP, prio: 0 }, { text: '', sep: ' ', prio: 9, bar: true }, { text: pct, sep: ' ', prio: 0 },
    { text: `ETA ${job.upTo ? '≤' : ''}${eta(job.etaS)}`, sep: ' ', prio: 0 });
  st.figures.forEach((f, i) => segs.push({ text: f, sep: SEP, prio: i === 0 ? 2 : 4 }));
  segs.push({ text: `forbidden${st.forbiddenOf ? ` (${st.forbiddenOf})` : ''}: ${st.forbidden}`, sep: SEP, prio: 0, forbidden: true });
  return segs;
}

const BAR_MIN = 8;
const BAR_MAX = 24;

function drawBar(fraction: number, width: number): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/**
 * One line of progress in at most width - 1 columns (the last column stays free so the terminal
 * never wraps it): the least important parts go first, and the bar only takes room that is left.
 */
export function renderStatus(st: Status, style: LineStyle): string {
  const all = segments(st);
  const bar = all.find((s) => s.bar)!;
  let segs = all.filter((s) => !s.bar);
  const room = style.width - 1;
  const len = (xs: Segment[]): number => xs.reduce((a, s) => a + textWidth(s.sep) + textWidth(s.text), 0);
  while (len(segs) > room) {
    const drop = segs.reduce((a, s) => (s.prio > a.prio ? s : a), segs[0]);
    if (drop.prio === 0) break;
    segs = segs.filter((s) => s !== drop);
  }
  const barWidth = Math.min(BAR_MAX, room - len(segs) - textWidth(bar.sep));
  if (style.bar && barWidth >= BAR_MIN) {
    bar.text = drawBar(st.job.fraction, barWidth);
    segs = all.filter((s) => s === bar || segs.includes(s));
  }
  // Only the essentials and still too wide: cut (before colouring, so no escape is cut in half).
  if (len(segs) > room) return `${[...segs.map((s) => s.sep + s.text).join('')].slice(0, Math.max(1, room - 1)).join('')}…`;
  return segs.map((s) => s.sep + (style.colour && s.forbidden ? colourForbidden(s.text, st.forbidden) : s.text)).join('');
}

const SGR = { red: '\x1b[1;31m', green: '\x1b[32m', reset: '\x1b[0m' };
const colourForbidden = (text: string, n: number): string => `${n > 0 ? SGR.red : SGR.green}${text}${SGR.reset}`;
