// The page cache: one slot per (file, index) holding pfn + 1, written under the file's xa_lock
// (i_pages, IRQs off in the kernel), read lock-free (RCU) by lookups.
import { LINE } from './layout.js';
import type { Mem } from './memory.js';

/** Slot word of (file, index). */
export const slotCell = (m: Mem, file: number, idx: number): number => m.L.slots + file * m.L.cfg.slotsPerFile + idx;
/** The file's i_pages xa_lock word. */
export const xaLockOf = (m: Mem, file: number): number => m.L.xaLock + file * LINE;
/** page->mapping of a file page: file id + 1 (0 = none, ANON_MAPPING for anon). */
export const fileMapping = (file: number): number => file + 1;
