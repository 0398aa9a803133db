// One run-relative clock for every thread: epoch ms of the run start is handed to each thread,
// because performance.now() has a different origin per worker (ecosystem-notes §1).
let epochStartMs = performance.timeOrigin + performance.now();

export function setRunEpoch(startEpochMs: number): void {
  epochStartMs = startEpochMs;
}

export function runEpoch(): number {
  return epochStartMs;
}

/** Milliseconds since the run started, comparable across threads. */
export function runMs(): number {
  return performance.timeOrigin + performance.now() - epochStartMs;
}

/** Thread-local monotonic nanoseconds for latency samples (never compared across threads). */
export function nowNs(): number {
  return Math.round(performance.now() * 1e6);
}
