// A comparison as text cells and footnotes, benchstat-like: both sides, the change with its CI, p and
// adjusted p, n, the verdict and the MDE per row; what was tested and why a row has no verdict below.
import type { ComparisonRow, ComparisonTable } from './compare.js';
import { fmtNs, fmtNum, fmtPct, type Align } from './table.js';

const signed = (s: string, x: number): string => (x > 0 ? `+${s}` : s);

/** One side's figure: the pooled rate for rates, else the median over runs. */
export function fmtSide(row: ComparisonRow, side: 'a' | 'b'): string {
  const s = row[side];
  if (row.kind === 'rate') return fmtPct(s.pooled?.rate ?? NaN);
  return row.unit === 'ns' ? fmtNs(s.median) : fmtNum(s.median);
}

/** A change on the row's scale: '+12.3%' (log), '+1.2 µs' (raw), '+5.2 pp' (rate). */
export function fmtChange(row: ComparisonRow, x: number, unit = true): string {
  if (Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '+∞' : '−∞';
  if (row.scale === 'log') return signed(`${fmtNum(100 * x, 3)}%`, x);
  if (row.scale === 'rate') return signed(`${fmtNum(100 * x, 3)}${unit ? ' pp' : ''}`, x);
  return signed(row.unit === 'ns' ? fmtNs(x) : fmtNum(x), x);
}

/** '+12.3% [+4.1%, +20.8%]', or '–' when there is no estimate. */
export function fmtEstimate(row: ComparisonRow): string {
  if (Number.isNaN(row.estimate)) return '–';
  return `${fmtChange(row, row.estimate)} [${fmtChange(row, row.ci[0], false)}, ${fmtChange(row, row.ci[1], false)}]`;
}

/** p to two significant digits; tiny ones in exponent form. */
export function fmtP(p: number | null): string {
  if (p === null) return '–';
  if (p >= 0.001) return String(Number(p.toPrecision(2)));
  return p.toExponential(1).replace('e-', 'e-');
}

/** The MDE as '±8.1%' / '±1.2 pp' / '±∞'; on the log scale a change of 2x or more as '×3.4' (up or down by that factor). */
export function fmtMde(row: ComparisonRow): string {
  if (row.mde === null || Number.isNaN(row.mde)) return '–';
  if (!Number.isFinite(row.mde)) return '±∞';
  if (row.scale === 'log' && row.mde >= 1) return `×${fmtNum(1 + row.mde, 2)}`;
  return `±${fmtChange(row, row.mde).replace(/^\+/, '')}`;
}

export interface CellTable { headers: string[]; rows: string[][]; align: Align[] }

/** Rows as formatted cells for formatTable or the HTML report, with labels for the two sides. */
export function comparisonCells(t: ComparisonTable, labels: [string, string] = ['A', 'B']): CellTable {
  const anyRate = t.rows.some((r) => r.kind === 'rate');
  const headers = ['metric', labels[0], labels[1], 'change [95% CI]', 'p', 'p adj', 'n', 'verdict', 'MDE', ...(anyRate ? ['φ̂'] : [])];
  const align: Align[] = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r'];
  const rows = t.rows.map((r, i) => [
    r.metric + (r.role === 'primary' ? ' *' : ''), fmtSide(r, 'a'), fmtSide(r, 'b'), fmtEstimate(r), fmtP(r.p),
    r.role === 'primary' ? '(alone)' : fmtP(r.pAdjusted), `${r.nA}+${r.nB}`,
    r.verdict + (footnoted(r) ? ` ${superscript(footIndex(t, i))}` : ''), fmtMde(r),
    ...(anyRate ? [r.phi === undefined || Number.isNaN(r.phi) ? '' : `×${fmtNum(r.phi, 2)}`] : []),
  ]);
  return { headers, rows, align };
}

const footnoted = (r: ComparisonRow): boolean => r.verdict === 'too few runs';
const footIndex = (t: ComparisonTable, i: number): number => t.rows.slice(0, i + 1).filter(footnoted).length;
const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (n: number): string => String(n).split('').map((c) => SUP[Number(c)]).join('');

const TEST_WORDS: Record<string, string> = {
  'mann-whitney-exact': 'exact Mann–Whitney U', 'mann-whitney-normal': 'Mann–Whitney U (normal approx., tie-corrected)',
  'welch-t': "Welch's t on per-run rates", 'rank-test-rare': 'exact rank test on per-run rates (rare events)',
  'rank-test-no-spread': 'exact rank test on per-run rates (no run-to-run spread)',
  'van-elteren': "van Elteren's stratified rank test, machine as block (normal approx.)",
};

/** What was tested, at what α, and each 'too few runs' row's reason with the runs it needs. */
export function comparisonFootnotes(t: ComparisonTable): string[] {
  const out: string[] = [];
  const fam = t.rows.filter((r) => r.role === 'family');
  const descriptive = t.rows.filter((r) => r.role === 'descriptive').length;
  out.push(`* primary metric ${t.primary}: tested alone at α = ${t.alpha}` +
    (fam.length ? `; the other ${fam.length} rows: Holm-adjusted, family-wise α = ${t.alpha}` : '') +
    (descriptive ? `; the other ${descriptive} rows: estimates only (not tested)` : ''));
  const tests = [...new Set(t.rows.map((r) => r.test).filter((x) => x !== 'none'))].map((x) => TEST_WORDS[x] ?? x);
  if (tests.length) out.push(`tests: ${tests.join('; ')}. The run is the unit: n = runs per variant.`);
  out.push('change: Hodges–Lehmann shift (a % change on the log scale; pp for rates), 95% CI per row. MDE: the change the row would catch 80% of the time at its α (×k: up or down by a factor k).');
  t.rows.forEach((r, i) => {
    if (!footnoted(r)) return;
    const need = r.runsNeeded !== undefined ? `: need >= ${r.runsNeeded} runs per variant, have ${r.nA}+${r.nB}` : '';
    out.push(`${superscript(footIndex(t, i))} ${r.metric}: ${r.reason ?? 'too few runs'}${need}`);
  });
  for (const r of t.rows) for (const w of r.warnings) out.push(`${r.metric}: ${w}`);
  return out;
}
