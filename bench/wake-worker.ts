// One side of the page-lock ping-pong: the holder unlocks page P once the other task sleeps on it in
// __lock_page(); the waiter times unlock_page() -> lock_page() returning (wake-to-run latency).
import { parentPort, workerData } from 'node:worker_threads';
import { build, encodeIntoCompressedBase64, initWebAssemblySync, type Histogram } from 'hdr-histogram-js';
import { LINE, TASK_SLEEPING, TS_STATE } from '../src/shared/layout.js';
import { attachMemory } from '../src/shared/memory.js';
import { makeTask, type Task } from '../src/shared/task.js';
import { CTL_ARRIVE, CTL_OWNER, CTL_T0, type WakeReply, type WakeRequest, type WakeWorkerData } from './wake-latency.js';

const d = workerData as WakeWorkerData;
const m = attachMemory(d.sab, d.cfg);
const ctl = new Int32Array(d.ctl);
const t0Slot = new BigInt64Array(d.ctl);
const me = d.tid;
const peer = 1 - me;
const P = d.page;
const peerState = m.L.taskLines + peer * LINE + TS_STATE;
initWebAssemblySync(); // per thread, before any wasm histogram
const tasks: Task[] = d.spinNs.map((spinNs) => makeTask(m, me, { sleep: { spinNs, sentinelMs: 0 } }));
const hists: Histogram[] = Array.from({ length: d.cells }, () => build({ useWebAssembly: true }));

const spinUntil = (deadlineMs: number): void => { while (performance.now() < deadlineMs); };

// Handoff k is unlocked by task k % 2 and taken by the other; task 0 holds P when a run starts.
function pingPong(tk: Task, h: Histogram | null, holdNs: number, trips: number): void {
  const w = m.w;
  for (let k = 0; k < trips; k++) {
    if (k % 2 === me) {
      while (Atomics.load(w, peerState) !== TASK_SLEEPING); // the peer is queued and asleep (or spinning)
      if (holdNs > 0) spinUntil(performance.now() + holdNs / 1e6);
      Atomics.store(t0Slot, CTL_T0, process.hrtime.bigint());
      tk.lock.unlockPage(P);
      while (Atomics.load(ctl, CTL_OWNER) !== peer + 1); // let it take the lock before we compete again
    } else {
      tk.lock.lockPage(P);
      const t1 = process.hrtime.bigint();
      if (h) h.recordValue(Math.max(0, Number(t1 - Atomics.load(t0Slot, CTL_T0))));
      Atomics.store(ctl, CTL_OWNER, me + 1);
    }
  }
  if (trips % 2 === me) tk.lock.unlockPage(P); // the last taker releases; no one waits
}

// Steal probe: both threads spin for ms from a common start; process CPU over this thread's window,
// divided by 2 busy threads x wall (the main thread sleeps meanwhile).
function probe(ms: number): number {
  Atomics.add(ctl, CTL_ARRIVE, 1);
  while (Atomics.load(ctl, CTL_ARRIVE) < 2);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  spinUntil(t0 + ms);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / (2 * (performance.now() - t0));
}

parentPort!.on('message', (req: WakeRequest) => {
  if (req.op === 'probe') {
    parentPort!.postMessage({ op: 'probed', cpuShare: probe(req.ms) } satisfies WakeReply);
  } else if (req.op === 'run') {
    pingPong(tasks[req.policy], req.record ? hists[req.cell] : null, req.holdNs, req.trips);
    parentPort!.postMessage({ op: 'ran' } satisfies WakeReply);
  } else {
    const b64 = hists.map((h) => encodeIntoCompressedBase64(h));
    for (const h of hists) h.destroy();
    parentPort!.postMessage({ op: 'hists', b64 } satisfies WakeReply);
    parentPort!.close();
  }
});
parentPort!.postMessage({ op: 'ready' } satisfies WakeReply);
