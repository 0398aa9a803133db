// Checks the pure reporting layer on known numbers: statistics, the variant comparison, text tables, HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mean, median, normalQuantile, quantile, wilson, zForLevel } from '../src/report/statistics.js';
import {
  compareVariants, counterMetric, histogramMetric, rateMetric, type RunSummary,
} from '../src/report/compare.js';
import { comparisonCells, comparisonFootnotes } from '../src/report/compare-text.js';
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

function run(ops: number, p99: number, successes: number, trials: number): RunSummary {
  return {
    counters: { ops },
    rates: { migrate: { successes, trials } },
    histograms: { fault: { p50: p99 / 4, p99 } },
  };
}

test('compareVariants: primary alone, the rest under Holm, per-run values kept', () => {
  // Six runs a side, far apart (100+ events a run, so the rate gets Welch's t): every row with a test should get its verdict.
  const A = [run(1000, 5000, 100, 1000), run(1010, 5100, 120, 1000), run(990, 4900, 80, 1000), run(1005, 5050, 110, 1000), run(995, 4950, 90, 1000), run(1002, 5020, 130, 1000)];
  const B = [run(1500, 2000, 950, 1000), run(1490, 2100, 970, 1000), run(1510, 1900, 960, 1000), run(1505, 2050, 980, 1000), run(1495, 1950, 940, 1000), run(1502, 1990, 930, 1000)];
  const metrics = [rateMetric('migrate'), counterMetric('ops', 'higher', { unit: 'ops' }), histogramMetric('fault'), counterMetric('missing', 'higher')];
  const t = compareVariants(metrics, A, B);
  assert.equal(t.primary, 'migrate');
  assert.deepEqual(t.family, ['ops', 'fault p99', 'missing']);
  assert.deepEqual(t.rows.map((r) => [r.metric, r.role, r.test, r.verdict]), [
    ['migrate', 'primary', 'welch-t', 'better'],
    ['ops', 'family', 'mann-whitney-exact', 'better'],
    ['fault p99', 'family', 'mann-whitney-exact', 'better'],
    ['missing', 'family', 'none', 'too few runs'],
  ]);
  const [rate, ops, fault, missing] = t.rows;
  assert.deepEqual(ops.a.values, [1000, 1010, 990, 1005, 995, 1002]);
  assert.equal(ops.a.median, 1001);
  // Exact MW with complete separation at 6+6: p = 2 / C(12, 6) = 2/924; two tested family rows under Holm: x2.
  near(ops.p!, 2 / 924, 1e-12);
  near(ops.pAdjusted!, 4 / 924, 1e-12);
  assert.equal(ops.scale, 'log');
  near(ops.estimate, 0.5, 0.01, 'HL ratio - 1');
  assert.ok(ops.ci[0] > 0.45 && ops.ci[1] < 0.55, `ops CI ${ops.ci}`);
  assert.ok(fault.estimate < -0.55 && fault.estimate > -0.65, `fault ${fault.estimate}`);
  assert.equal(rate.a.pooled?.successes, 630);
  assert.equal(rate.a.pooled?.trials, 6000);
  near(rate.estimate, (5730 - 630) / 6000, 1e-12);
  assert.ok(rate.ci[0] > 0.8 && rate.ci[1] < 0.9, `rate CI ${rate.ci}`);
  assert.equal(rate.pAdjusted, rate.p, 'the primary is not adjusted');
  assert.ok(rate.p! < 1e-8);
  // Pearson: A's counts deviate by SS 1750 from 630/6 with binomial variance 1000·0.105·0.895 = 93.975; B's by
  // SS 1750 with 1000·0.955·0.045 = 42.975: (1750/93.975 + 1750/42.975) / (5 + 5) = 5.934.
  near(rate.phi!, 5.934, 1e-3, 'phi');
  assert.equal(missing.nA, 0);
  assert.equal(missing.p, null);
  assert.deepEqual(compareVariants(metrics, A, B), t, 'deterministic');
  assert.throws(() => compareVariants([{ ...rateMetric('migrate'), kind: 'value' }], A, B), TypeError);
  assert.throws(() => compareVariants(metrics, A, B, { primary: 'nope' }), /nope/);

  const cells = comparisonCells(t, ['before', 'after']);
  assert.equal(cells.headers.length, cells.rows[0].length);
  assert.deepEqual(cells.headers.slice(0, 4), ['metric', 'before', 'after', 'change [95% CI]']);
  assert.deepEqual(cells.rows[0].slice(0, 3), ['migrate *', '10.5%', '95.5%']);
  assert.match(cells.rows[0][3], /^\+85 pp \[\+8\d\.?\d*, \+8\d\.?\d*\]$/);
  assert.deepEqual(cells.rows[2].slice(1, 3), ['5.01 µs', '2 µs']);
  assert.match(cells.rows[3][7], /^too few runs ¹$/);
  const notes = comparisonFootnotes(t).join('\n');
  assert.match(notes, /primary metric migrate: tested alone at α = 0.05; the other 3 rows: Holm-adjusted/);
  assert.match(notes, /¹ missing: 1 run per variant: run-to-run noise cannot be estimated: need >= \d+ runs per variant, have 0\+0/);
  assert.match(formatTable(cells.headers, cells.rows, { align: cells.align }), /^metric +before/);
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
