// What an exact counter costs on a role's hot path: the plain Int32 increment the roles do (the
// runner folds the words into exact totals off the hot path) against 64-bit rows done in the
// worker (BigInt64, a two-word carry, a Float64 word). One thread, SharedArrayBuffer views, batched
// loops through tinybench's overriddenDuration; rounds outside, variants inside; median of rounds.
// `node dist/bench/counter-cost.js [--quick]`.
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';

const WORDS = 96;
const hr = (): bigint => process.hrtime.bigint();

function variants(): Record<string, (n: number) => number> {
  const sab = new SharedArrayBuffer(WORDS * 8 * 2);
  const i32 = new Int32Array(sab);
  const b64 = new BigInt64Array(sab);
  const f64 = new Float64Array(sab);
  let k = 7; // a counter in the middle of a row, as STAT.touches is
  const timed = (body: (n: number) => void) => (n: number): number => { const t0 = hr(); body(n); return Number(hr() - t0); };
  return {
    'Int32 word, w[i]++ (pagestorm; the runner folds)': timed((n) => { for (let j = 0; j < n; j++) i32[k]++; }),
    'two Int32 words with a carry': timed((n) => { for (let j = 0; j < n; j++) { const v = (i32[k] + 1) | 0; i32[k] = v; if (v === 0) i32[k + 1]++; } }),
    'BigInt64 word, b[i]++': timed((n) => { for (let j = 0; j < n; j++) b64[k]++; }),
    'Float64 word, f[i]++ (exact to 2^53)': timed((n) => { for (let j = 0; j < n; j++) f64[k]++; }),
    _keep: timed(() => { k = (k + 1) % 8 + 4; }),
  };
}

export async function runCounterBench(quick: boolean): Promise<{ name: string; ns: number; ratio: number }[]> {
  const batch = quick ? 200_000 : 2_000_000;
  const rounds = quick ? 3 : 7;
  const vs = Object.entries(variants()).filter(([n]) => n !== '_keep');
  const per: Record<string, number[]> = Object.fromEntries(vs.map(([n]) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ iterations: 3, warmupIterations: 1, time: 0 });
    for (const [name, f] of vs) bench.add(name, () => ({ overriddenDuration: f(batch) / 1e6 }));
    await bench.run();
    for (const t of bench.tasks) if (t.result.state === 'completed') per[t.name].push((t.result.latency.p50 * 1e6) / batch);
  }
  const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
  const base = med(per[vs[0][0]]);
  return vs.map(([name]) => ({ name, ns: med(per[name]), ratio: med(per[name]) / base }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runCounterBench(process.argv.includes('--quick'));
  for (const r of rows) process.stdout.write(`${r.name.padEnd(50)} ${r.ns.toFixed(2).padStart(7)} ns/op  ×${r.ratio.toFixed(2)}\n`);
}
