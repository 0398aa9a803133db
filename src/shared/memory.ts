// The shared memory itself: one SharedArrayBuffer, one Int32Array view, built once per thread.
import { computeLayout, type Layout, type MemConfig, MIGRATE_MOVABLE, PAGE_WORDS } from './layout.js';

export interface Mem {
  sab: SharedArrayBuffer;
  w: Int32Array;
  L: Layout;
}

/** Allocates and boots the page world for a config (main thread). */
export function createMemory(cfg: MemConfig): Mem {
  const L = computeLayout(cfg);
  const sab = new SharedArrayBuffer(L.totalWords * 4);
  const m: Mem = { sab, w: new Int32Array(sab), L };
  // Zero is "none" everywhere (layout.ts), so only the pageblock types need writing.
  m.w.fill(MIGRATE_MOVABLE, L.blocks, L.blocks + L.nBlocks);
  return m;
}

/** Builds this thread's view of a buffer another thread created. */
export function attachMemory(sab: SharedArrayBuffer, cfg: MemConfig): Mem {
  const L = computeLayout(cfg);
  if (sab.byteLength !== L.totalWords * 4) {
    throw new RangeError(`shared buffer is ${sab.byteLength} bytes, config needs ${L.totalWords * 4}`);
  }
  return { sab, w: new Int32Array(sab), L };
}

/** Word address of a page field. */
export const pageAddr = (L: Layout, pfn: number, field: number): number => L.pages + pfn * PAGE_WORDS + field;
