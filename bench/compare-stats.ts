// The compare statistics measured by simulation (no scenario runs): A/A false-verdict rates and power,
// before (bootstrap / pooled Newcombe, no correction) and after (run-level tests, Holm), and the
// sequential compare's error rate and blocks to a verdict. `node dist/bench/compare-stats.js [--quick] [--json]`.
import { pathToFileURL } from 'node:url';
import { compareVariants, counterMetric, rateMetric, type MetricSpec, type RunSummary } from '../src/report/compare.js';
import { lookAt, sequentialPlan } from '../src/report/sequential.js';
import { heavyTailed, lognormal, overdispersed, seeded, summary, type Rand } from '../test/helpers/synthetic-runs.js';
import { oldRateVerdict, oldValueVerdict } from './old-compare.js';

type Gen = (r: Rand) => number;
const GENS: Record<string, Gen> = { lognormal: (r) => lognormal(r), 'heavy-tailed': (r) => heavyTailed(r) };
const VALUE = counterMetric('v0', 'lower');
const RATE = rateMetric('r0');
const fired = (v: string) => v === 'better' || v === 'worse';
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function values(rand: Rand, n: number, gen: Gen, f = 1): number[] { return Array.from({ length: n }, () => gen(rand) * f); }
function rates(rand: Rand, n: number, p: number, phi: number) { return Array.from({ length: n }, () => overdispersed(rand, p, 20_000, phi)); }
const asRuns = (vs: number[]): RunSummary[] => vs.map((v) => summary([v], []));
const rateRuns = (rs: { successes: number; trials: number }[]): RunSummary[] => rs.map((r) => summary([], [r]));

/** Fraction of R draws where the old and the new method call the given direction (0 = any direction, A/A). */
function valueCell(R: number, n: number, gen: Gen, shift: number, alpha: number, seed: number): { old: number; now: number } {
  const rand = seeded(seed);
  let old = 0;
  let now = 0;
  for (let i = 0; i < R; i++) {
    const a = values(rand, n, gen);
    const b = values(rand, n, gen, shift);
    const want = shift === 1 ? 0 : Math.sign(shift - 1);
    const o = oldValueVerdict(a, b, 1);
    if (want === 0 ? o !== 0 : o === want) old++;
    const row = compareVariants([VALUE], asRuns(a), asRuns(b), { alpha }).rows[0];
    if (want === 0 ? fired(row.verdict) : row.verdict === (want > 0 ? 'worse' : 'better')) now++;
  }
  return { old: old / R, now: now / R };
}

function rateCell(R: number, n: number, p: number, pB: number, phi: number, alpha: number, seed: number): { old: number; now: number } {
  const rand = seeded(seed);
  let old = 0;
  let now = 0;
  for (let i = 0; i < R; i++) {
    const a = rates(rand, n, p, phi);
    const b = rates(rand, n, pB, phi);
    const want = Math.sign(pB - p);
    const o = oldRateVerdict(a, b);
    if (want === 0 ? o !== 0 : o === want) old++;
    const row = compareVariants([RATE], rateRuns(a), rateRuns(b), { alpha }).rows[0];
    if (want === 0 ? fired(row.verdict) : row.verdict === (want > 0 ? 'better' : 'worse')) now++;
  }
  return { old: old / R, now: now / R };
}

/** A/A: at least one false verdict among 1 rate (primary) + 6 lognormal + 3 heavy-tailed rows. */
function familyCell(R: number, n: number, phi: number, seed: number): { old: number; now: number; nowFamily: number } {
  const rand = seeded(seed);
  const metrics: MetricSpec[] = [RATE, ...Array.from({ length: 9 }, (_, i) => counterMetric(`v${i}`, 'lower'))];
  const gens: Gen[] = [...Array(6).fill(GENS.lognormal), ...Array(3).fill(GENS['heavy-tailed'])];
  let old = 0;
  let now = 0;
  let nowFamily = 0;
  for (let i = 0; i < R; i++) {
    const side = () => Array.from({ length: n }, () => summary(gens.map((g) => g(rand)), [overdispersed(rand, 0.9, 20_000, phi)]));
    const A = side();
    const B = side();
    const col = (xs: RunSummary[], k: number) => xs.map((r) => r.counters[`v${k}`]);
    const anyOld = oldRateVerdict(A.map((r) => r.rates.r0), B.map((r) => r.rates.r0)) !== 0 || gens.some((_, k) => oldValueVerdict(col(A, k), col(B, k), 1) !== 0);
    if (anyOld) old++;
    const rows = compareVariants(metrics, A, B, { primary: 'r0' }).rows;
    if (rows.some((r) => fired(r.verdict))) now++;
    if (rows.some((r) => r.role === 'family' && fired(r.verdict))) nowFamily++;
  }
  return { old: old / R, now: now / R, nowFamily: nowFamily / R };
}

/** Sequential compares: fraction with a (right-direction) verdict, and the blocks each took. */
function sequentialCell(R: number, maxRepeat: number, metric: MetricSpec, block: (rand: Rand) => [RunSummary, RunSummary], want: string, seed: number) {
  const rand = seeded(seed);
  const plan = sequentialPlan(maxRepeat, 0.05);
  const blocks: number[] = [];
  let hits = 0;
  for (let i = 0; i < R; i++) {
    const A: RunSummary[] = [];
    const B: RunSummary[] = [];
    let stop = maxRepeat;
    let verdict = 'no significant change';
    for (let k = 1; k <= maxRepeat; k++) {
      const [a, b] = block(rand);
      A.push(a);
      B.push(b);
      const l = lookAt(plan, k, metric.name, (alpha) => compareVariants([metric], A, B, { primaryAlpha: alpha, primaryOnly: true }));
      if (l?.crossed) { stop = k; verdict = compareVariants([metric], A, B, { primaryAlpha: l.nominalAlpha }).rows[0].verdict; break; }
    }
    if (want === 'any' ? fired(verdict) : verdict === want) hits++;
    blocks.push(stop);
  }
  blocks.sort((x, y) => x - y);
  return { rate: hits / R, medianBlocks: blocks[Math.floor(R / 2)], p90Blocks: blocks[Math.floor(0.9 * R)] };
}

export function runCompareStatsBench(quick: boolean) {
  const R = quick ? 300 : 2000;
  const t0 = performance.now();
  const aaValues = [2, 3, 4, 6, 10].flatMap((n) => Object.entries(GENS).map(([g, gen]) => ({ n, dist: g, ...valueCell(R, n, gen, 1, 0.05, 100 + n) })));
  const aaRates = [2, 3, 6, 10].flatMap((n) => [1, 10, 40].map((phi) => ({ n, phi, ...rateCell(R, n, 0.9, 0.9, phi, 0.05, 200 + n * 7 + phi) })));
  const family = [2, 6, 10].flatMap((n) => [1, 10].map((phi) => ({ n, phi, ...familyCell(Math.round(R / 2), n, phi, 300 + n + phi) })));
  const power = [
    ...[6, 10].map((n) => ({ what: 'p50 +20% (lognormal σ 0.1), alone', n, ...valueCell(R, n, GENS.lognormal, 1.2, 0.05, 400 + n) })),
    ...[6, 10].map((n) => ({ what: 'p50 +20%, at Holm\'s first step of 10 (α/10)', n, ...valueCell(R, n, GENS.lognormal, 1.2, 0.005, 410 + n) })),
    ...[6].map((n) => ({ what: 'p50 +50%, alone', n, ...valueCell(R, n, GENS.lognormal, 1.5, 0.05, 420 + n) })),
    ...[6, 10].map((n) => ({ what: 'rate 0.90 → 0.92, φ = 10, alone', n, ...rateCell(R, n, 0.9, 0.92, 10, 0.05, 430 + n) })),
  ];
  const S = quick ? 200 : 1000;
  const valueBlock = (shift: number) => (rand: Rand): [RunSummary, RunSummary] => [summary([lognormal(rand)], []), summary([lognormal(rand) * shift], [])];
  const rateBlock = (pB: number) => (rand: Rand): [RunSummary, RunSummary] => [summary([], [overdispersed(rand, 0.9, 20_000, 10)]), summary([], [overdispersed(rand, pB, 20_000, 10)])];
  const sequential = [
    { what: 'A/A, value (lognormal σ 0.1)', maxRepeat: 20, ...sequentialCell(S, 20, VALUE, valueBlock(1), 'any', 500) },
    { what: 'A/A, rate (p 0.9, φ = 10)', maxRepeat: 20, ...sequentialCell(S, 20, RATE, rateBlock(0.9), 'any', 501) },
    { what: 'p50 +20% (σ 0.1)', maxRepeat: 20, ...sequentialCell(S, 20, VALUE, valueBlock(1.2), 'worse', 502) },
    { what: 'p50 +50% (σ 0.1)', maxRepeat: 20, ...sequentialCell(S, 20, VALUE, valueBlock(1.5), 'worse', 503) },
    { what: 'rate 0.90 → 0.92 (φ = 10)', maxRepeat: 20, ...sequentialCell(S, 20, RATE, rateBlock(0.92), 'better', 504) },
    { what: 'rate 0.05 → 0.999 (wait-locked vs put-and-wait-like)', maxRepeat: 20, ...sequentialCell(S, 20, RATE, (rand) => [summary([], [overdispersed(rand, 0.05, 20_000, 25)]), summary([], [overdispersed(rand, 0.999, 20_000, 1)])], 'better', 505) },
  ];
  return { R, S, durationS: (performance.now() - t0) / 1000, aaValues, aaRates, family, power, sequential };
}

function markdown(r: ReturnType<typeof runCompareStatsBench>): string {
  const out: string[] = [];
  out.push(`A/A false verdicts, one value row (R = ${r.R}; old: bootstrap of Δmedian; new: exact Mann–Whitney, α 0.05)`, '', '| runs/variant | distribution | old | new |', '|---|---|---|---|');
  for (const c of r.aaValues) out.push(`| ${c.n} | ${c.dist} | ${pct(c.old)} | ${pct(c.now)} |`);
  out.push('', 'A/A false verdicts, one rate row (p 0.9, 20 000 trials a run; old: pooled Newcombe; new: Welch on per-run rates)', '', '| runs/variant | φ | old | new |', '|---|---|---|---|');
  for (const c of r.aaRates) out.push(`| ${c.n} | ${c.phi} | ${pct(c.old)} | ${pct(c.now)} |`);
  out.push('', 'A/A, a 10-row comparison (1 rate + 6 lognormal + 3 heavy-tailed): at least one false verdict (old: each row at 95%; new: the rate is the primary, alone at α, the 9 others one Holm family at α)', '', '| runs/variant | φ | old, any row | new, any of the 9 family rows | new, any row (primary included: at most α + α) |', '|---|---|---|---|---|');
  for (const c of r.family) out.push(`| ${c.n} | ${c.phi} | ${pct(c.old)} | ${pct(c.nowFamily)} | ${pct(c.now)} |`);
  out.push('', 'Power: right-direction verdicts (old figures include its false-verdict rate)', '', '| change | runs/variant | old | new |', '|---|---|---|---|');
  for (const c of r.power) out.push(`| ${c.what} | ${c.n} | ${pct(c.old)} | ${pct(c.now)} |`);
  out.push('', `Sequential compare (--until-verdict --max-repeat 20, a look after every block from block 3; S = ${r.S})`, '', '| case | verdicts | blocks: median | p90 |', '|---|---|---|---|');
  for (const c of r.sequential) out.push(`| ${c.what} | ${pct(c.rate)} | ${c.medianBlocks} | ${c.p90Blocks} |`);
  out.push('', `(${r.durationS.toFixed(0)} s)`);
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = runCompareStatsBench(process.argv.includes('--quick'));
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(r, null, 2)}\n` : `${markdown(r)}\n`);
}
