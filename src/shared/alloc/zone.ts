// Geometry of the zone allocator: word addresses of the zone, per-CPU pcp and pageblock words, the
// lru link shape its lists use, and the free-frame location code kept in page->private.
import {
  LINE, MIGRATE_PCPTYPES, MIGRATE_TYPES, NIL, PAGE_WORDS, PCP_LISTS, Z_FREE_COUNT, Z_FREE_LISTS,
} from '../layout.js';
import type { Mem } from '../memory.js';
import { listAddTail, listInsertBefore, type ListShape } from '../list.js';

/** Free lists link pages through the lru region: 2 words per frame (next + 1, prev + 1). */
export const lruShape = (m: Mem): ListShape => ({ linkBase: m.L.lru, stride: 2, next: 0, prev: 1 });

// PF_PRIVATE of a free frame names the list holding it (the kernel keeps the buddy order there);
// an allocated page's private belongs to its owner (post_alloc_hook sets it to 0).
export const LOC_NONE = 0; // on no free list: allocated, between prepare and commit, or offline
export const LOC_PCP_BASE = 1 + MIGRATE_TYPES; // 1 + mt: buddy list mt; LOC_PCP_BASE + cpu * PCPTYPES + mt: pcp list
export const locBuddy = (mt: number): number => 1 + mt;
export const locPcp = (cpu: number, mt: number): number => LOC_PCP_BASE + cpu * MIGRATE_PCPTYPES + mt;

export interface DecodedLoc {
  kind: 'none' | 'buddy' | 'pcp' | 'bad';
  cpu: number;
  mt: number;
}

export function decodeLoc(m: Mem, loc: number): DecodedLoc {
  if (loc === LOC_NONE) return { kind: 'none', cpu: -1, mt: -1 };
  if (loc >= 1 && loc < LOC_PCP_BASE) return { kind: 'buddy', cpu: -1, mt: loc - 1 };
  const i = loc - LOC_PCP_BASE;
  if (i >= 0 && i < m.L.cfg.cpus * MIGRATE_PCPTYPES) return { kind: 'pcp', cpu: Math.floor(i / MIGRATE_PCPTYPES), mt: i % MIGRATE_PCPTYPES };
  return { kind: 'bad', cpu: -1, mt: -1 };
}

/** Word addresses shared by every allocator file. */
export interface ZoneGeo {
  m: Mem;
  w: Int32Array;
  zone: number; // base of the zone line(s)
  pages: number;
  nPages: number;
  nCpus: number;
  pagesPerBlock: number;
  shape: ListShape;
  /** Word of a page field. */
  pf(pfn: number, field: number): number;
  /** Base of CPU c's line. */
  cpuLine(cpu: number): number;
  /** List head of pcp list mt on CPU c. */
  pcpList(cpu: number, mt: number): number;
  /** List head of the order-0 buddy free list of mt. */
  freeList(mt: number): number;
  freeCount(mt: number): number;
  /** Word holding the pageblock migratetype of a pfn. */
  blockOfPfn(pfn: number): number;
  blockWord(block: number): number;
}

export function zoneGeo(m: Mem): ZoneGeo {
  const L = m.L;
  const ppb = L.cfg.pagesPerBlock;
  return {
    m, w: m.w, zone: L.zone, pages: L.pages, nPages: L.cfg.pages, nCpus: L.cfg.cpus, pagesPerBlock: ppb,
    shape: lruShape(m),
    pf: (pfn, field) => L.pages + pfn * PAGE_WORDS + field,
    cpuLine: (cpu) => L.cpuLines + cpu * LINE,
    pcpList: (cpu, mt) => L.cpuLines + cpu * LINE + PCP_LISTS + 2 * mt,
    freeList: (mt) => L.zone + Z_FREE_LISTS + 2 * mt,
    freeCount: (mt) => L.zone + Z_FREE_COUNT + mt,
    blockOfPfn: (pfn) => L.blocks + Math.floor(pfn / ppb),
    blockWord: (block) => L.blocks + block,
  };
}

/** list_add(): insert at the head (pcp and buddy lists are LIFO: the hottest page first). */
export function listAdd(w: Int32Array, s: ListShape, head: number, id: number): void {
  const first = w[head];
  if (first === NIL) listAddTail(w, s, head, id);
  else listInsertBefore(w, s, head, id, first);
}

/** list_last_entry(): id of the last node, or -1 when empty. */
export const listLast = (w: Int32Array, head: number): number => w[head + 1] - 1;
/** list_first_entry(): id of the first node, or -1 when empty. */
export const listFirst = (w: Int32Array, head: number): number => w[head] - 1;
