// Figures every migrating scenario reports: -EAGAIN per migration and per pass, and the unmap +
// remap work each successful migration cost (seed 001: "the more the page was mapped, the worse").

export function migrationDerived(c: Record<string, number>): Record<string, number> {
  const pages = c.migratePages || NaN;
  let eagain = 0;
  const out: Record<string, number> = {};
  for (let pass = 1; pass <= 10; pass++) {
    eagain += c[`eagain${pass}`];
    // -EAGAIN rate of pass k: the pages that reached pass k and failed it.
    const reached = pass === 1 ? c.migratePages : c[`eagain${pass - 1}`];
    out[`eagainRatePass${pass}`] = reached ? c[`eagain${pass}`] / reached : NaN;
  }
  return {
    eagainPerMigration: eagain / pages,
    attemptsPerMigration: c.migrateAttempts / pages,
    unmapRemapPerSuccess: (c.unmapOps + c.remapOps) / (c.migrateSucceeded || NaN),
    ...out,
  };
}

export const MIGRATION_BETTER: Record<string, 'higher' | 'lower'> = {
  eagainPerMigration: 'lower',
  attemptsPerMigration: 'lower',
  unmapRemapPerSuccess: 'lower',
};
