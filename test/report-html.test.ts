// Checks the compare and run HTML reports as text: self-contained, escaped, deterministic, and
// each chart drawing what its data says (a dot per run per side, a spectrum line per run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, renderChart, renderHtmlReport } from '../src/report/html.js';
import { compareReportDoc, runReportDoc } from '../src/report/run-html.js';
import { comparisonCells } from '../src/report/compare-text.js';
import { ninesLabel } from '../src/report/chart-spectrum.js';
import { fixtureAA, fixtureCompare, fixtureSequential, fakeRun, WAIT_LOCKED } from './helpers/compare-fixture.js';
import { countOf, svgsOf } from './helpers/html-svgs.js';

const res = fixtureCompare();
const doc = compareReportDoc(res);
const html = renderHtmlReport(doc);

test('compare report: self-contained, one svg per chart, the CLI table cells verbatim', () => {
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(!/<script/i.test(html), 'no scripts');
  assert.ok(!/http/i.test(html), 'no external URLs');
  const charts = doc.sections.filter((s) => s.chart);
  assert.equal(countOf(html, /<svg/), charts.length);
  assert.equal(svgsOf(html).length, charts.length);
  assert.equal(doc.sections[0].heading, 'migration-entry-wait: wait-locked (A) vs put-and-wait (B)');
  const cells = comparisonCells(res, res.labels);
  for (const c of [...cells.headers, ...cells.rows.flat()]) assert.ok(html.includes(escapeHtml(c)), `cell ${c}`);
  assert.match(html, /primary metric migrationSuccess: tested alone/);
  assert.match(html, /run order<\/td><td>wait-locked put-and-wait put-and-wait wait-locked/);
  assert.equal(renderHtmlReport(compareReportDoc(fixtureCompare())), html, 'same input, same bytes');
});

test('compare report: a strip chart per row with one dot per run per side; a spectrum line per run', () => {
  const svgs = svgsOf(html);
  for (const row of res.rows) {
    const svg = svgs.find((s) => s.label === escapeHtml(row.metric + (row.role === 'primary' ? ' (primary)' : '')));
    assert.ok(svg, `strip chart for ${row.metric}`);
    assert.equal(countOf(svg.body, /<circle/), row.a.values.length + row.b.values.length, `${row.metric}: one circle per run`);
    assert.equal(countOf(svg.body, /class="median"/), 2, `${row.metric}: a median tick per side`);
    assert.equal(countOf(svg.body, /<g class="series"/), 2);
  }
  const primary = svgs.find((s) => s.label === 'migrationSuccess (primary)')!;
  assert.match(primary.body, /class="band"/, 'the MDE band around A');
  assert.match(primary.body, /A: wait-locked · run 1: \d\d(\.\d+)?%</, 'rates drawn as %');
  const spectra = svgs.filter((s) => s.label.endsWith('latency by percentile, every run'));
  assert.deepEqual(spectra.map((s) => s.label.split(':')[0]), ['migration', 'faultWait', 'refHold'], 'ns histograms only');
  for (const s of spectra) {
    assert.equal(countOf(s.body, /<path class="run"/), 12, 'one path per run');
    for (const k of [0, 1, 2, 3]) assert.ok(s.body.includes(`>${ninesLabel(k)}</text>`), `${s.label}: tick ${ninesLabel(k)}`);
    assert.equal(countOf(s.body, /class="legend"/), 2, 'a legend entry per group, not per run');
    assert.match(s.body, />A: wait-locked \(6 runs\)</);
    assert.match(s.body, />(1|10|100) (µs|ms)</, 'log y ticks in fmtNs units');
  }
  assert.match(html, /<h2>Forbidden outcomes<\/h2>[\s\S]*?<p class="note">none<\/p>/);
});

test('compare report: labels escaped, A/A and sequential variants', () => {
  const evil = renderHtmlReport(compareReportDoc(fixtureCompare({ labels: ['<b>&x', `y"'`] })));
  assert.ok(!evil.includes('<b>&x') && !evil.includes(`y"'`));
  assert.ok(evil.includes('&lt;b&gt;&amp;x (A) vs y&quot;&#39; (B)'));
  assert.ok(!/<script|http/i.test(evil));

  const aa = renderHtmlReport(compareReportDoc(fixtureAA()));
  assert.ok(aa.includes('wait-locked (A) vs wait-locked′ (B)'));
  assert.ok(aa.includes('no significant change'));

  const seq = fixtureSequential();
  const sdoc = compareReportDoc(seq);
  const looks = sdoc.sections.find((s) => s.heading === 'Sequential looks');
  assert.ok(looks?.table);
  assert.equal(looks.table.rows.length, seq.sequential!.looks.length);
  assert.deepEqual(looks.table.headers, ['block', 'p', '|z|', 'bound |z|', 'nominal α', 'crossed']);
  assert.equal(looks.table.rows.at(-1)!.at(-1), seq.sequential!.stoppedBy === 'boundary' ? 'yes' : 'no');
  assert.match(looks.note!, /stopped at block \d+ of at most 8/);
  const shtml = renderHtmlReport(sdoc);
  assert.equal(countOf(shtml, /<svg/), sdoc.sections.filter((s) => s.chart).length);
  assert.match(shtml, /not tested/);
});

test('run report: within-run CI labelled binomial-only, a spectrum per ns histogram', () => {
  const r = fakeRun('wait-locked', WAIT_LOCKED, 7);
  const rdoc = runReportDoc(r);
  const rhtml = renderHtmlReport(rdoc);
  assert.ok(!/<script|http/i.test(rhtml));
  assert.ok(rdoc.sections.some((s) => s.heading === 'Rates, within-run 95% CI (binomial only)'));
  const spectra = rdoc.sections.filter((s) => s.chart?.kind === 'spectrum');
  assert.deepEqual(spectra.map((s) => s.heading), ['migration', 'faultWait', 'refHold'].map((k) => `${k}: latency by percentile`));
  assert.equal(countOf(rhtml, /<svg/), rdoc.sections.filter((s) => s.chart).length);
  assert.equal(countOf(rhtml, /<path class="run"/), 3);
});

test('spectrum and strip charts on edge cases', () => {
  assert.deepEqual([0, 1, 2, 3, 5].map(ninesLabel), ['0%', '90%', '99%', '99.9%', '99.999%']);
  const empty = renderChart({ kind: 'spectrum', yLabel: 'ns', series: [] }, 'nothing');
  assert.match(empty, /no data/);
  const one = renderChart({ kind: 'spectrum', yLabel: 'ns', yUnit: 'ns', series: [{ name: 'r', points: [{ x: 0, y: 500 }, { x: 100, y: 800 }] }] }, 'one sample');
  assert.equal(countOf(one, /<path class="run"/), 1);
  assert.ok(one.includes('>90%<'), 'at least one nine on the axis');
  assert.ok(!/NaN|Infinity/.test(one));
  const ties = renderChart({ kind: 'strip', yLabel: '%', series: [{ name: 'A', points: [1, 1, 1].map((y, i) => ({ x: i, y })) }] }, 'ties');
  const cxs = [...ties.matchAll(/<circle class="dot" cx="([\d.]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(cxs).size, 3, 'equal values get distinct x');
  assert.ok(!/NaN|Infinity/.test(ties));
});

test('strip chart: a huge band does not stretch the y axis past the data span', () => {
  const svg = renderChart({ kind: 'strip', yLabel: 'v', band: { lo: -1000, hi: 1000, label: 'MDE' },
    series: [{ name: 'A', points: [10, 11, 12].map((y, i) => ({ x: i, y })) }] }, 'huge band');
  const ticks = [...svg.matchAll(/<text class="tick"[^>]*text-anchor="end">([^<]+)</g)].map((m) => Number(m[1]));
  assert.ok(Math.min(...ticks) >= 8 && Math.max(...ticks) <= 14, `ticks ${ticks}`);
  assert.match(svg, /class="band"/);
});
