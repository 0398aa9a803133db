// Every region of the SharedArrayBuffer, as Int32 word offsets computed from one config.
// One Int32Array over the whole buffer; hot per-thread words are padded to a 64-byte line (16 words).
// Rule: every optional reference (a pfn, a list node, a PTE cell) is stored as id + 1, so 0 means
// "none" and a freshly zeroed buffer is already a booted machine: setup touches no page frame.

export const LINE = 16; // Int32 words per 64-byte cache line

/** Sizes a run's shared memory. Every thread derives the same Layout from the same config. */
export interface MemConfig {
  pages: number; // page frames (struct page)
  tasks: number; // threads that may sleep on a page (each owns a state word, a wait entry and a bookmark)
  cpus: number; // per-CPU areas (pcp lists, cpuLock, TLB slot)
  mms: number; // address spaces, each with its own page table
  ptesPerMm: number; // PTE cells per address space
  files: number; // page-cache address spaces (each with an xa_lock)
  slotsPerFile: number; // page-cache slots per file
  dataWords: number; // payload words per page (lost-write detection)
  pagesPerBlock: number; // pageblock size in pages (kernel: 512 for 2 MiB blocks)
  pageTrace?: boolean; // per-frame speculative-reference trace lines (PT_*; seed 003 instrumentation)
  ackWords?: number; // acknowledged-write table words (FO2 check at quiescence; seed 003)
}

export const DEFAULT_MEM: MemConfig = {
  pages: 64, tasks: 8, cpus: 8, mms: 4, ptesPerMm: 16, files: 1, slotsPerFile: 16,
  dataWords: 2, pagesPerBlock: 8,
};

// struct page: 8 Int32 words = 32 bytes per frame.
export const PAGE_WORDS = 8;
export const PF_REF = 0; // _refcount (0 = free or frozen)
export const PF_FLAGS = 1; // page->flags
export const PF_MAPCOUNT = 2; // _mapcount, 0-based here
export const PF_MAPPING = 3; // page->mapping: 0 none, >0 file id + 1, ANON_MAPPING for anon
export const PF_INDEX = 4; // page->index
export const PF_PRIVATE = 5; // page->private; for a free frame, its free-list location (see alloc)
export const PF_HEAD = 6; // compound_head: head pfn + 1 for a tail page, 0 otherwise
export const PF_MT = 7; // migratetype cached at free time (kernel keeps it in page->index)

export const ANON_MAPPING = -1; // PageAnon: mapping holds an anon_vma tag

// page->flags bits. PG_locked is bit 0 and PG_waiters bit 7, as in the kernel's layout.
export const PG_locked = 1 << 0;
export const PG_referenced = 1 << 1;
export const PG_uptodate = 1 << 2;
export const PG_dirty = 1 << 3;
export const PG_lru = 1 << 4;
export const PG_active = 1 << 5;
export const PG_head = 1 << 6;
export const PG_waiters = 1 << 7;
export const PG_private = 1 << 8;
export const PG_writeback = 1 << 9;
export const PG_swapbacked = 1 << 10;
export const PG_buddy = 1 << 11; // PageBuddy (a page type in the kernel; a flag here)
export const PG_offline = 1 << 12; // PageOffline
export const PG_migrated_from = 1 << 13; // harness marker: old page after a migration copy (FO2)

// PTE encoding: PRESENT, WRITE, MIGRATION bits, pfn above them. Non-zero without PRESENT = swap format.
export const PTE_PRESENT = 1 << 0;
export const PTE_WRITE = 1 << 1;
export const PTE_MIGRATION = 1 << 2;
export const PTE_DIRTY = 1 << 3;
export const PTE_PFN_SHIFT = 4;
export const pteMake = (pfn: number, bits: number): number => (pfn << PTE_PFN_SHIFT) | bits;
export const ptePfn = (pte: number): number => pte >>> PTE_PFN_SHIFT;

// Pageblock migratetypes (include/linux/mmzone.h). Only the first three are pcp types.
export const MIGRATE_UNMOVABLE = 0;
export const MIGRATE_MOVABLE = 1;
export const MIGRATE_RECLAIMABLE = 2;
export const MIGRATE_PCPTYPES = 3;
export const MIGRATE_ISOLATE = 3;
export const MIGRATE_TYPES = 4;

// Page waitqueue table: PAGE_WAIT_TABLE_BITS = 8 (mm/filemap.c).
export const WAIT_TABLE_BITS = 8;
export const WAIT_TABLE_SIZE = 1 << WAIT_TABLE_BITS;
// Bucket line: spin lock, list (first, last), then instrumentation.
export const WQ_LOCK = 0;
export const WQ_LIST = 1; // 2 words: first node + 1, last node + 1
export const WQ_MAX_HOLD = 3; // most entries one lock hold visited (max over the run)
export const WQ_LEN = 4; // entries linked now (instrumentation)
// Last release of the lock bit of a page hashing here (instrumentation for the FO1 state dump; plain
// stores by the releaser, read racily by the dump): pfn + 1, tid + 1, how (RELEASE_*), old flags word.
export const WQ_LAST_RELEASE_PFN = 5;
export const WQ_LAST_RELEASE_TID = 6;
export const WQ_LAST_RELEASE_HOW = 7;
export const WQ_LAST_RELEASE_OLD = 8;
export const RELEASE_UNLOCK_PAGE = 1; // unlock_page(): atomic clear, wakes if PG_waiters was set
export const RELEASE_NONATOMIC_CLEAR = 2; // __ClearPageLocked() in reclaim (v4.19): load/store, wakes nobody
export const RELEASE_BROKEN_UNLOCK = 3; // one of pagelock.ts's broken unlock controls

// Wait entry (wait_page_queue): two per task, node 2t its entry and 2t+1 its bookmark.
export const WE_WORDS = 8;
export const WE_NEXT = 0;
export const WE_PREV = 1;
export const WE_PAGE = 2;
export const WE_BIT = 3;
export const WE_FLAGS = 4;
export const WE_LINKED = 5; // 1 while on a bucket list
export const WQ_FLAG_EXCLUSIVE = 0x01;
export const WQ_FLAG_WOKEN = 0x02;
export const WQ_FLAG_BOOKMARK = 0x04;
export const WQ_FLAG_CUSTOM = 0x08; // v5.9+: a lock-handoff waiter (the waker takes the bit for it)
export const WQ_FLAG_DONE = 0x10; // v5.9+: the waiter owns the bit it waited for
export const NIL = 0; // the empty link under the id + 1 rule

// Task line: the futex word and per-task bookkeeping.
export const TS_STATE = 0; // TASK_RUNNING / TASK_SLEEPING
export const TS_WAKES = 1; // wakes delivered to this task (CAS SLEEPING->RUNNING won by a waker)
export const TS_WAIT_PAGE = 2; // page + 1 the task sleeps on, 0 when not sleeping (diagnostics)
export const TS_WAIT_BIT = 3;
export const TS_SLEEP_SINCE_MS = 4; // run-relative ms when the task last went to sleep
export const TS_WAIT_VAR = 5; // pfn + 1 whose _refcount the task waits on in wait_var_event (wait-var.ts), 0 none
export const TASK_RUNNING = 0;
export const TASK_SLEEPING = 1;

// Per-CPU line: the IRQ-off stand-in lock and the pcp (struct per_cpu_pages).
export const CPU_LOCK = 0;
export const PCP_COUNT = 1;
export const PCP_HIGH = 2;
export const PCP_BATCH = 3;
export const PCP_LISTS = 4; // + 2 * migratetype: (first, last) for the 3 pcp lists
export const TLB_CELL = 10; // TLB slot: PTE cell + 1 this CPU accesses through, 0 none
export const TLB_VAL = 11; // the PTE value it read
export const PCP_ALLOC_ISOLATED = 12; // pages of an ISOLATE block handed out from this pcp (allowed, seed 002)

// Per-CPU TLB line (tlb.ts): TLB_ENTRIES direct-mapped cached translations, each (PTE cell + 1, PTE).
export const TLB_ENTRIES = LINE / 2;
// Per-CPU folio batch line (lru-batch.ts): count, then up to LRU_BATCH_SIZE pfn + 1 (PAGEVEC_SIZE 15).
export const LRU_BATCH_COUNT = 0;
export const LRU_BATCH_SIZE = LINE - 1;

// Zone line(s).
export const Z_LOCK = 0;
export const Z_NR_ISOLATE = 1; // nr_isolate_pageblock
export const Z_LRU_LOCK = 2;
export const Z_DRAIN_MUTEX = 3;
export const Z_PCP_HIGH_LOCK = 4; // pcp_batch_high_lock (held from zone_pcp_disable to enable)
export const Z_SAVED_HIGH = 5;
export const Z_SAVED_BATCH = 6;
export const Z_FREE_LISTS = LINE; // + 2 * migratetype: buddy free_area lists (first, last), second line
export const Z_FREE_COUNT = LINE + 2 * MIGRATE_TYPES; // + migratetype
export const ZONE_WORDS = 2 * LINE;

// Control line: run-wide words every role reads.
export const C_STOP = 0; // stop word: non-zero ends every role loop
export const C_BARRIER = 1; // start barrier arrivals
export const C_GO = 2; // released once every role arrived
export const C_MEASURE = 3; // 0 during warm-up, 1 while measuring
export const C_QUIESCE = 4; // audit request: roles park when set
export const C_PARKED = 5; // roles parked for an audit
export const C_INTERVAL = 6; // soak interval number: roles ship and reset their histograms when it moves
export const C_LRU_DISABLE = 7; // lru_disable_count (v5.13+ mm/swap.c): folio_add_lru() bypasses the batches while > 0
export const C_SCRATCH = 8; // words 8..15: free for tests and tools
// Second control line: static keys (a count of enablers, as static_branch_inc/dec).
export const C_FOLIO_PUT_WAKEUP_KEY = LINE; // folio_put_wakeup_key (John Hubbard's 2026 RFC): folio_put() calls wake_up_var()
export const CONTROL_WORDS = 2 * LINE;

export const FORBIDDEN_KINDS = [
  'lost-wakeup', // FO1
  'lost-write', // FO2
  'refcount-underflow', // FO3
  'unfreeze-nonzero', // FO3
  'page-conservation', // FO4
  'offline-livelock', // FO5
  'isolate-alloc', // ISOLATE-block page handed out from buddy
  'invariant', // a quiescence invariant (refcount, lock, waiter, PTE)
  'stale-frame-wait', // C001-1
  'refcount-lost', // FO3: a count below the holders its owner knows of (a put by a non-holder)
] as const;
export type ForbiddenKind = (typeof FORBIDDEN_KINDS)[number];
// Per kind: count, first-seen ms, four detail words, pad.
export const FB_COUNT = 0;
export const FB_FIRST_MS = 1;
export const FB_DETAIL = 2; // 4 words
export const FB_WORDS = 8;

export const STAT_WORDS_PER_TASK = 144; // counters per task row (names in stats.ts), 9 lines: room for the in-tree and a user's patch counters

// Per-frame trace words (MemConfig.pageTrace): harness instrumentation around page_ref_freeze() and
// the speculative getters (GUP-fast, lock-free page-cache lookup), read to classify their races.
export const PT_FREEZE = 0; // 1 while move_mapping has a freeze of this frame open (before the CAS .. after unfreeze)
export const PT_MOVED = 1; // 1 once this frame's cache slot was switched away (set while frozen)
export const PT_FAILS = 2; // count tests / freezes of this frame that failed (EAGAIN)
export const PT_SPEC = 3; // speculative gets in flight on this frame (not yet failed, dropped or kept)
export const PT_PINS = 4; // validated references (pins) held on this frame
export const PT_WORDS = 8;

// FO1 state dump (one region): the first lost wakeup's page, flags, bucket queue and last release.
export const LWD_CLAIM = 0; // 0 free, 1 being written, 2 written
export const LWD_PFN = 1;
export const LWD_BIT = 2;
export const LWD_FLAGS = 3;
export const LWD_TID = 4;
export const LWD_DETECTOR = 5; // LWD_BY_*
export const LWD_REF = 6; // page refcount at detection
export const LWD_AT_MS = 7; // run ms at detection
export const LWD_LAST_PFN = 8; // the bucket's WQ_LAST_RELEASE_* words at detection
export const LWD_LAST_TID = 9;
export const LWD_LAST_HOW = 10;
export const LWD_LAST_OLD = 11;
export const LWD_QLEN = 12; // entries in the bucket queue (up to LWD_MAX_ENTRIES dumped)
export const LWD_ENTRIES = 16; // per entry: task, page, WE_FLAGS, task state
export const LWD_ENTRY_WORDS = 4;
export const LWD_MAX_ENTRIES = 12;
export const LWD_WORDS = LWD_ENTRIES + LWD_MAX_ENTRIES * LWD_ENTRY_WORDS;
export const LWD_BY_WATCHDOG = 1; // asleep with the bit clear for the threshold
export const LWD_BY_FREE = 2; // asleep on a frame being freed
export const LWD_BY_DRAIN = 3; // asleep when the run drained

/** Word offsets of every region, derived from a MemConfig. */
export interface Layout {
  cfg: MemConfig;
  control: number;
  zone: number;
  pages: number; // PAGE_WORDS per frame
  lru: number; // 2 words per frame: page->lru next + 1, prev + 1
  data: number; // dataWords per frame
  blocks: number; // one migratetype word per pageblock
  nBlocks: number;
  ptes: number; // mms * ptesPerMm cells
  ptl: number; // one padded spin-lock line per mm (split PTE lock per page-table page)
  slots: number; // files * slotsPerFile cells
  xaLock: number; // one padded line per file
  waitTable: number; // WAIT_TABLE_SIZE lines
  entries: number; // 2 * tasks entries of WE_WORDS
  taskLines: number; // one line per task
  cpuLines: number; // one line per CPU
  forbidden: number; // FORBIDDEN_KINDS.length * FB_WORDS
  stats: number; // tasks * STAT_WORDS_PER_TASK
  statsBase: number; // the same rows as each task copied them when measuring began
  pageTrace: number; // PT_WORDS per frame when cfg.pageTrace, else empty
  acks: number; // cfg.ackWords words
  lwDump: number; // LWD_WORDS: the FO1 state dump
  tlb: number; // one line per CPU: TLB_ENTRIES cached translations (tlb.ts)
  lruBatch: number; // one line per CPU: the folio_add_lru() batch (lru-batch.ts)
  totalWords: number;
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`memory config: ${name} must be an integer >= ${min}, got ${v}`);
}

export function computeLayout(cfg: MemConfig): Layout {
  checkCount('pages', cfg.pages, 1);
  checkCount('tasks', cfg.tasks, 1);
  checkCount('cpus', cfg.cpus, 1);
  checkCount('mms', cfg.mms, 0);
  checkCount('ptesPerMm', cfg.ptesPerMm, 0);
  checkCount('files', cfg.files, 0);
  checkCount('slotsPerFile', cfg.slotsPerFile, 0);
  checkCount('dataWords', cfg.dataWords, 0);
  checkCount('pagesPerBlock', cfg.pagesPerBlock, 1);
  if (cfg.ackWords !== undefined) checkCount('ackWords', cfg.ackWords, 0);
  if (cfg.pages >= 1 << (31 - PTE_PFN_SHIFT)) throw new RangeError(`memory config: pages ${cfg.pages} does not fit a PTE`);
  let at = 0;
  const take = (words: number): number => {
    const base = at;
    at += Math.ceil(words / LINE) * LINE; // every region starts on its own line
    return base;
  };
  const nBlocks = Math.ceil(cfg.pages / cfg.pagesPerBlock);
  const control = take(CONTROL_WORDS);
  const zone = take(ZONE_WORDS);
  const pages = take(cfg.pages * PAGE_WORDS);
  const lru = take(cfg.pages * 2);
  const data = take(cfg.pages * cfg.dataWords);
  const blocks = take(nBlocks);
  const ptes = take(cfg.mms * cfg.ptesPerMm);
  const ptl = take(cfg.mms * LINE);
  const slots = take(cfg.files * cfg.slotsPerFile);
  const xaLock = take(cfg.files * LINE);
  const waitTable = take(WAIT_TABLE_SIZE * LINE);
  const entries = take(2 * cfg.tasks * WE_WORDS);
  const taskLines = take(cfg.tasks * LINE);
  const cpuLines = take(cfg.cpus * LINE);
  const forbidden = take(FORBIDDEN_KINDS.length * FB_WORDS);
  const stats = take(cfg.tasks * STAT_WORDS_PER_TASK);
  const statsBase = take(cfg.tasks * STAT_WORDS_PER_TASK);
  const pageTrace = take(cfg.pageTrace ? cfg.pages * PT_WORDS : 0);
  const acks = take(cfg.ackWords ?? 0);
  const lwDump = take(LWD_WORDS);
  const tlb = take(cfg.cpus * LINE);
  const lruBatch = take(cfg.cpus * LINE);
  return {
    cfg: { ...cfg }, control, zone, pages, lru, data, blocks, nBlocks, ptes, ptl, slots, xaLock,
    waitTable, entries, taskLines, cpuLines, forbidden, stats, statsBase, pageTrace, acks, lwDump, tlb, lruBatch, totalWords: at,
  };
}
