// Checks the percentile-spectrum sampling (report/spectrum.ts) and that mergeHistograms attaches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as hdr from 'hdr-histogram-js';
import { percentileSpectrum, spectrumPercentiles } from '../src/report/spectrum.js';
import { mergeHistograms } from '../src/run/histograms.js';

test('spectrumPercentiles: 10 a decade in 1/(1-p), ending at 1/(1-p) = n', () => {
  assert.deepEqual(spectrumPercentiles(0), []);
  assert.deepEqual(spectrumPercentiles(1), [0]);
  const ps = spectrumPercentiles(1000);
  assert.equal(ps.length, 31, 'k = 0..29 below 1000, then 1000 itself');
  assert.equal(ps[0], 0);
  for (const p of [90, 99]) assert.ok(ps.includes(p), `grid has ${p}`);
  assert.equal(ps[ps.length - 1], 99.9);
  for (let i = 1; i < ps.length; i++) assert.ok(ps[i] > ps[i - 1], 'increasing');
  const odd = spectrumPercentiles(2500);
  assert.equal(odd[odd.length - 1], 99.96, 'last point at 1/(1-p) = n exactly');
  assert.ok(odd[odd.length - 2] < 99.96);
  for (const n of [1e6, 1e7, 1e9, 2 ** 53]) assert.ok(spectrumPercentiles(n).length <= 69, `n = ${n}: ${spectrumPercentiles(n).length} points`);
});

test('percentileSpectrum reads an hdr histogram: integer values, max last', () => {
  const h = hdr.build();
  for (let v = 1; v <= 10_000; v++) h.recordValue(v);
  const s = percentileSpectrum(h);
  assert.ok(s.length >= 40 && s.length <= 70, `${s.length} points`);
  assert.deepEqual(s[s.length - 1], [100, h.maxValue]);
  assert.equal(s[0][0], 0);
  for (const [p, v] of s) assert.ok(Number.isInteger(v) && p >= 0 && p <= 100);
  for (let i = 1; i < s.length; i++) assert.ok(s[i][1] >= s[i - 1][1], 'values do not decrease');
  const p90 = s.find(([p]) => p === 90)!;
  assert.ok(Math.abs(p90[1] - 9000) <= 9000 * 0.01, `p90 ${p90[1]}`);
  assert.deepEqual(percentileSpectrum(hdr.build()), []);
});

test('mergeHistograms adds a spectrum to non-empty histograms only', () => {
  const h = hdr.build();
  for (let v = 100; v < 5100; v += 5) h.recordValue(v);
  const enc = hdr.encodeIntoCompressedBase64(h);
  const out = mergeHistograms([{ lat: enc }, { lat: enc }], { lat: 'ns' });
  assert.equal(out.lat.count, 2000);
  const s = out.lat.spectrum!;
  assert.deepEqual(s[s.length - 1], [100, out.lat.max]);
  assert.equal(s.find(([p]) => p === 99)![1], out.lat.p99);
  const empty = mergeHistograms([{ e: hdr.encodeIntoCompressedBase64(hdr.build()) }], { e: 'ns' });
  assert.equal(empty.e.count, 0);
  assert.ok(!('spectrum' in empty.e));
});
