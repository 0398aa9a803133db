// The figures a progress line shows for a scenario while it runs: its primary metric so far and how
// fast its trials come (e.g. 'migrationSuccess 97.1%', '16.5k migrations/s').
import type { Scenario } from '../scenarios/types.js';
import { primaryMetricOf } from '../run/compare-runs.js';
import { fmtNum, fmtPct } from '../report/table.js';

/** 59318 as '59.3k', 1234567 as '1.23M'. */
export function fmtCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 1e6) return `${fmtNum(n / 1e6, 3)}M`;
  if (Math.abs(n) >= 1e4) return `${fmtNum(n / 1e3, 3)}k`;
  return fmtNum(Math.round(n));
}

/** What a rate's trials are called: migrationSuccess counts migrations, offlineCompletion offline rounds. */
function trialNoun(rateKey: string): string {
  const base = rateKey.replace(/(Success|Completion)$/, '');
  return base === 'offline' ? 'offline rounds' : `${base}s`;
}

/** Figures from the measured counters so far and the seconds measured. */
export function liveFigures(sc: Scenario, counters: Record<string, number>, measuredS: number): string[] {
  const rates = sc.rates(counters);
  const primary = primaryMetricOf(sc);
  const out: string[] = [];
  const p = rates[primary];
  if (p) out.push(`${primary} ${p.trials ? fmtPct(p.successes / p.trials) : '–'}`);
  else if (sc.derived) {
    const v = sc.derived(counters)[primary];
    if (v !== undefined) out.push(`${primary} ${Number.isFinite(v) ? fmtNum(v) : '–'}`);
  }
  const [key, r] = p ? [primary, p] : Object.entries(rates)[0] ?? [];
  if (key && r && measuredS > 0.05) out.push(`${fmtCount(r.trials / measuredS)} ${trialNoun(key)}/s`);
  return out;
}
