// Group-sequential boundaries by alpha spending (Lan & DeMets 1983), with the O'Brien–Fleming-like
// spending function on each side, α/2 · … = 2 − 2Φ(z_{1−α/4} / √t) (ldbounds' and gsDesign's sfLDOF
// convention for a symmetric two-sided design): looking after every ABBA block spends almost
// nothing early, so only a large effect stops a compare early, and the overall two-sided error stays α.
// The crossing probabilities are integrated numerically over the Brownian-motion scale (Armitage,
// McPherson & Rowe 1969; Jennison & Turnbull 2000, ch. 19), as the ldbounds R package does.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** O'Brien–Fleming-like spending: the two-sided alpha spent by information fraction t in (0, 1] (α/2 a side). */
export function obrienFlemingSpending(t: number, alpha: number): number {
  if (!(t > 0 && t <= 1)) throw new RangeError(`information fraction ${t} is not in (0, 1]`);
  return 2 * (2 - 2 * normalCdf(normalQuantile(1 - alpha / 4, 0, 1) / Math.sqrt(t), 0, 1));
}

const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
// Beyond this |z| no boundary matters (P < 1e-15): it stands for "no alpha left to spend here".
const Z_MAX = 8;
const GRID = 401;

/** Simpson nodes and weights on [-h, h] (GRID points, odd). */
function simpson(h: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(GRID);
  const w = new Float64Array(GRID);
  const step = (2 * h) / (GRID - 1);
  for (let i = 0; i < GRID; i++) {
    x[i] = -h + i * step;
    w[i] = (step / 3) * (i === 0 || i === GRID - 1 ? 1 : i % 2 ? 4 : 2);
  }
  return { x, w };
}

export interface SequentialBounds {
  /** Information fractions of the looks, increasing, the last one 1. */
  times: number[];
  /** Two-sided critical |z| at each look. */
  z: number[];
  /** Cumulative two-sided alpha spent by each look. */
  spent: number[];
  alpha: number;
  spending: string;
}

/** Two-sided boundaries for looks at the given information fractions (increasing, last = 1). */
export function sequentialBounds(times: readonly number[], alpha: number): SequentialBounds {
  if (times.length === 0) throw new RangeError('sequentialBounds needs at least one look');
  times.forEach((t, i) => {
    if (!(t > 0 && t <= 1) || (i > 0 && !(t > times[i - 1]))) {
      throw new RangeError(`information fractions must increase within (0, 1], got ${times.join(', ')}`);
    }
  });
  if (Math.abs(times[times.length - 1] - 1) > 1e-12) throw new RangeError(`the last look must be at information 1, got ${times[times.length - 1]}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha ${alpha} is not in (0, 1)`);
  const spent = times.map((t) => obrienFlemingSpending(t, alpha));
  const z: number[] = [];
  // g: the sub-density of the score S(t) = Z √t on the continuation region of the previous look.
  let nodes: Float64Array | null = null;
  let dens: Float64Array | null = null;
  let weights: Float64Array | null = null;
  let prevT = 0;
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    const target = spent[k] - (k ? spent[k - 1] : 0);
    const dt = t - prevT;
    const sd = Math.sqrt(dt);
    // P(cross at this look | continued so far) as a function of the z boundary c.
    const cross = (c: number): number => {
      const b = c * Math.sqrt(t);
      if (!nodes) return 2 * (1 - normalCdf(c, 0, 1));
      let s = 0;
      for (let i = 0; i < nodes.length; i++) {
        s += weights![i] * dens![i] * (normalCdf((-b - nodes[i]) / sd, 0, 1) + 1 - normalCdf((b - nodes[i]) / sd, 0, 1));
      }
      return s;
    };
    let c: number;
    if (target <= 1e-15 || cross(Z_MAX) >= target) c = Z_MAX;
    else {
      let lo = 0;
      let hi = Z_MAX;
      for (let it = 0; it < 100; it++) {
        const mid = (lo + hi) / 2;
        if (cross(mid) > target) lo = mid; else hi = mid;
      }
      c = (lo + hi) / 2;
    }
    z.push(c);
    // Carry the density forward onto this look's continuation region.
    const h = c * Math.sqrt(t);
    const next = simpson(h);
    const nd = new Float64Array(GRID);
    for (let j = 0; j < GRID; j++) {
      if (!nodes) { nd[j] = phi(next.x[j] / sd) / sd; continue; }
      let s = 0;
      for (let i = 0; i < nodes.length; i++) s += weights![i] * dens![i] * (phi((next.x[j] - nodes[i]) / sd) / sd);
      nd[j] = s;
    }
    nodes = next.x;
    weights = next.w;
    dens = nd;
    prevT = t;
  }
  return { times: [...times], z, spent, alpha, spending: "Lan-DeMets, O'Brien-Fleming-like" };
}

/** A two-sided p-value as the |z| it corresponds to, so it can be held against a boundary. */
export function zOfP(p: number): number {
  return p >= 1 ? 0 : p <= 0 ? Infinity : normalQuantile(1 - p / 2, 0, 1);
}
