// How a plain-text table is drawn, and what happens when it is wider than the terminal: first the
// text columns wrap at spaces; if that is not enough the columns go in blocks that each repeat the
// leading columns (as R prints a wide data frame); if even one column beside them does not fit,
// each row becomes a `header: value` block.
import { textWidth, wrapParagraph, wrapWords, words } from './wrap.js';

export type Align = 'l' | 'r';

/** A table as strings: headers, cells, alignment per column. */
export interface Grid {
  head: string[];
  cells: string[][];
  align: Align[];
}

const GAP = 2;
const total = (widths: number[]): number => widths.reduce((a, w) => a + w, 0) + GAP * Math.max(0, widths.length - 1);
const naturalWidths = (g: Grid): number[] => g.head.map((h, i) => Math.max(textWidth(h), ...g.cells.map((r) => textWidth(r[i]))));

/** Draws a grid with the given column widths; cells wider than their column wrap onto more lines. */
export function drawGrid(g: Grid, widths: number[]): string {
  const pad = (s: string, i: number): string => {
    const fill = ' '.repeat(Math.max(0, widths[i] - textWidth(s)));
    return g.align[i] === 'r' ? fill + s : s + fill;
  };
  const row = (r: string[]): string[] => {
    const parts = r.map((c, i) => (textWidth(c) <= widths[i] ? [c] : wrapWords(c, widths[i], widths[i], true)));
    const height = Math.max(...parts.map((p) => p.length));
    return Array.from({ length: height }, (_, k) => parts.map((p, i) => pad(p[k] ?? '', i)).join(' '.repeat(GAP)).trimEnd());
  };
  return [...row(g.head), widths.map((w) => '-'.repeat(w)).join(' '.repeat(GAP)), ...g.cells.flatMap(row)].join('\n');
}

/** The narrowest a column can wrap to: its longest word (a bracketed interval counts as one word). */
function minWidth(g: Grid, i: number): number {
  return Math.max(...[g.head[i], ...g.cells.map((r) => r[i])].flatMap((c) => words(c, true).map(textWidth)), 1);
}

/** Column widths with the wrappable columns narrowed, widest first, until the table fits width; undefined if it cannot. */
function wrappedWidths(g: Grid, width: number, wrap: boolean[]): number[] | undefined {
  const widths = naturalWidths(g);
  const mins = widths.map((w, i) => (wrap[i] ? Math.min(w, minWidth(g, i)) : w));
  while (total(widths) > width) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) if (widths[i] > mins[i] && (widest < 0 || widths[i] > widths[widest])) widest = i;
    if (widest < 0) return undefined;
    widths[widest]--;
  }
  return widths;
}

const pick = (g: Grid, cols: number[]): Grid => ({ head: cols.map((i) => g.head[i]), cells: g.cells.map((r) => cols.map((i) => r[i])), align: cols.map((i) => g.align[i]) });

/** Each row as a block: the first cell, then `header: value` lines wrapped to width. */
function keyValueBlocks(g: Grid, width: number): string {
  return g.cells.map((r) => [
    ...wrapParagraph(`${g.head[0]}: ${r[0]}`, width, '', '  '),
    ...r.slice(1).flatMap((c, k) => (c === '' ? [] : wrapParagraph(`${g.head[k + 1]}: ${c}`, width, '  ', '  '))),
  ].join('\n')).join('\n\n');
}

/**
 * Lays a grid out in at most width columns (see the file comment for the order of the fallbacks);
 * lead: how many leading columns name a row and so lead every block.
 */
export function fitGrid(g: Grid, width: number, wrap: boolean[], lead = 1): string {
  const natural = naturalWidths(g);
  if (total(natural) <= width) return drawGrid(g, natural);
  const wrapped = wrappedWidths(g, width, wrap);
  if (wrapped) return drawGrid(g, wrapped);
  // Blocks: the leading columns, then as many of the next columns as fit beside them (wrapping if need be).
  const keys = Array.from({ length: Math.min(Math.max(1, lead), g.head.length - 1) }, (_, i) => i);
  const blocks: number[][] = [];
  for (let i = keys.length; i < g.head.length; i++) {
    const cur = blocks[blocks.length - 1];
    const grown = cur ? [...cur, i] : undefined;
    if (grown && wrappedWidths(pick(g, grown), width, grown.map((c) => wrap[c]))) blocks[blocks.length - 1] = grown;
    else blocks.push([...keys, i]);
  }
  const drawn = blocks.map((cols) => {
    const sub = pick(g, cols);
    const w = wrappedWidths(sub, width, cols.map((c) => wrap[c]));
    return w ? drawGrid(sub, w) : undefined;
  });
  if (g.head.length < 2 || drawn.some((d) => d === undefined)) return keyValueBlocks(g, width);
  return drawn.join('\n\n');
}
