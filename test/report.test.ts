// Checks the pure reporting layer on known numbers: statistics, the variant comparison, text tables, HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapMedianDiff, mean, median, normalQuantile, quantile, rateDiffCI, verdict, wilson, zForLevel,
} from '../src/report/statistics.js';
import { mulberry32 } from '../src/report/rng.js';
import {
  compareVariants, comparisonTable, counterMetric, histogramMetric, rateMetric, type RunSummary,
} from '../src/report/compare.js';
import { fmtNs, fmtNum, fmtPct, formatTable } from '../src/report/table.js';
import { escapeHtml, renderHtmlReport } from '../src/report/html.js';

const near = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} not within ${tol} of ${expected}`);

test('median, quantile and mean on known arrays', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([10, 2, 33]), 10);
  assert.equal(quantile([1, 2, 3, 4, 5], 0), 1);
  assert.equal(quantile([1, 2, 3, 4, 5], 1), 5);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(quantile([10, 20], 0.9), 19);
  assert.equal(quantile([7], 0.3), 7);
  assert.ok(Number.isNaN(median([])));
  assert.equal(median([5, NaN, 1]), 3);
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.ok(Number.isNaN(mean([])));
  assert.throws(() => quantile([1], 1.5), RangeError);
});

test('wilson score interval', () => {
  const zero = wilson(0, 100);
  assert.equal(zero.rate, 0);
  assert.equal(zero.lo, 0);
  near(zero.hi, 0.0370, 1e-3, 'wilson(0,100).hi');
  assert.ok(zero.hi > 0);
  const half = wilson(50, 100);
  near(half.rate, 0.5, 1e-12);
  near(half.lo, 0.4038, 1e-3, 'wilson(50,100).lo');
  near(half.hi, 0.5962, 1e-3, 'wilson(50,100).hi');
  const all = wilson(100, 100);
  assert.equal(all.hi, 1);
  near(all.lo, 1 - 0.0370, 1e-3);
  const none = wilson(0, 0);
  assert.ok(Number.isNaN(none.rate));
  assert.equal(none.lo, 0);
  assert.equal(none.hi, 1);
  assert.throws(() => wilson(5, 3), RangeError);
});

test('normal quantile matches the usual z values', () => {
  near(normalQuantile(0.975), 1.959964, 1e-6);
  near(normalQuantile(0.5), 0, 1e-12);
  near(normalQuantile(0.005), -2.575829, 1e-6);
  near(zForLevel(0.9), 1.644854, 1e-6);
});

test('Newcombe interval for a difference of proportions', () => {
  const ci = rateDiffCI(2, 100, 99, 100);
  near(ci.diff, 0.97, 1e-12);
  assert.ok(ci.lo > 0 && ci.hi < 1 && ci.lo < ci.diff && ci.diff < ci.hi);
  assert.equal(verdict(ci, 'higher'), 'better');
  assert.equal(verdict(ci, 'lower'), 'worse');
  const reversed = rateDiffCI(99, 100, 2, 100);
  near(reversed.lo, -ci.hi, 1e-12);
  near(reversed.hi, -ci.lo, 1e-12);
  // Newcombe (1998) Table II example: 56/70 vs 48/80 gives 0.0524 to 0.3339 for p1 - p2.
  const paper = rateDiffCI(48, 80, 56, 70);
  near(paper.lo, 0.0524, 1e-4);
  near(paper.hi, 0.3339, 1e-4);
  const same = rateDiffCI(50, 100, 52, 100);
  assert.equal(verdict(same, 'higher'), 'no significant change');
  assert.deepEqual(rateDiffCI(0, 0, 5, 10), { diff: NaN, lo: -1, hi: 1 });
});

test('verdict follows the CI sign and the better direction', () => {
  assert.equal(verdict({ lo: 0.1, hi: 2 }, 'higher'), 'better');
  assert.equal(verdict({ lo: 0.1, hi: 2 }, 'lower'), 'worse');
  assert.equal(verdict({ lo: -2, hi: -0.1 }, 'lower'), 'better');
  assert.equal(verdict({ lo: -2, hi: -0.1 }, 'higher'), 'worse');
  assert.equal(verdict({ lo: -1, hi: 1 }, 'higher'), 'no significant change');
  assert.equal(verdict({ lo: 0, hi: 1 }, 'higher'), 'no significant change');
  assert.equal(verdict({ lo: NaN, hi: NaN }, 'higher'), 'no significant change');
});

// Reproducible noisy samples around a centre.
function sample(seed: number, n: number, centre: number, spread: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => centre + (rand() - 0.5) * 2 * spread);
}

test('bootstrap of the median difference', () => {
  const a = sample(1, 20, 100, 5);
  const b = sample(2, 20, 130, 5);
  const one = bootstrapMedianDiff(a, b, { seed: 42 });
  assert.deepEqual(bootstrapMedianDiff(a, b, { seed: 42 }), one, 'same seed, same interval');
  assert.deepEqual(bootstrapMedianDiff(a, b), bootstrapMedianDiff(a, b), 'default seed is fixed too');
  assert.notDeepEqual(bootstrapMedianDiff(a, b, { seed: 43 }), one);
  assert.equal(one.diff, median(b) - median(a));
  assert.ok(one.lo <= 30 && 30 <= one.hi, `[${one.lo}, ${one.hi}] should contain 30`);
  assert.ok(one.lo > 0, 'clearly separated groups exclude 0');
  assert.equal(verdict(one, 'higher'), 'better');
  assert.equal(verdict(one, 'lower'), 'worse');
  const down = bootstrapMedianDiff(b, a, { seed: 42 });
  assert.ok(down.hi < 0);
  assert.equal(verdict(down, 'lower'), 'better');

  const pool = sample(3, 60, 50, 10);
  const same = bootstrapMedianDiff(pool.filter((_, i) => i % 2 === 0), pool.filter((_, i) => i % 2 === 1), { seed: 7 });
  assert.ok(same.lo < 0 && same.hi > 0);
  assert.equal(verdict(same, 'higher'), 'no significant change');
  const narrow = bootstrapMedianDiff(a, b, { seed: 42, level: 0.5 });
  assert.ok(narrow.hi - narrow.lo < one.hi - one.lo);
  assert.deepEqual(bootstrapMedianDiff([], b), { diff: NaN, lo: NaN, hi: NaN });
});

function run(ops: number, p99: number, successes: number, trials: number): RunSummary {
  return {
    counters: { ops },
    rates: { migrate: { successes, trials } },
    histograms: { fault: { p50: p99 / 4, p99 } },
  };
}

test('compareVariants gives one row per metric with verdicts', () => {
  const A = [run(1000, 5000, 10, 100), run(1010, 5100, 12, 100), run(990, 4900, 8, 100), run(1005, 5050, 11, 100), run(995, 4950, 9, 100)];
  const B = [run(1500, 2000, 95, 100), run(1490, 2100, 97, 100), run(1510, 1900, 96, 100), run(1505, 2050, 98, 100), run(1495, 1950, 94, 100)];
  const metrics = [counterMetric('ops', 'higher', { unit: 'ops' }), histogramMetric('fault'), rateMetric('migrate'), counterMetric('missing', 'higher')];
  const rows = compareVariants(metrics, A, B, { seed: 1 });
  assert.deepEqual(rows.map((r) => [r.metric, r.verdict]), [
    ['ops', 'better'], ['fault p99', 'better'], ['migrate', 'better'], ['missing', 'no significant change'],
  ]);
  const [ops, fault, rate, missing] = rows;
  assert.deepEqual(ops.a, { median: 1000, n: 5 });
  assert.deepEqual(ops.b, { median: 1500, n: 5 });
  assert.equal(ops.diff, 500);
  assert.equal(fault.diff, -3000);
  assert.equal(fault.better, 'lower');
  assert.equal(rate.a.pooled?.successes, 50);
  assert.equal(rate.a.pooled?.trials, 500);
  near(rate.a.pooled!.rate, 0.1, 1e-12);
  near(rate.a.median, 0.1, 1e-12);
  near(rate.diff, 0.96 - 0.1, 1e-12);
  assert.ok(rate.lo > 0);
  assert.equal(missing.a.n, 0);
  assert.ok(Number.isNaN(missing.diff));
  assert.deepEqual(compareVariants(metrics, A, B, { seed: 1 }), rows, 'deterministic');
  assert.throws(() => compareVariants([{ ...rateMetric('migrate'), kind: 'value' }], A, B), TypeError);

  const t = comparisonTable(rows);
  assert.equal(t.headers.length, t.rows[0].length);
  assert.deepEqual(t.rows[1].slice(3, 8), ['5 µs', '5', '2 µs', '5', '-3 µs']);
  assert.deepEqual(t.rows[2].slice(3, 8), ['10.0%', '5', '96.0%', '5', '+86 pp']);
  assert.match(formatTable(t.headers, t.rows, { align: t.align }), /^metric +unit/);
});

test('number formatting', () => {
  assert.equal(fmtNum(42), '42');
  assert.equal(fmtNum(1234567), '1234567');
  assert.equal(fmtNum(3.14159), '3.14');
  assert.equal(fmtNum(0.000123456), '0.000123');
  assert.equal(fmtNum(12345.678), '12346');
  assert.equal(fmtNum(2.5), '2.5');
  assert.equal(fmtNum(NaN), '–');
  assert.equal(fmtNum(3.14159, 5), '3.1416');
  assert.equal(fmtPct(0.5), '50.0%');
  assert.equal(fmtPct(0), '0%');
  assert.equal(fmtPct(1), '100%');
  assert.equal(fmtPct(0.0001), '0.01%');
  assert.equal(fmtPct(0.99999), '99.999%');
  assert.equal(fmtPct(NaN), '–');
  assert.equal(fmtNs(850), '850 ns');
  assert.equal(fmtNs(1500), '1.5 µs');
  assert.equal(fmtNs(999.7), '1 µs');
  assert.equal(fmtNs(2_345_678), '2.35 ms');
  assert.equal(fmtNs(3e9), '3 s');
  assert.equal(fmtNs(NaN), '–');
});

test('formatTable aligns columns', () => {
  const out = formatTable(['name', 'ops', 'p99'], [['alpha', 12, '1.5 µs'], ['b', 1234, '20 ns']]);
  assert.equal(out, [
    'name    ops  p99',
    '-----  ----  ------',
    'alpha    12  1.5 µs',
    'b      1234  20 ns',
  ].join('\n'));
  const right = formatTable(['k', 'v'], [['x', 'long'], ['yy', 's']], { align: ['r', 'r'] });
  assert.equal(right, ' k     v\n--  ----\n x  long\nyy     s');
});

test('HTML report is self-contained, escaped and has one svg per chart', () => {
  const html = renderHtmlReport({
    title: 'Before & after',
    sections: [
      {
        heading: 'Success rate',
        chart: {
          kind: 'bars', yLabel: 'success %',
          series: [
            { name: '<a&b>', points: [{ x: 'migrate', y: 10, lo: 8, hi: 12 }, { x: 'offline', y: 40 }] },
            { name: 'after', points: [{ x: 'migrate', y: 96, lo: 94, hi: 98 }, { x: 'offline', y: 90 }] },
          ],
        },
        table: { headers: ['metric', 'value'], rows: [['it\'s "quoted"', 1.5]] },
        note: 'Wilson 95% intervals',
      },
      {
        heading: 'Scaling',
        chart: { kind: 'lines', yLabel: 'ops/s', xLog: true, series: [{ name: 'before', points: [1, 2, 4, 8].map((x) => ({ x, y: 100 * x })) }] },
      },
      { heading: 'Empty', chart: { kind: 'lines', yLabel: 'nothing', series: [] } },
    ],
  });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(!/<script/i.test(html), 'no scripts');
  assert.ok(!/http/i.test(html), 'no external URLs');
  assert.equal(html.match(/<svg/g)?.length, 3);
  assert.equal(html.match(/<\/svg>/g)?.length, 3);
  assert.ok(html.includes('&lt;a&amp;b&gt;'));
  assert.ok(!html.includes('<a&b>'));
  assert.ok(html.includes('Before &amp; after'));
  assert.ok(html.includes('it&#39;s &quot;quoted&quot;'));
  assert.equal(html.match(/class="ci"/g)?.length, 2, 'one whisker per point with lo/hi');
  assert.equal(html.match(/class="line"/g)?.length, 1, 'one path per line series');
  assert.match(html, /<svg[^>]+aria-label="Scaling"/);
  assert.equal(escapeHtml(`<&>"'`), '&lt;&amp;&gt;&quot;&#39;');
  assert.equal(renderHtmlReport({ title: 't', sections: [] }), renderHtmlReport({ title: 't', sections: [] }));
});
