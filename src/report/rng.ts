// Seeded PRNG for reproducible simulations of the compare statistics (Math.random cannot be seeded).

/** mulberry32: a 32-bit state generator returning floats in [0, 1); fast and good enough for resampling. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
