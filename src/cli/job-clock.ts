// How far along a job of several runs (or showcase acts) is, and how long is left: each unit has a
// planned length; once some have finished, the rest are scaled by the pace seen so far (actual /
// planned), which absorbs thread-pool start-up and a slow machine without knowing either.

export class JobClock {
  private readonly actual: number[] = [];
  private readonly t0: number;
  private unitT0: number;

  constructor(private readonly planned: number[], private readonly now: () => number = () => performance.now() / 1000) {
    this.t0 = now();
    this.unitT0 = this.t0;
  }

  /** The unit now running (0-based); equals the number of units when all are done. */
  get index(): number { return this.actual.length; }
  get units(): number { return this.planned.length; }
  plannedS(i = this.index): number { return this.planned[i] ?? 0; }

  /** The current unit has finished; the next one starts now. */
  next(): void {
    const t = this.now();
    this.actual.push(t - this.unitT0);
    this.unitT0 = t;
  }

  elapsedS(): number { return this.now() - this.t0; }
  unitElapsedS(): number { return this.now() - this.unitT0; }

  /** actual / planned over the finished units; 1 before any has finished. */
  pace(): number {
    const done = this.actual.length;
    const planned = this.planned.slice(0, done).reduce((a, x) => a + x, 0);
    return done && planned > 0 ? this.actual.reduce((a, x) => a + x, 0) / planned : 1;
  }

  /** Seconds left: the rest of the current unit, then the units after it, at the pace so far. */
  etaS(): number {
    const i = this.index;
    if (i >= this.planned.length) return 0;
    const k = this.pace();
    const current = Math.max(0, this.planned[i] * k - this.unitElapsedS());
    return current + this.planned.slice(i + 1).reduce((a, x) => a + x, 0) * k;
  }

  fraction(): number {
    if (this.index >= this.planned.length) return 1;
    const e = this.elapsedS();
    const left = this.etaS();
    return e + left > 0 ? e / (e + left) : 0;
  }
}
