// Synthetic per-run summaries for the compare statistics (no scenario): lognormal values (a p50 with
// ~10% run-to-run noise), heavy-tailed ones (a p99 with stalls) and over-dispersed rates (runs that
// vary φ times more than binomial draws), all from a seeded generator so every draw is reproducible.
import { mulberry32 } from '../../src/report/rng.js';
import type { RunSummary } from '../../src/report/compare.js';

export type Rand = () => number;

export const seeded = (seed: number): Rand => mulberry32(seed);

/** A standard normal draw (Box–Muller). */
export function gauss(rand: Rand): number {
  const u = Math.max(rand(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** A run's value of a lognormal figure: scale · exp(sigma · Z). */
export const lognormal = (rand: Rand, scale = 1000, sigma = 0.1): number => scale * Math.exp(sigma * gauss(rand));

/** A p99-like value: lognormal (σ 0.15), and in 20% of runs a Pareto(1.5) stall factor. */
export function heavyTailed(rand: Rand, scale = 1000): number {
  const base = lognormal(rand, scale, 0.15);
  return rand() < 0.2 ? base * (1 - rand()) ** (-1 / 1.5) : base;
}

/** One run's successes of `trials` at mean rate p, over-dispersed so Var(observed rate) = φ · p(1−p)/trials. */
export function overdispersed(rand: Rand, p: number, trials: number, phi: number): { successes: number; trials: number } {
  const runRate = Math.min(1, Math.max(0, p + Math.sqrt(Math.max(0, phi - 1) * p * (1 - p) / trials) * gauss(rand)));
  // Normal approximation to the binomial draw: every cell used has n·p·(1−p) in the hundreds or more.
  const s = Math.round(trials * runRate + Math.sqrt(trials * runRate * (1 - runRate)) * gauss(rand));
  return { successes: Math.min(trials, Math.max(0, s)), trials };
}

/** A RunSummary whose counters hold the given values (as 'v0', 'v1', ...) and whose rates hold 'r0', 'r1', .... */
export function summary(values: number[], rates: { successes: number; trials: number }[]): RunSummary {
  return {
    counters: Object.fromEntries(values.map((v, i) => [`v${i}`, v])),
    rates: Object.fromEntries(rates.map((r, i) => [`r${i}`, r])),
    histograms: {},
  };
}
