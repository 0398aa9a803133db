// Holm's step-down adjustment (valid under any dependence between the rows: p50 and p99 of one
// histogram, or a success rate and EAGAIN per migration, are far from independent).

/** Holm-adjusted p-values; null entries (rows with no test) are left out of the family and stay null. */
export function holm(ps: readonly (number | null)[]): (number | null)[] {
  const idx = ps.map((p, i) => [p, i] as const).filter((x): x is readonly [number, number] => x[0] !== null).sort((x, y) => x[0] - y[0]);
  const m = idx.length;
  const out: (number | null)[] = ps.map(() => null);
  let running = 0;
  idx.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
