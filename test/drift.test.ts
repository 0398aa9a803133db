// Drift over a soak's intervals: a steady soak shows none, a growing RSS or a sliding rate is
// flagged, and too few intervals say so instead of testing; the soak report plots each series.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftReport } from '../src/report/drift.js';
import { mannKendall } from '../src/report/stats/mann-kendall.js';
import { soakReportDoc, renderDriftText } from '../src/report/soak-report.js';
import { renderHtmlReport } from '../src/report/html.js';
import { fixtureIntervals, fixtureSoak } from './helpers/soak-fixture.js';

test('Mann–Kendall: S counts concordant minus discordant pairs; Sen slope is the median pairwise slope', () => {
  const up = mannKendall([1, 2, 3, 4, 5, 6, 7, 8])!;
  assert.equal(up.s, 28);
  assert.equal(up.slope, 1);
  assert.ok(up.p < 0.001, `p ${up.p}`);
  const flat = mannKendall([3, 1, 4, 1, 5, 9, 2, 6, 5, 3])!;
  assert.ok(flat.p > 0.2, `p ${flat.p}`);
  assert.equal(mannKendall([1, 2, 3]), null, 'below 4 points');
});

test('a steady soak shows no drift; growing memory and a sliding rate are flagged', () => {
  const steady = driftReport(fixtureIntervals(24));
  assert.equal(steady.window, 6);
  assert.equal(steady.drift, false, renderDriftText(steady));
  const leaking = driftReport(fixtureIntervals(24, 5));
  assert.ok(leaking.drifted.includes('rssMB'), renderDriftText(leaking));
  assert.match(renderDriftText(leaking), /DRIFT in: .*rssMB/);
  const sliding = fixtureIntervals(24).map((iv, i) => {
    const trials = iv.rates.migrationSuccess.trials;
    const successes = Math.round(trials * (0.95 - 0.005 * i));
    return { ...iv, rates: { migrationSuccess: { successes, trials, rate: successes / trials } } };
  });
  assert.ok(driftReport(sliding).drifted.includes('migrationSuccess'));
});

test('too few intervals: no drift tests, and the report says why', () => {
  const r = driftReport(fixtureIntervals(5));
  assert.equal(r.windows.length, 0);
  assert.match(r.note ?? '', /too few intervals for drift tests \(5; need >= 12\)/);
});

test('the soak report plots every rate, each latency p50/p99/max and the memory against time', () => {
  const html = renderHtmlReport(soakReportDoc(fixtureSoak()));
  assert.match(html, /<svg[^>]+aria-label="Rates per interval"/);
  assert.match(html, /<svg[^>]+aria-label="migration: p50, p99 and max per interval"/);
  assert.match(html, /<svg[^>]+aria-label="faultWait: p50, p99 and max per interval"/);
  assert.match(html, /<svg[^>]+aria-label="Main process per interval"/);
  assert.ok(!/<script/i.test(html));
});
