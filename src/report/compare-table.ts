// The compare table laid out for a terminal: all ten columns when they fit, else two tables that
// each keep a row on one line: what changed (sides, change, verdict) and how sure (p, n, MDE, φ̂).
import type { CellTable } from './compare-text.js';
import { formatTable } from './table.js';

/** The columns of each half, by header; the metric column leads both. */
const WHAT = ['change [95% CI]', 'verdict'];
const HOW = ['p', 'p adj', 'n', 'MDE', 'φ̂'];

export function formatComparisonTable(t: CellTable, width = Infinity): string {
  const nowrap = t.headers.map(() => false);
  const whole = formatTable(t.headers, t.rows, { align: t.align, width: Infinity });
  if (Math.max(...whole.split('\n').map((l) => [...l].length)) <= width) return whole;
  const idx = (names: string[]): number[] => t.headers.flatMap((h, i) => (names.includes(h) ? [i] : []));
  // The metric and the two sides (columns 0-2) lead the first half; the metric alone leads the second.
  const halves = [[0, 1, 2, ...idx(WHAT)], [0, ...idx(HOW)]];
  return halves.map((cols) => formatTable(cols.map((i) => t.headers[i]), t.rows.map((r) => cols.map((i) => r[i])),
    { align: cols.map((i) => t.align[i]), width, wrap: nowrap })).join('\n\n');
}
