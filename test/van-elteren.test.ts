// The stratified test a merged compare uses: van Elteren's statistic against hand-computed values,
// and a machine offset that a pooled test drowns in but the stratified one sees through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vanElteren } from '../src/report/stats/van-elteren.js';
import { stratifiedTest } from '../src/report/compare-stratified.js';
import { mannWhitney } from '../src/report/stats/mann-whitney.js';
import { compareVariants, histogramMetric, type RunSummary } from '../src/report/compare.js';

test('van Elteren: two strata, by hand', () => {
  // Stratum 1: a = 1,2,3, b = 4,5: W = 4 + 5 = 9, E = 2·6/2 = 6, Var = 3·2·6/12 = 3, N + 1 = 6.
  // Stratum 2: a = 10,30, b = 20,40: W = 2 + 4 = 6, E = 5, Var = 2·2·5/12 = 5/3, N + 1 = 5.
  // T = 9/6 + 6/5 = 2.7, E = 1 + 1 = 2, V = 3/36 + (5/3)/25 = 0.15, z = 0.7/√0.15 = 1.80739, p = 0.070701 (scipy norm.sf).
  const r = vanElteren([{ a: [1, 2, 3], b: [4, 5] }, { a: [10, 30], b: [20, 40] }]);
  assert.ok(Math.abs(r.statistic - 2.7) < 1e-12);
  assert.ok(Math.abs(r.expected - 2) < 1e-12);
  assert.ok(Math.abs(r.variance - 0.15) < 1e-12);
  assert.ok(Math.abs(r.z - 1.8073922282301278) < 1e-9);
  assert.ok(Math.abs(r.p - 0.07070114486598297) < 1e-6);
  assert.equal(r.strata, 2);
});

test('van Elteren: ties corrected within the stratum, by hand', () => {
  // a = 1,2,2, b = 2,3: mid-ranks 1,3,3,3,5; W = 8, E = 6, Var = 3 − 3·2·(27−3)/(12·5·4) = 2.4; z = (8−6)/6 / √(2.4/36) = 1.29099, p = 0.196706.
  const r = vanElteren([{ a: [1, 2, 2], b: [2, 3] }]);
  assert.ok(Math.abs(r.z - 1.2909944487358054) < 1e-9);
  assert.ok(Math.abs(r.p - 0.19670560245894697) < 1e-6);
});

test('a stratum with one side only carries no weight; no spread gives p = 1', () => {
  assert.deepEqual(vanElteren([{ a: [1, 2], b: [] }]).p, 1);
  assert.equal(vanElteren([{ a: [5, 5], b: [5, 5] }]).p, 1);
});

test('machines as blocks: a +3% shift under 10x machine offsets is found stratified, lost when pooled', () => {
  const machines = [1, 10, 100];
  const strata = machines.map((m) => ({ a: [100, 101, 102, 103].map((x) => x * m), b: [103, 104, 105, 106].map((x) => x * m) }));
  const s = stratifiedTest(strata, 'value', 0.95);
  assert.equal(s.test, 'van-elteren');
  assert.ok(s.p! < 0.01, `stratified p ${s.p}`);
  assert.ok(s.estimate > 0.02 && s.estimate < 0.04, `estimate ${s.estimate}`);
  const pooled = mannWhitney(strata.flatMap((x) => x.a), strata.flatMap((x) => x.b));
  assert.ok(pooled.p > 0.05, `pooled p ${pooled.p}`);
  // compareVariants with strata picks the stratified test once there are two or more machines.
  const run = (v: number, machine: string): RunSummary & { machine: string } => ({ counters: {}, rates: {}, histograms: { lat: { p50: v, p99: v, count: 1 } }, machine });
  const A = strata.flatMap((x, i) => x.a.map((v) => run(v, `m${i}`)));
  const B = strata.flatMap((x, i) => x.b.map((v) => run(v, `m${i}`)));
  const t = compareVariants([histogramMetric('lat', 'p50')], A, B, { strata: (r) => (r as RunSummary & { machine: string }).machine });
  assert.equal(t.rows[0].test, 'van-elteren');
  assert.equal(t.rows[0].verdict, 'worse');
  assert.notEqual(compareVariants([histogramMetric('lat', 'p50')], A, B).rows[0].test, 'van-elteren');
});
