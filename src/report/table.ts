// Plain-text tables and number formatting for terminal reports: no colours, so output is diffable.

import { fitGrid, type Align } from './table-fit.js';

export type { Align };
export interface TableOptions {
  align?: Align[];
  /** Lay the table out in at most this many columns (wrap, then column blocks, then key: value rows). */
  width?: number;
  /** Columns that may wrap at spaces when the table is too wide (default: the left-aligned ones). */
  wrap?: boolean[];
  /** Leading columns that name a row, repeated in each block when the columns are split (default 1). */
  lead?: number;
}

/** Formats a number: integers plainly, others to `digits` significant digits (no trailing zeros); NaN as '–'. */
export function fmtNum(x: number, digits = 3): string {
  if (Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (Number.isInteger(x)) return String(x === 0 ? 0 : x);
  if (Math.abs(x) >= 10 ** digits) return String(Math.round(x));
  return String(Number(x.toPrecision(digits)));
}

/** Formats a rate in [0, 1] as a percentage with `decimals` places, adding places until it no longer rounds to 0% or 100%. */
export function fmtPct(rate: number, decimals = 1): string {
  if (Number.isNaN(rate)) return '–';
  const pct = rate * 100;
  if (pct === 0 || pct === 100 || pct === -100 || !Number.isFinite(pct)) return `${fmtNum(pct)}%`;
  let d = decimals;
  const misleading = (s: string) => {
    const v = Math.abs(Number(s));
    return v === 0 || v === 100;
  };
  let s = pct.toFixed(d);
  while (misleading(s) && d < 8) s = pct.toFixed(++d);
  return `${s}%`;
}

const NS_UNITS: [number, string][] = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];

/** Formats nanoseconds with an auto-scaled unit (ns, µs, ms, s) to 3 significant digits; NaN as '–'. */
export function fmtNs(ns: number): string {
  if (Number.isNaN(ns)) return '–';
  if (!Number.isFinite(ns)) return `${fmtNum(ns)} s`;
  // Choose the unit after rounding so 999.7 ns prints as 1 µs, not 1000 ns.
  const mag = Math.abs(Number(ns.toPrecision(3)));
  const [scale, unit] = NS_UNITS.find(([f]) => mag >= f) ?? [1, 'ns'];
  return `${fmtNum(ns / scale, 3)} ${unit}`;
}

/** Plain-text table, two-space gaps, dashed header rule, numbers via fmtNum; default align: 'r' if a column is all numbers. */
export function formatTable(headers: string[], rows: (string | number)[][], opts: TableOptions = {}): string {
  const cols = Math.max(headers.length, ...rows.map((r) => r.length));
  const cells = rows.map((r) => Array.from({ length: cols }, (_, i) => {
    const v = r[i];
    return typeof v === 'number' ? fmtNum(v) : (v ?? '');
  }));
  const head = Array.from({ length: cols }, (_, i) => headers[i] ?? '');
  const align = Array.from({ length: cols }, (_, i): Align =>
    opts.align?.[i] ?? (rows.length > 0 && rows.every((r) => typeof r[i] === 'number') ? 'r' : 'l'));
  const wrap = Array.from({ length: cols }, (_, i) => opts.wrap?.[i] ?? align[i] === 'l');
  return fitGrid({ head, cells, align }, opts.width ?? Infinity, wrap, opts.lead);
}
