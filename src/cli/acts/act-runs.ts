// What every showcase act does with a scenario: run a known-buggy control over a few seeds until its
// first forbidden outcome ("caught in X ms"), and judge a correct variant's run clean or not.
import { runOnce } from '../../run/run-once.js';
import type { Params, Scenario } from '../../scenarios/types.js';
import type { RunResult } from '../../report/schema.js';
import { median } from '../../report/statistics.js';
import { fmtNum } from '../../report/table.js';
import type { ActContext } from '../showcase-acts.js';

export interface ControlCatch {
  caught: boolean;
  caughtMs: number[];
  /** The first catch's kind and detail. */
  first: string;
  outcome: string;
  runs: RunResult[];
}

/** Planned seconds of one run (thread pool start and stop included), for an act's plannedS. */
export const runSeconds = (durationS: number, warmupS: number): number => durationS + warmupS + 0.3;

/** Planned seconds of one control seed: most are caught within milliseconds. */
export const CONTROL_SEED_S = 0.5;

/** Runs a control once per seed, each until its first forbidden outcome of the given kinds (any kind when omitted). */
export async function catchControl(
  ctx: ActContext, sc: Scenario, variant: string, params: Params, o: { seeds: number[]; capS: number; kinds?: string[] },
): Promise<ControlCatch> {
  const caughtMs: number[] = [];
  const runs: RunResult[] = [];
  let first = '';
  for (const seed of o.seeds) {
    if (ctx.signal.aborted) break;
    ctx.progress(`${variant}: known-buggy control, seed ${seed}, until the first forbidden outcome (cap ${o.capS} s)`);
    const r = await runOnce(sc, variant, params, { durationS: o.capS, warmupS: 0, seed, stopOnForbidden: true, signal: ctx.signal });
    runs.push(r);
    // The earliest outcome the run saw; quiescence findings ('invariant') only when nothing came first.
    const seen = r.forbidden.filter((f) => !o.kinds || o.kinds.includes(f.kind)).sort((a, b) => (a.kind === 'invariant' ? 1 : 0) - (b.kind === 'invariant' ? 1 : 0) || a.firstAtMs - b.firstAtMs)[0];
    if (seen) { caughtMs.push(seen.firstAtMs); first ||= `${seen.kind}: ${seen.detail}`; }
  }
  const n = o.seeds.length;
  const caught = n > 0 && caughtMs.length === n;
  const outcome = caught
    ? `caught in ${fmtNum(median(caughtMs), 3)} ms${n > 1 ? ` (median of ${n}: ${caughtMs.join(', ')} ms)` : ''}`
    : `NOT caught in ${n - caughtMs.length}/${n} runs of ${o.capS} s`;
  return { caught, caughtMs, first, outcome, runs };
}

/** A correct variant's run: clean means no forbidden outcome, invariants checked and held, no error. */
export function cleanOutcome(r: RunResult): { clean: boolean; outcome: string } {
  const clean = r.forbidden.length === 0 && r.quiescence.checked && r.quiescence.violations.length === 0 && !r.error;
  return { clean, outcome: clean ? 'clean' : `FORBIDDEN ${r.forbidden.map((f) => `${f.kind} x${f.count}`).join(', ')}${r.error ? ` (${r.error})` : ''}` };
}
