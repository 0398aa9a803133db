// The lost-wakeup state dump (FO1): each page-lock release noted in its waitqueue bucket, and the
// first lost wakeup's page, flags, refcount, bucket queue and last release, kept in the SAB.
import {
  LINE, LWD_AT_MS, LWD_BIT, LWD_BY_DRAIN, LWD_BY_FREE, LWD_BY_WATCHDOG, LWD_CLAIM, LWD_DETECTOR, LWD_ENTRIES,
  LWD_ENTRY_WORDS, LWD_FLAGS, LWD_LAST_HOW, LWD_LAST_OLD, LWD_LAST_PFN, LWD_LAST_TID, LWD_MAX_ENTRIES, LWD_PFN,
  LWD_QLEN, LWD_REF, LWD_TID, NIL, PAGE_WORDS, PF_FLAGS, PF_REF, PG_active, PG_buddy, PG_dirty, PG_head, PG_locked,
  PG_lru, PG_migrated_from, PG_offline, PG_private, PG_referenced, PG_swapbacked, PG_uptodate, PG_waiters,
  PG_writeback, RELEASE_BROKEN_UNLOCK, RELEASE_NONATOMIC_CLEAR, RELEASE_UNLOCK_PAGE, TASK_SLEEPING, TS_STATE,
  WE_FLAGS, WE_NEXT, WE_PAGE, WE_WORDS, WQ_FLAG_BOOKMARK, WQ_FLAG_EXCLUSIVE, WQ_LAST_RELEASE_HOW,
  WQ_LAST_RELEASE_OLD, WQ_LAST_RELEASE_PFN, WQ_LAST_RELEASE_TID, WQ_LIST,
} from './layout.js';
import type { Mem } from './memory.js';
import { pageWaitBucket } from './waitqueue.js';
import { runMs } from './clock.js';

/** Instrumentation: the release of pfn's lock bit, in its bucket line (4 plain stores, read racily by the dump). */
export function noteRelease(m: Mem, pfn: number, tid: number, how: number, oldFlags: number): void {
  const q = m.L.waitTable + pageWaitBucket(pfn) * LINE;
  const w = m.w;
  w[q + WQ_LAST_RELEASE_PFN] = pfn + 1;
  w[q + WQ_LAST_RELEASE_TID] = tid + 1;
  w[q + WQ_LAST_RELEASE_HOW] = how;
  w[q + WQ_LAST_RELEASE_OLD] = oldFlags;
}

/** Writes the state dump of the first lost wakeup (later ones keep only their forbidden count). */
export function dumpLostWakeup(m: Mem, tid: number, pfn: number, bit: number, detector: number): void {
  const w = m.w;
  const d = m.L.lwDump;
  if (Atomics.compareExchange(w, d + LWD_CLAIM, 0, 1) !== 0) return;
  const pa = m.L.pages + pfn * PAGE_WORDS;
  const q = m.L.waitTable + pageWaitBucket(pfn) * LINE;
  const put = (k: number, v: number): void => { Atomics.store(w, d + k, v); };
  put(LWD_PFN, pfn); put(LWD_BIT, bit); put(LWD_TID, tid); put(LWD_DETECTOR, detector);
  put(LWD_FLAGS, Atomics.load(w, pa + PF_FLAGS)); put(LWD_REF, Atomics.load(w, pa + PF_REF));
  put(LWD_AT_MS, Math.round(runMs()));
  put(LWD_LAST_PFN, Atomics.load(w, q + WQ_LAST_RELEASE_PFN) - 1);
  put(LWD_LAST_TID, Atomics.load(w, q + WQ_LAST_RELEASE_TID) - 1);
  put(LWD_LAST_HOW, Atomics.load(w, q + WQ_LAST_RELEASE_HOW));
  put(LWD_LAST_OLD, Atomics.load(w, q + WQ_LAST_RELEASE_OLD));
  // The queue, read without the bucket lock (a diagnostic; the walk is bounded in case it moves under us).
  let cur = Atomics.load(w, q + WQ_LIST);
  let n = 0;
  while (cur !== NIL && n < 2 * m.L.cfg.tasks + 2) {
    const node = cur - 1;
    const e = m.L.entries + node * WE_WORDS;
    if (n < LWD_MAX_ENTRIES) {
      const o = LWD_ENTRIES + n * LWD_ENTRY_WORDS;
      put(o, node >> 1);
      put(o + 1, Atomics.load(w, e + WE_PAGE));
      put(o + 2, Atomics.load(w, e + WE_FLAGS));
      put(o + 3, Atomics.load(w, m.L.taskLines + (node >> 1) * LINE + TS_STATE));
    }
    n++;
    cur = Atomics.load(w, e + WE_NEXT);
  }
  put(LWD_QLEN, n);
  Atomics.store(w, d + LWD_CLAIM, 2);
}

export interface LostWakeupDump {
  pfn: number;
  bit: number;
  flags: number;
  tid: number;
  detector: number;
  ref: number;
  atMs: number;
  last: { pfn: number; tid: number; how: number; oldFlags: number } | null;
  queueLen: number;
  queue: { task: number; page: number; flags: number; state: number }[];
}

export function readLostWakeupDump(m: Mem): LostWakeupDump | null {
  const w = m.w;
  const d = m.L.lwDump;
  if (Atomics.load(w, d + LWD_CLAIM) !== 2) return null;
  const g = (k: number): number => Atomics.load(w, d + k);
  const queueLen = g(LWD_QLEN);
  const queue = [];
  for (let i = 0; i < Math.min(queueLen, LWD_MAX_ENTRIES); i++) {
    const o = LWD_ENTRIES + i * LWD_ENTRY_WORDS;
    queue.push({ task: g(o), page: g(o + 1), flags: g(o + 2), state: g(o + 3) });
  }
  return {
    pfn: g(LWD_PFN), bit: g(LWD_BIT), flags: g(LWD_FLAGS), tid: g(LWD_TID), detector: g(LWD_DETECTOR), ref: g(LWD_REF), atMs: g(LWD_AT_MS),
    last: g(LWD_LAST_PFN) >= 0 ? { pfn: g(LWD_LAST_PFN), tid: g(LWD_LAST_TID), how: g(LWD_LAST_HOW), oldFlags: g(LWD_LAST_OLD) } : null,
    queueLen, queue,
  };
}

const DETECTORS: Record<number, string> = {
  [LWD_BY_WATCHDOG]: 'watchdog: bit clear past the threshold', [LWD_BY_FREE]: 'its frame was freed under it', [LWD_BY_DRAIN]: 'asleep at drain-out',
};
const RELEASES: Record<number, string> = {
  [RELEASE_UNLOCK_PAGE]: 'unlock_page', [RELEASE_NONATOMIC_CLEAR]: '__ClearPageLocked (non-atomic, no wake)', [RELEASE_BROKEN_UNLOCK]: 'a broken unlock control',
};

const FLAG_NAMES: [number, string][] = [
  [PG_locked, 'locked'], [PG_referenced, 'referenced'], [PG_uptodate, 'uptodate'], [PG_dirty, 'dirty'], [PG_lru, 'lru'],
  [PG_active, 'active'], [PG_head, 'head'], [PG_waiters, 'waiters'], [PG_private, 'private'], [PG_writeback, 'writeback'],
  [PG_swapbacked, 'swapbacked'], [PG_buddy, 'buddy'], [PG_offline, 'offline'], [PG_migrated_from, 'migrated_from'],
];

/** page->flags as hex and names, e.g. 0x85 (locked|uptodate|waiters). */
export function describeFlags(f: number): string {
  const names = FLAG_NAMES.filter(([b]) => f & b).map(([, n]) => n);
  return `0x${(f >>> 0).toString(16)} (${names.length ? names.join('|') : 'none'})`;
}

/** One line: the page, its flags, who released its lock bit last and how, and the bucket's queue. */
export function formatLostWakeupDump(d: LostWakeupDump): string {
  const bit = d.bit === PG_locked ? 'PG_locked' : describeFlags(d.bit);
  let last = 'no release recorded in its bucket';
  if (d.last) {
    const who = d.last.tid >= 0 ? `task ${d.last.tid}` : 'an unknown task';
    const how = RELEASES[d.last.how] ?? `release kind ${d.last.how}`;
    const waiters = d.last.oldFlags & PG_waiters ? 'PG_waiters was set' : 'PG_waiters was clear';
    last = d.last.pfn === d.pfn ? `last release of frame ${d.pfn}: ${who} by ${how}; ${waiters}` : `last release in its bucket was of frame ${d.last.pfn} (${who})`;
  }
  const q = d.queue.map((e) => {
    const kind = e.flags & WQ_FLAG_BOOKMARK ? 'bookmark' : e.flags & WQ_FLAG_EXCLUSIVE ? 'exclusive' : 'shared/drop';
    return `task ${e.task} on frame ${e.page} (${kind}${e.state === TASK_SLEEPING ? ', asleep' : ''})`;
  });
  return `state dump (${DETECTORS[d.detector] ?? 'detector ?'}): task ${d.tid} asleep on frame ${d.pfn} ${bit}; ` +
    `frame flags ${describeFlags(d.flags)}, refcount ${d.ref}; ${last}; bucket ${pageWaitBucket(d.pfn)} queue (${d.queueLen}): ${q.length ? q.join(', ') : 'empty'}` +
    `${d.queueLen > d.queue.length ? ', ...' : ''}`;
}
