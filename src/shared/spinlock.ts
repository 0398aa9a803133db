// spin_lock()/spin_unlock() on one Int32 word: CAS 0 -> owner + 1 to take, store 0 to release.
// A user thread holding a "spin lock" can be preempted, unlike kernel code with preemption off, so
// after SPIN_BEFORE_BACKOFF failed tries the waiter backs off in a short timed Atomics.wait.

const SPIN_BEFORE_BACKOFF = 1024;
const BACKOFF_MS = 0.02;

export function spinLock(w: Int32Array, a: number, owner: number): void {
  if (Atomics.compareExchange(w, a, 0, owner + 1) === 0) return;
  spinLockSlow(w, a, owner);
}

function spinLockSlow(w: Int32Array, a: number, owner: number): void {
  for (;;) {
    for (let i = 0; i < SPIN_BEFORE_BACKOFF; i++) {
      if (Atomics.load(w, a) === 0 && Atomics.compareExchange(w, a, 0, owner + 1) === 0) return;
    }
    const holder = Atomics.load(w, a);
    if (holder !== 0) Atomics.wait(w, a, holder, BACKOFF_MS);
  }
}

export function spinTrylock(w: Int32Array, a: number, owner: number): boolean {
  return Atomics.compareExchange(w, a, 0, owner + 1) === 0;
}

export function spinUnlock(w: Int32Array, a: number): void {
  Atomics.store(w, a, 0);
}
