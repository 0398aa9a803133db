// The compare report as a ReportDoc: the table and footnotes exactly as the CLI prints them, what
// ran, each metric's runs as a strip chart (the run is the unit, so every run is shown), each ns
// histogram's spectrum per run, and forbidden outcomes.
import type { ComparisonRow } from './compare.js';
import type { CompareResult, SequentialReport } from './schema.js';
import { comparisonCells, comparisonFootnotes, fmtEstimate, fmtMde, fmtP, fmtSide } from './compare-text.js';
import type { Chart, ReportDoc, ReportSection } from './html.js';
import { fmtNum } from './table.js';
import { spectrumNames, spectrumSection } from './spectrum-chart.js';

const SIDES = ['A', 'B'] as const;

function summarySection(res: CompareResult): ReportSection {
  const [la, lb] = res.labels;
  const t = comparisonCells(res, res.labels);
  return { heading: `${res.scenario}: ${la} (A) vs ${lb} (B)`, table: { headers: t.headers, rows: t.rows }, note: comparisonFootnotes(res).join('\n') };
}

function designSection(res: CompareResult): ReportSection {
  const seq = res.sequential;
  const rows: string[][] = [
    ['A', res.labels[0]], ['B', res.labels[1]],
    ['ABBA blocks', seq ? `${res.repeat} of at most ${seq.maxRepeat} (sequential)` : String(res.repeat)],
    ['run order', res.order.join(' ')],
    ['α', `${res.alpha} (family-wise); CIs at 95%`],
    ['primary metric', `${res.primary} (tested alone)`],
    ['Holm family', res.family.length ? `${res.family.length}: ${res.family.join(', ')}` : 'none'],
    ...(res.interrupted ? [['interrupted', 'yes: fewer runs than planned']] : []),
    ['parameters', Object.entries(res.params).map(([k, v]) => `${k}=${v}`).join(' ') || 'defaults'],
  ];
  return { heading: 'What ran', table: { headers: ['', ''], rows }, note: res.warnings.map((w) => `warning: ${w}`).join('\n') || undefined };
}

const STOPPED: Record<SequentialReport['stoppedBy'], string> = {
  boundary: 'the primary metric crossed its boundary (a verdict)',
  'max-repeat': 'the block budget ran out without a verdict',
  interrupted: 'interrupted',
};

function sequentialSection(seq: SequentialReport, alpha: number): ReportSection {
  return {
    heading: 'Sequential looks',
    table: {
      headers: ['block', 'p', '|z|', 'bound |z|', 'nominal α', 'crossed'],
      rows: seq.looks.map((l) => [String(l.block), fmtP(l.p), l.z === null ? '–' : l.z.toFixed(2), l.bound.toFixed(2), fmtP(l.nominalAlpha), l.crossed ? 'yes' : 'no']),
    },
    note: `${seq.spending}, overall α = ${alpha}; stopped at block ${seq.stoppedAtBlock} of at most ${seq.maxRepeat}: ${STOPPED[seq.stoppedBy]}.`,
  };
}

/** The MDE as a y range around A's median, in the chart's units (rates in %); none when unreachable. */
function mdeBand(row: ComparisonRow): Chart['band'] {
  const m = row.a.median;
  const d = row.mde;
  if (d === null || !Number.isFinite(d) || !Number.isFinite(m)) return undefined;
  const [lo, hi] = row.scale === 'log' ? [m / (1 + d), m * (1 + d)] : [m - d, m + d];
  const k = row.kind === 'rate' ? 100 : 1;
  return { lo: k * lo, hi: k * hi, label: `MDE ${fmtMde(row)} around A's median` };
}

function rowSection(row: ComparisonRow, res: CompareResult): ReportSection {
  const rate = row.kind === 'rate';
  const k = rate ? 100 : 1;
  const series = SIDES.map((s, i) => ({
    name: `${s}: ${res.labels[i]}`,
    points: row[i ? 'b' : 'a'].values.map((v, j) => ({ x: `run ${j + 1}`, y: k * v })),
  }));
  const phi = rate && row.phi !== undefined && !Number.isNaN(row.phi) ? ` · φ̂ ×${fmtNum(row.phi, 2)}` : '';
  const note = [
    `A ${res.labels[0]}: ${fmtSide(row, 'a')} · B ${res.labels[1]}: ${fmtSide(row, 'b')}`
      + (rate ? ' (pooled over runs; dots: per-run rates, tick: their median)' : ' (median over runs; dots: runs, tick: median)'),
    `change B − A: ${fmtEstimate(row)} · p ${fmtP(row.p)} · p adj ${row.role === 'primary' ? '(alone)' : fmtP(row.pAdjusted)}`
      + ` · n ${row.nA}+${row.nB} · ${row.verdict} · MDE ${fmtMde(row)}${phi}`,
    ...(row.reason ? [`${row.verdict}: ${row.reason}${row.runsNeeded !== undefined ? ` (need >= ${row.runsNeeded} runs per variant)` : ''}`] : []),
    ...row.warnings,
  ];
  return {
    heading: `${row.metric}${row.role === 'primary' ? ' (primary)' : ''}`,
    chart: {
      kind: 'strip', series, band: mdeBand(row), yUnit: rate ? '%' : row.unit === 'ns' ? 'ns' : undefined,
      yLabel: rate ? 'per-run rate' : row.unit === 'ns' || row.unit === 'count' ? 'per-run value' : `per-run value (${row.unit})`,
    },
    note: note.join('\n'),
  };
}

function forbiddenSection(res: CompareResult): ReportSection {
  const rows = res.labels.flatMap((l) => (res.runs[l] ?? []).flatMap((r, i) =>
    r.forbidden.map((f) => [`${l} run ${i + 1}`, f.kind, f.count, f.firstAtMs, f.detail])));
  if (rows.length === 0) return { heading: 'Forbidden outcomes', note: 'none' };
  return { heading: 'Forbidden outcomes', table: { headers: ['run', 'kind', 'count', 'first at ms', 'detail'], rows } };
}

export function compareReportDoc(res: CompareResult): ReportDoc {
  const sections: ReportSection[] = [summarySection(res), designSection(res)];
  if (res.sequential) sections.push(sequentialSection(res.sequential, res.alpha));
  for (const row of res.rows) sections.push(rowSection(row, res));
  const runs = res.labels.map((l) => res.runs[l] ?? []);
  for (const name of spectrumNames(runs.flat().map((r) => r.histograms))) {
    const s = spectrumSection(name, runs.flatMap((rs, i) => rs.map((r, j) => ({
      name: `${res.labels[i]} run ${j + 1}`, group: `${SIDES[i]}: ${res.labels[i]}`, hist: r.histograms[name],
    }))), `${name}: latency by percentile, every run`);
    if (s) sections.push(s);
  }
  sections.push(forbiddenSection(res));
  return { title: `pagestorm compare: ${res.scenario}`, sections };
}
