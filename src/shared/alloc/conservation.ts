// FO4 page conservation audit (kernel-model.md §10.6): at quiescence every frame is in exactly one
// place: allocated (ref > 0), one pcp list, one buddy list (PageBuddy), or offline (PG_offline).
// Run by one thread while every other role is parked or stopped; it walks the lists read-only.
import {
  CPU_LOCK, MIGRATE_ISOLATE, MIGRATE_PCPTYPES, MIGRATE_TYPES, NIL, PCP_COUNT, PF_FLAGS, PF_PRIVATE, PF_REF, PG_buddy,
  PG_offline, Z_LOCK, Z_NR_ISOLATE,
} from '../layout.js';
import type { Mem } from '../memory.js';
import { recordForbidden } from '../forbidden.js';
import { decodeLoc, locBuddy, locPcp, zoneGeo } from './zone.js';

export const PROBLEMS = [
  'lost', // refcount 0, on no free list, not offline
  'two-lists', // one frame reached from two lists
  'list-cycle', // a list revisits a frame or runs longer than the zone
  'list-link', // a prev/tail/out-of-range link that does not match the walk
  'count', // pcp count or zone free count differs from the list length
  'location', // page->private names another list than the one holding the frame
  'refcount', // a listed or offline frame with a refcount, or a negative one
  'buddy-flag', // PageBuddy off a buddy list, or missing on one
  'offline-flag', // PG_offline on a listed frame
  'isolate-list', // an ISOLATE block's free frame off the ISOLATE list, or the reverse
  'nr-isolate', // nr_isolate_pageblock differs from the number of ISOLATE blocks
  'lock-held', // zone lock or a cpuLock still held at quiescence
  'bad-free', // free_pages_check(): a frame freed with a refcount, or already PageBuddy/PG_offline
  'bad-offline', // __offline_isolated_pages() found a frame neither PageBuddy nor PG_offline
] as const;
export type Problem = (typeof PROBLEMS)[number];

/** Records FO4 with detail words (pfn, PROBLEMS index, extra, task or -1 for the audit). */
export function recordConservation(m: Mem, pfn: number, problem: Problem, extra: number, tid: number): void {
  recordForbidden(m, 'page-conservation', pfn, PROBLEMS.indexOf(problem), extra, tid);
}

export interface Violation {
  pfn: number; // -1 when the problem is a list or counter rather than one frame
  problem: Problem;
  detail: string;
}

export interface Census {
  allocated: number;
  pcp: number;
  buddy: number;
  offline: number;
  ignored: number;
  lost: number;
}

export interface AuditOptions {
  /** Frames the caller knows are in flight (frozen, between prepare and commit): not counted as lost. */
  ignore?: (pfn: number) => boolean;
  /** Record each violation as a 'page-conservation' forbidden outcome (default true). */
  record?: boolean;
}

/** Walks every list and frame once; returns what it found. */
export function scanPages(m: Mem, o: AuditOptions = {}): { violations: Violation[]; census: Census } {
  const g = zoneGeo(m);
  const w = m.w;
  const n = g.nPages;
  const lru = m.L.lru;
  const out: Violation[] = [];
  const census: Census = { allocated: 0, pcp: 0, buddy: 0, offline: 0, ignored: 0, lost: 0 };
  const v = (pfn: number, problem: Problem, detail: string): void => { out.push({ pfn, problem, detail }); };
  const where = new Int32Array(n); // list id + 1 that first reached the frame, 0 none
  const names: string[] = [];

  // Walks one list (buddyMt -1 for a pcp list); returns its length, bounded by the zone size.
  const walk = (head: number, name: string, loc: number, buddyMt: number): number => {
    const id = names.push(name);
    let prev = NIL;
    let cur = w[head];
    let len = 0;
    while (cur !== NIL) {
      const pfn = cur - 1;
      if (pfn < 0 || pfn >= n) { v(-1, 'list-link', `${name}: link to frame ${pfn} outside the zone`); break; }
      if (len >= n) { v(pfn, 'list-cycle', `${name}: longer than the zone`); break; }
      if (where[pfn] === id) { v(pfn, 'list-cycle', `${name}: frame ${pfn} listed twice`); break; }
      if (where[pfn] !== 0) v(pfn, 'two-lists', `frame ${pfn} on ${names[where[pfn] - 1]} and ${name}`);
      else where[pfn] = id;
      if (w[lru + 2 * pfn + 1] !== prev) v(pfn, 'list-link', `${name}: frame ${pfn} prev ${w[lru + 2 * pfn + 1] - 1}, walked from ${prev - 1}`);
      const flags = Atomics.load(w, g.pf(pfn, PF_FLAGS));
      const ref = Atomics.load(w, g.pf(pfn, PF_REF));
      if (ref !== 0) v(pfn, 'refcount', `${name}: frame ${pfn} has refcount ${ref}`);
      if (((flags & PG_buddy) !== 0) !== (buddyMt >= 0)) v(pfn, 'buddy-flag', `${name}: frame ${pfn} PageBuddy ${(flags & PG_buddy) !== 0}`);
      if (flags & PG_offline) v(pfn, 'offline-flag', `${name}: frame ${pfn} is PG_offline`);
      const at = w[g.pf(pfn, PF_PRIVATE)];
      if (at !== loc) v(pfn, 'location', `${name}: frame ${pfn} private says ${JSON.stringify(decodeLoc(m, at))}`);
      if (buddyMt >= 0 && (buddyMt === MIGRATE_ISOLATE) !== (Atomics.load(w, g.blockOfPfn(pfn)) === MIGRATE_ISOLATE)) {
        v(pfn, 'isolate-list', `${name}: frame ${pfn} in a block of type ${Atomics.load(w, g.blockOfPfn(pfn))}`);
      }
      prev = cur;
      cur = w[lru + 2 * pfn];
      len++;
    }
    if (w[head + 1] !== prev && cur === NIL) v(-1, 'list-link', `${name}: tail ${w[head + 1] - 1}, walk ended at ${prev - 1}`);
    return len;
  };

  for (let cpu = 0; cpu < g.nCpus; cpu++) {
    const line = g.cpuLine(cpu);
    if (Atomics.load(w, line + CPU_LOCK) !== 0) v(-1, 'lock-held', `cpuLock[${cpu}] held by task ${Atomics.load(w, line + CPU_LOCK) - 1}`);
    let total = 0;
    for (let mt = 0; mt < MIGRATE_PCPTYPES; mt++) total += walk(g.pcpList(cpu, mt), `pcp[${cpu}].lists[${mt}]`, locPcp(cpu, mt), -1);
    const count = Atomics.load(w, line + PCP_COUNT);
    if (count !== total) v(-1, 'count', `pcp[${cpu}].count ${count}, lists hold ${total}`);
  }
  for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
    const len = walk(g.freeList(mt), `free_list[${mt}]`, locBuddy(mt), mt);
    const count = Atomics.load(w, g.freeCount(mt));
    if (count !== len) v(-1, 'count', `free_list[${mt}] counted ${count}, walked ${len}`);
  }
  if (Atomics.load(w, g.zone + Z_LOCK) !== 0) v(-1, 'lock-held', `zone lock held by task ${Atomics.load(w, g.zone + Z_LOCK) - 1}`);
  let isolatedBlocks = 0;
  for (let b = 0; b < m.L.nBlocks; b++) if (Atomics.load(w, g.blockWord(b)) === MIGRATE_ISOLATE) isolatedBlocks++;
  const nrIsolate = Atomics.load(w, g.zone + Z_NR_ISOLATE);
  if (nrIsolate !== isolatedBlocks) v(-1, 'nr-isolate', `nr_isolate_pageblock ${nrIsolate}, ${isolatedBlocks} ISOLATE blocks`);

  const pcpLists = g.nCpus * MIGRATE_PCPTYPES;
  for (let pfn = 0; pfn < n; pfn++) {
    if (where[pfn] !== 0) {
      if (where[pfn] <= pcpLists) census.pcp++;
      else census.buddy++;
      continue;
    }
    if (o.ignore?.(pfn)) { census.ignored++; continue; }
    const flags = Atomics.load(w, g.pf(pfn, PF_FLAGS));
    const ref = Atomics.load(w, g.pf(pfn, PF_REF));
    if (flags & PG_buddy) v(pfn, 'buddy-flag', `frame ${pfn} PageBuddy on no buddy list (ref ${ref})`);
    if (flags & PG_offline) {
      census.offline++;
      if (ref !== 0) v(pfn, 'refcount', `offline frame ${pfn} has refcount ${ref}`);
    } else if (ref > 0) {
      census.allocated++;
    } else if (ref < 0) {
      v(pfn, 'refcount', `frame ${pfn} has refcount ${ref}`);
    } else {
      census.lost++;
      v(pfn, 'lost', `frame ${pfn}: refcount 0, on no free list, not offline`);
    }
  }
  if (o.record ?? true) {
    for (const x of out) recordConservation(m, x.pfn, x.problem, 0, -1);
  }
  return { violations: out, census };
}

/** The FO4 audit: every violation found (and recorded as 'page-conservation' unless record is false). */
export function auditConservation(m: Mem, o: AuditOptions = {}): Violation[] {
  return scanPages(m, o).violations;
}

/** How many frames are allocated, on pcp lists, on buddy lists, offline (no recording). */
export function pageCensus(m: Mem, ignore?: (pfn: number) => boolean): Census {
  return scanPages(m, { ignore, record: false }).census;
}
