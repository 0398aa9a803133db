// Opens the rendered compare, run and soak reports in a real headless Chromium: no page errors, console
// errors or failed requests, every chart draws marks with a non-empty box, the spectra carry their
// nines, and a screenshot is not blank. Without a browser it skips, unless
// PAGESTORM_REQUIRE_BROWSER=1 (CI sets it), where a missing browser is a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { renderHtmlReport, type ReportDoc } from '../src/report/html.js';
import { compareReportDoc, runReportDoc } from '../src/report/run-html.js';
import { fakeRun, fixtureAA, fixtureCompare, fixtureSequential, WAIT_LOCKED } from './helpers/compare-fixture.js';
import { fixtureSoak } from './helpers/soak-fixture.js';
import { soakReportDoc } from '../src/report/soak-report.js';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome'];
const REQUIRED = process.env.PAGESTORM_REQUIRE_BROWSER === '1';

/** The first candidate on PATH that answers --version, as a path puppeteer can launch. */
function findBrowser(): string | undefined {
  for (const name of CANDIDATES) {
    const v = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (v.status !== 0 || !/\d/.test(v.stdout ?? '')) continue;
    const dir = (process.env.PATH ?? '').split(delimiter).find((d) => d && existsSync(join(d, name)));
    return dir ? join(dir, name) : name;
  }
  return undefined;
}

interface ChartSeen { label: string; width: number; marks: number; drawn: number; ticks: string[] }

async function checkPage(browser: Browser, dir: string, name: string, doc: ReportDoc): Promise<void> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderHtmlReport(doc));
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  try {
    await page.setViewport({ width: 900, height: 1000 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const charts: ChartSeen[] = await page.evaluate(() => [...document.querySelectorAll('svg.chart')].map((svg) => {
      const marks = [...svg.querySelectorAll<SVGGraphicsElement>('g.series path, g.series circle, g.series rect')];
      // A mark is drawn when its geometry has extent; an empty path or a zero-size rect has none.
      const drawn = marks.filter((m) => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;
      return {
        label: svg.getAttribute('aria-label') ?? '', width: svg.getBoundingClientRect().width, marks: marks.length, drawn,
        ticks: [...svg.querySelectorAll('text.tick')].map((t) => t.textContent ?? ''),
      };
    }));
    const want = doc.sections.filter((s) => s.chart);
    assert.equal(charts.length, want.length, `${name}: one svg.chart per chart in the doc`);
    for (const c of charts) {
      assert.ok(c.width > 100, `${name}: ${c.label} is laid out (${c.width}px wide)`);
      assert.ok(c.drawn > 0, `${name}: ${c.label} draws nothing (${c.marks} marks, none with extent)`);
    }
    for (const s of want.filter((x) => x.chart!.kind === 'spectrum')) {
      const c = charts.find((x) => x.label === s.heading);
      assert.ok(c, `${name}: spectrum chart ${s.heading}`);
      for (const t of ['0%', '90%', '99%', '99.9%']) assert.ok(c.ticks.includes(t), `${name}: ${s.heading} has the ${t} tick (${c.ticks.join(' ')})`);
    }
    const png = join(dir, `${name}.png`);
    await page.screenshot({ path: png, fullPage: true });
    assert.ok(statSync(png).size > 5 * 1024, `${name}: screenshot ${statSync(png).size} bytes`);
    assert.deepEqual(problems, [], `${name}: the browser reported problems`);
  } finally {
    await page.close();
  }
}

test('the HTML reports render in a headless browser with every chart drawn', { timeout: 60_000 }, async (t) => {
  const exe = findBrowser();
  if (!exe) {
    const why = `no browser found (tried ${CANDIDATES.join(', ')}); install Chromium: apt-get install chromium`;
    if (REQUIRED) assert.fail(`PAGESTORM_REQUIRE_BROWSER=1 but ${why}`);
    t.skip(why);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pagestorm-html-'));
  let browser: Browser | undefined;
  try {
    // This machine's network is closed: the background-networking flags keep Chromium from trying.
    browser = await puppeteer.launch({
      executablePath: exe, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`],
    });
    await checkPage(browser, dir, 'compare', compareReportDoc(fixtureCompare()));
    await checkPage(browser, dir, 'compare-sequential', compareReportDoc(fixtureSequential()));
    await checkPage(browser, dir, 'compare-aa', compareReportDoc(fixtureAA()));
    await checkPage(browser, dir, 'run', runReportDoc(fakeRun('put-and-wait', WAIT_LOCKED, 11)));
    await checkPage(browser, dir, 'soak', soakReportDoc(fixtureSoak()));
  } finally {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
