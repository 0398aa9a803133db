// The main process's own health over a long run: resident memory, JS heap, and how late the event
// loop ran (a blocked loop would delay the stop word, the watchdog and the snapshots).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ProcessSample {
  rssMB: number;
  heapUsedMB: number;
  /** Event-loop delay since the last sample, in ms: p50, p99 and max. */
  loopDelayMs: { p50: number; p99: number; max: number };
}

export interface ProcessMonitor { sample(): ProcessSample; stop(): void }

const MB = 1024 * 1024;

export function makeProcessMonitor(): ProcessMonitor {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return {
    sample() {
      const mem = process.memoryUsage();
      const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
      const s = { rssMB: Math.round((mem.rss / MB) * 10) / 10, heapUsedMB: Math.round((mem.heapUsed / MB) * 10) / 10,
        loopDelayMs: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) } };
      h.reset();
      return s;
    },
    stop() { h.disable(); },
  };
}
