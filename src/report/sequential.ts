// The sequential compare's plan and looks: blocks are added one at a time and the primary metric is
// held, after each block from FIRST_LOOK on, against a boundary fixed before the first run, so
// looking every block keeps the overall error at α (see stats/group-sequential.ts).
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { sequentialBounds, zOfP } from './stats/group-sequential.js';
import type { ComparisonTable } from './compare.js';

/** The first block looked at: rates need 3 runs a side for Welch's t, and ranks gain nothing sooner. */
export const FIRST_LOOK = 3;
export const SPENDING = "Lan-DeMets, O'Brien-Fleming-like (alpha/2 a side)";

export interface PlannedLook { block: number; information: number; bound: number; nominalAlpha: number; alphaSpent: number }
export interface SequentialLook { block: number; information: number; bound: number; nominalAlpha: number; p: number | null; z: number | null; crossed: boolean }

const plans = new Map<string, PlannedLook[]>();

/** The looks and bounds of a sequential compare with at most maxRepeat blocks, fixed before the first run. */
export function sequentialPlan(maxRepeat: number, alpha: number): PlannedLook[] {
  // The numerical integration takes ~0.1 s for 20 looks; a plan depends only on its two inputs.
  const key = `${maxRepeat}/${alpha}`;
  const known = plans.get(key);
  if (known) return known.map((l) => ({ ...l }));
  const plan = computePlan(maxRepeat, alpha);
  plans.set(key, plan);
  return plan.map((l) => ({ ...l }));
}

function computePlan(maxRepeat: number, alpha: number): PlannedLook[] {
  if (!Number.isInteger(maxRepeat) || maxRepeat < FIRST_LOOK) throw new RangeError(`--max-repeat ${maxRepeat}: a sequential compare needs at least ${FIRST_LOOK} blocks`);
  const blocks = Array.from({ length: maxRepeat - FIRST_LOOK + 1 }, (_, i) => FIRST_LOOK + i);
  const b = sequentialBounds(blocks.map((k) => k / maxRepeat), alpha);
  return blocks.map((block, i) => ({ block, information: b.times[i], bound: b.z[i], nominalAlpha: 2 * (1 - normalCdf(b.z[i], 0, 1)), alphaSpent: b.spent[i] }));
}

/** The look after `block` blocks, or undefined where the plan has none; `tableAt(alpha)` compares the runs so far. */
export function lookAt(plan: readonly PlannedLook[], block: number, primary: string, tableAt: (nominalAlpha: number) => ComparisonTable): SequentialLook | undefined {
  const look = plan.find((p) => p.block === block);
  if (!look) return undefined;
  const row = tableAt(look.nominalAlpha).rows.find((r) => r.metric === primary);
  if (!row) throw new RangeError(`primary metric ${primary} is not among the compared rows`);
  const z = row.p === null ? null : zOfP(row.p);
  return { block, information: look.information, bound: look.bound, nominalAlpha: look.nominalAlpha, p: row.p, z, crossed: z !== null && z >= look.bound };
}
