// A row tested with the machine as a block: van Elteren's stratified rank test for p (values and
// per-run rates alike), and a stratified mean difference (weights m n / N, as Mantel–Haenszel's)
// with a normal interval from the pooled within-machine variance for the estimate. Machines are never pooled.
import { vanElteren, type Stratum } from './stats/van-elteren.js';
import { noTest, ONE_RUN, type RowTest } from './compare-value.js';
import { normalQuantile } from './statistics.js';

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** b against a within each stratum; rates on the raw scale, values as a % change when all are positive. */
export function stratifiedTest(strata: readonly Stratum[], kind: 'rate' | 'value', level: number): RowTest {
  const both = strata.filter((s) => s.a.length > 0 && s.b.length > 0);
  const nA = both.reduce((s, x) => s + x.a.length, 0);
  const nB = both.reduce((s, x) => s + x.b.length, 0);
  const log = kind === 'value' && both.every((s) => [...s.a, ...s.b].every((v) => v > 0));
  const scale: RowTest['scale'] = kind === 'rate' ? 'rate' : log ? 'log' : 'raw';
  if (nA < 2 || nB < 2) return noTest(scale, ONE_RUN, () => 2);
  const ve = vanElteren(both);
  const f = log ? Math.log : (x: number) => x;
  const back = (d: number): number => (log ? Math.exp(d) - 1 : d);
  let wSum = 0;
  let dSum = 0;
  let ss = 0;
  let df = 0;
  for (const s of both) {
    const a = s.a.map(f);
    const b = s.b.map(f);
    const w = (a.length * b.length) / (a.length + b.length);
    const ma = mean(a);
    const mb = mean(b);
    wSum += w;
    dSum += w * (mb - ma);
    ss += a.reduce((t, x) => t + (x - ma) ** 2, 0) + b.reduce((t, x) => t + (x - mb) ** 2, 0);
    df += a.length + b.length - 2;
  }
  const d = dSum / wSum;
  // Var(d) = Σ w_i² s² (1/m_i + 1/n_i) / (Σ w_i)² = s² / Σ w_i, since w_i (1/m_i + 1/n_i) = 1.
  const se = df > 0 ? Math.sqrt(ss / df / wSum) : NaN;
  const z = normalQuantile(1 - (1 - level) / 2);
  const ci: [number, number] = Number.isFinite(se) ? [back(d - z * se), back(d + z * se)] : [-Infinity, Infinity];
  return {
    test: 'van-elteren', scale, estimate: back(d), ci, p: ve.p, minP: 0,
    mdeAt: (alpha) => (Number.isFinite(se) ? back((normalQuantile(1 - alpha / 2) + normalQuantile(0.8)) * se) : Infinity),
    runsNeeded: () => 2,
  };
}
