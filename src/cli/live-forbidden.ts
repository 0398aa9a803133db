// Forbidden outcomes of the run in progress, for the progress line. runOnce reports them only in its
// result, so this hands it the same scenario with a setup that also remembers the run's page world,
// and reads the forbidden-outcome rows from it (counting only the kinds the variant forbids, as the
// result does). No change to the runner; a runner hook for forbidden outcomes can replace it.
import { readForbidden } from '../shared/forbidden.js';
import type { Mem } from '../shared/memory.js';
import type { Scenario } from '../scenarios/types.js';

export interface ForbiddenWatch {
  /** Pass this to runOnce / compareRuns instead of the scenario itself. */
  scenario: Scenario;
  /** Forbidden outcomes the current run has recorded so far (0 between runs). */
  soFar(): number;
  /** The current run has ended: forget its page world. */
  reset(): void;
}

export function watchForbidden(sc: Scenario): ForbiddenWatch {
  let cur: { m: Mem; variant: string } | undefined;
  const scenario: Scenario = {
    ...sc,
    setup(m, p, variant) {
      cur = { m, variant };
      sc.setup(m, p, variant);
    },
  };
  const counts = (variant: string, kind: string): boolean => (sc.forbiddenFor ? sc.forbiddenFor(variant, kind) : true);
  return {
    scenario,
    soFar: () => (cur ? readForbidden(cur.m).filter((f) => counts(cur!.variant, f.kind)).reduce((a, f) => a + f.count, 0) : 0),
    reset: () => { cur = undefined; },
  };
}
