// bench: the primitives' micro-benchmark (bench/primitives.ts), from the CLI.
import type { Io } from './io.js';

export async function benchAction(io: Io, opts: { json?: boolean; quick?: boolean }): Promise<void> {
  const { runPrimitiveBench, formatPrimitiveBench } = await import('../../bench/primitives.js');
  const r = await runPrimitiveBench({ quick: opts.quick === true });
  io.out(opts.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatPrimitiveBench(r)}\n`);
}
