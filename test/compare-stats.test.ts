// The compare statistics on known numbers and on seeded synthetic A/A and A/B draws: exact rank
// tests against brute force, Holm, the Moses interval, published group-sequential bounds, and the
// false-verdict and power figures the README promises (no scenario runs here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitney } from '../src/report/stats/mann-whitney.js';
import { doubledMidRanks, minRankSumP, runsNeededForRankSum } from '../src/report/stats/rank-sum.js';
import { hodgesLehmann, mosesCutoff } from '../src/report/stats/hodges-lehmann.js';
import { holm } from '../src/report/stats/holm.js';
import { welch } from '../src/report/stats/welch.js';
import { sequentialBounds } from '../src/report/stats/group-sequential.js';
import { compareVariants, counterMetric, rateMetric, type MetricSpec, type RunSummary } from '../src/report/compare.js';
import { lookAt, sequentialPlan } from '../src/report/sequential.js';
import { gauss, heavyTailed, lognormal, overdispersed, seeded, summary, type Rand } from './helpers/synthetic-runs.js';

const near = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} not within ${tol} of ${expected}`);

// Brute force: every way to pick which nB of the pooled values are "B", the rank sum's two-sided p.
function bruteForceP(a: number[], b: number[]): number {
  const { ranks2 } = doubledMidRanks([...a, ...b]);
  const n = ranks2.length;
  const mean2 = b.length * (n + 1);
  const obs = Math.abs(ranks2.slice(a.length).reduce((s, r) => s + r, 0) - mean2);
  let hit = 0;
  let all = 0;
  const pick = (start: number, left: number, sum: number): void => {
    if (left === 0) { all++; if (Math.abs(sum - mean2) >= obs) hit++; return; }
    for (let i = start; i <= n - left; i++) pick(i + 1, left - 1, sum + ranks2[i]);
  };
  pick(0, b.length, 0);
  return hit / all;
}

test('exact Mann–Whitney U: hand-counted cases, and brute force with ties', () => {
  assert.equal(mannWhitney([1, 2, 3], [4, 5, 6]).p, 0.1, 'complete separation at 3+3: 2/C(6,3)');
  near(mannWhitney([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]).p, 2 / 924, 1e-15, '6+6');
  // U = 8 of 9 at 3+3; U's null counts 1,1,2,3,3,3,3,2,1,1 (of 20): P(U <= 1) + P(U >= 8) = 4/20.
  near(mannWhitney([1, 2, 4], [3, 5, 6]).p, 0.2, 1e-15);
  assert.equal(mannWhitney([1, 2, 4], [3, 5, 6]).u, 8);
  assert.equal(mannWhitney([5, 5, 5], [5, 5, 5]).p, 1, 'all tied');
  const rand = seeded(11);
  for (let k = 0; k < 40; k++) {
    const nA = 2 + Math.floor(rand() * 6);
    const nB = 2 + Math.floor(rand() * 6);
    // Small integers: plenty of ties, as integer counters give.
    const a = Array.from({ length: nA }, () => Math.floor(rand() * 5));
    const b = Array.from({ length: nB }, () => Math.floor(rand() * 5) + (k % 3));
    const r = mannWhitney(a, b);
    assert.equal(r.method, 'exact');
    near(r.p, bruteForceP(a, b), 1e-12, `case ${k}: ${a} vs ${b}`);
  }
  // Beyond 60 runs the tie-corrected normal approximation takes over; it agrees with the exact p at 30+30.
  const a = Array.from({ length: 30 }, () => gauss(rand));
  const b = Array.from({ length: 30 }, () => gauss(rand) + 0.5);
  const exact = mannWhitney(a, b).p;
  const big = mannWhitney([...a, ...a.map((x) => x + 1e-9)], [...b, ...b.map((x) => x + 1e-9)]);
  assert.equal(big.method, 'normal');
  assert.ok(exact > 0 && exact < 0.2, `exact p ${exact}`);
  assert.ok(big.p < exact, 'doubling every sample makes the shift more significant');
});

test('minimum p and runs needed follow 2 / C(2n, n) (benchstat: 0.333, 0.1, 0.0286, 0.0079, 0.0022)', () => {
  assert.deepEqual([2, 3, 4, 5, 6].map((n) => Number(minRankSumP(n, n).toPrecision(3))), [0.333, 0.1, 0.0286, 0.00794, 0.00216]);
  assert.equal(runsNeededForRankSum(0.05), 4);
  assert.equal(runsNeededForRankSum(0.05 / 3), 5);
  assert.equal(runsNeededForRankSum(0.05 / 10), 6);
});

test('Hodges–Lehmann: at 4+4 the 95% interval is [min, max] of the 16 ratios (coverage 1 − 2/70)', () => {
  const c = mosesCutoff(4, 4, 0.95);
  assert.equal(c.k, 1);
  near(c.coverage, 1 - 2 / 70, 1e-12);
  const a = [100, 110, 120, 130];
  const b = [150, 160, 170, 180];
  const hl = hodgesLehmann(a, b);
  assert.equal(hl.scale, 'log');
  near(hl.lo, 150 / 130 - 1, 1e-12);
  near(hl.hi, 180 / 100 - 1, 1e-12);
  assert.ok(hl.estimate > hl.lo && hl.estimate < hl.hi);
  const tiny = hodgesLehmann([1, 2, 3], [4, 5, 6]);
  assert.deepEqual([tiny.lo, tiny.hi], [-1, Infinity], 'no finite 95% interval below 4+4');
  const raw = hodgesLehmann([0, 1, 2, 3], [2, 3, 4, 5]);
  assert.equal(raw.scale, 'raw', 'a zero forbids the log scale');
  assert.equal(raw.estimate, 2);
});

test("Holm's step-down adjustment", () => {
  // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.06, 0.04·1) = 0.06.
  const adj = holm([0.01, 0.04, 0.03, 0.005]);
  [0.03, 0.06, 0.06, 0.02].forEach((x, i) => near(adj[i]!, x, 1e-12, `row ${i}`));
  // Rows without a test stay out of the family: m = 2 here, so 0.5·2 = 1 and max(1, 0.9) = 1.
  assert.deepEqual(holm([0.5, null, 0.9]), [1, null, 1]);
  assert.deepEqual(holm([0.2, null, 0.01]), [0.2, null, 0.02]);
});

test("Welch's t against a hand computation", () => {
  // Means 0.2 and 0.5, variances 0.02/3 and 0.08/3 at 4 runs each: SE = sqrt(0.00833) = 0.0913,
  // t = 3.286, Welch–Satterthwaite df = 4.41, two-sided p = 0.026.
  const w = welch([0.1, 0.2, 0.3, 0.2], [0.3, 0.5, 0.7, 0.5])!;
  near(w.estimate, 0.3, 1e-12);
  near(w.df, 4.41, 0.01, 'df');
  near(w.p, 0.026, 0.002, 'p');
  assert.ok(w.lo > 0 && w.hi > w.lo, 'p < 0.05: the 95% CI excludes 0');
  assert.equal(welch([0.5], [0.1, 0.2]), null, 'one run: no test');
});

test('group-sequential bounds match the published Lan–DeMets O\'Brien–Fleming table (ldbounds, gsDesign sfLDOF)', () => {
  const table: Record<number, number[]> = {
    3: [3.7103, 2.5114, 1.9930],
    4: [4.3326, 2.9631, 2.3590, 2.0141],
    5: [4.8769, 3.3569, 2.6803, 2.2898, 2.0310],
  };
  for (const [k, z] of Object.entries(table)) {
    const b = sequentialBounds(Array.from({ length: Number(k) }, (_, i) => (i + 1) / Number(k)), 0.05);
    z.forEach((x, i) => near(b.z[i], x, 2e-4, `K=${k} look ${i + 1}`));
    near(b.spent[b.spent.length - 1], 0.05, 1e-12);
  }
  assert.throws(() => sequentialBounds([0.5, 0.4, 1], 0.05), /increase/);
  assert.throws(() => sequentialPlan(2, 0.05), /at least 3 blocks/);
});

// --- Synthetic A/A and A/B draws ------------------------------------------------------------------

const VALUE_METRICS: MetricSpec[] = Array.from({ length: 10 }, (_, i) => counterMetric(`v${i}`, 'lower'));

interface Draw { a: RunSummary[]; b: RunSummary[] }

function valueDraw(rand: Rand, n: number, shift = 1, gen = (r: Rand) => lognormal(r)): Draw {
  const side = (f: number) => Array.from({ length: n }, () => summary(VALUE_METRICS.map(() => gen(rand) * f), []));
  return { a: side(1), b: side(shift) };
}

function rateDraw(rand: Rand, n: number, p: number, phi: number, pB = p): Draw {
  const side = (q: number) => Array.from({ length: n }, () => summary([], [overdispersed(rand, q, 20_000, phi)]));
  return { a: side(p), b: side(pB) };
}

function falseRate(draws: number, f: (rand: Rand) => boolean, seed: number): number {
  const rand = seeded(seed);
  let hits = 0;
  for (let i = 0; i < draws; i++) if (f(rand)) hits++;
  return hits / draws;
}

const fired = (v: string): boolean => v === 'better' || v === 'worse';

test('A/A at 6 runs a variant: one value row, lognormal or heavy-tailed, fires in <= 8% of draws', () => {
  for (const gen of [(r: Rand) => lognormal(r), (r: Rand) => heavyTailed(r)]) {
    const rate = falseRate(3000, (rand) => {
      const d = valueDraw(rand, 6, 1, gen);
      return fired(compareVariants([VALUE_METRICS[0]], d.a, d.b).rows[0].verdict);
    }, 1);
    assert.ok(rate <= 0.08, `false verdicts ${rate}`);
    assert.ok(rate >= 0.01, `false verdicts ${rate}: the test cannot fire at all?`);
  }
});

test('A/A at 6 runs a variant: an over-dispersed rate (φ = 10) fires in <= 8% of draws (pooled Wilson: ~53%)', () => {
  for (const p of [0.9, 0.05]) {
    const rate = falseRate(3000, (rand) => {
      const d = rateDraw(rand, 6, p, 10);
      const row = compareVariants([rateMetric('r0')], d.a, d.b).rows[0];
      assert.equal(row.test, 'welch-t');
      return fired(row.verdict);
    }, 2);
    assert.ok(rate <= 0.08 && rate >= 0.01, `p ${p}: false verdicts ${rate}`);
  }
});

test('A/A: a 10-row Holm family gets at least one false verdict in <= 8% of comparisons', () => {
  const metrics = [rateMetric('r0'), ...VALUE_METRICS];
  const rate = falseRate(1500, (rand) => {
    const rates = rateDraw(rand, 6, 0.9, 10);
    const values = valueDraw(rand, 6);
    const merge = (x: RunSummary[], y: RunSummary[]) => x.map((r, i) => ({ ...r, counters: y[i].counters }));
    const t = compareVariants(metrics, merge(rates.a, values.a), merge(rates.b, values.b), { primary: 'r0' });
    return t.rows.filter((r) => r.role === 'family').some((r) => fired(r.verdict));
  }, 3);
  assert.ok(rate <= 0.08, `family-wise false verdicts ${rate}`);
});

test('too few runs: n = 2 gives "too few runs" for values, n = 1 no test at all', () => {
  const rand = seeded(4);
  const two = valueDraw(rand, 2, 3);
  const row2 = compareVariants([VALUE_METRICS[0]], two.a, two.b).rows[0];
  assert.equal(row2.verdict, 'too few runs');
  assert.equal(row2.runsNeeded, 4);
  assert.ok(row2.p !== null, 'n = 2 still gets a p, it just cannot reach α');
  const one = valueDraw(rand, 1, 3);
  const row1 = compareVariants([VALUE_METRICS[0]], one.a, one.b).rows[0];
  assert.equal(row1.verdict, 'too few runs');
  assert.equal(row1.p, null);
  assert.equal(row1.test, 'none');
  const rates = rateDraw(rand, 2, 0.05, 1, 0.99);
  const r2 = compareVariants([rateMetric('r0')], rates.a, rates.b).rows[0];
  assert.equal(r2.verdict, 'too few runs', 'a rate needs 3 runs a side');
  assert.equal(r2.runsNeeded, 3);
});

test('power: a 50% shift at 6 runs a variant is detected in >= 95% of draws, and the MDE is finite', () => {
  const rand = seeded(5);
  let hits = 0;
  const draws = 1000;
  for (let i = 0; i < draws; i++) {
    const d = valueDraw(rand, 6, 1.5);
    const row = compareVariants([VALUE_METRICS[0]], d.a, d.b).rows[0];
    if (row.verdict === 'worse') hits++;
    if (i === 0) assert.ok(Number.isFinite(row.mde!) && row.mde! > 0.05 && row.mde! < 0.5, `MDE ${row.mde}`);
  }
  assert.ok(hits / draws >= 0.95, `power ${hits / draws}`);
});

/** One sequential compare on synthetic blocks: returns the verdict and the block it stopped at. */
function sequential(rand: Rand, maxRepeat: number, metric: MetricSpec, block: () => [RunSummary, RunSummary]): { verdict: string; block: number } {
  const plan = sequentialPlan(maxRepeat, 0.05);
  const A: RunSummary[] = [];
  const B: RunSummary[] = [];
  for (let k = 1; k <= maxRepeat; k++) {
    const [a, b] = block();
    A.push(a);
    B.push(b);
    const l = lookAt(plan, k, metric.name, (alpha) => compareVariants([metric], A, B, { primaryAlpha: alpha, primaryOnly: true }));
    if (l?.crossed) return { verdict: compareVariants([metric], A, B, { primaryAlpha: l.nominalAlpha }).rows[0].verdict, block: k };
  }
  void rand;
  return { verdict: 'no significant change', block: maxRepeat };
}

test('sequential A/A with a look after every block keeps false verdicts <= 8%; a large effect stops early', () => {
  const rand = seeded(6);
  const rate = rateMetric('r0');
  const value = VALUE_METRICS[0];
  let falseRate = 0;
  const sims = 1500;
  for (let i = 0; i < sims; i++) {
    const useRate = i % 2 === 0;
    const r = sequential(rand, 12, useRate ? rate : value, () => {
      if (useRate) { const d = rateDraw(rand, 1, 0.9, 10); return [d.a[0], d.b[0]]; }
      const d = valueDraw(rand, 1); return [d.a[0], d.b[0]];
    });
    if (fired(r.verdict)) falseRate++;
  }
  assert.ok(falseRate / sims <= 0.08, `sequential A/A false verdicts ${falseRate / sims}`);
  const stops: number[] = [];
  for (let i = 0; i < 200; i++) {
    const r = sequential(rand, 12, rate, () => { const d = rateDraw(rand, 1, 0.5, 10, 0.6); return [d.a[0], d.b[0]]; });
    assert.equal(r.verdict, 'better');
    stops.push(r.block);
  }
  stops.sort((x, y) => x - y);
  assert.ok(stops[100] <= 4, `a 10 pp change at φ = 10 should stop within 4 of 12 blocks; median ${stops[100]}`);
});

test('rates: ranks when both variants are rare, Welch when only one is near 0% or 100%', () => {
  const runs = (xs: [number, number][]) => xs.map(([s, n]) => summary([], [{ successes: s, trials: n }]));
  const nearOne = runs([[9998, 10000], [10000, 10000], [9999, 10000]]);
  const spread = runs([[2700, 10000], [4100, 10000], [1600, 10000]]);
  const rare = runs([[1, 10000], [3, 10000], [0, 10000]]);
  const rareToo = runs([[2, 10000], [5, 10000], [4, 10000], [6, 10000]]);
  const one = compareVariants([rateMetric('r0')], spread, nearOne).rows[0];
  assert.equal(one.test, 'welch-t');
  assert.equal(one.verdict, 'better');
  const both = compareVariants([rateMetric('r0')], rare, rareToo).rows[0];
  assert.equal(both.test, 'rank-test-rare');
  assert.equal(both.scale, 'rate');
});
