// Setup time and bytes per page of the page world: createMemory() for N frames, then the first touch
// of every struct page (the SAB is zeroed lazily, so the page faults land there, not in allocation).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_MEM, PAGE_WORDS } from '../src/shared/layout.js';
import { createMemory } from '../src/shared/memory.js';
import { median } from './primitive-ops.js';

export interface SetupCost {
  pages: number;
  reps: number;
  sabBytes: number;
  bytesPerPage: number;
  structPageBytes: number;
  /** Per-page bytes by region: struct page, page->lru, payload words, pageblock word share. */
  perPage: { structPage: number; lru: number; data: number; pageblock: number };
  createMs: number; // median createMemory()
  createMsMin: number;
  createMsMax: number;
  touchMs: number; // median first write of every struct page word
  readyMs: number; // median createMemory() + first touch, same rep
}

const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Rounds outside, sizes inside; the previous buffer is freed before each timing, not inside it. */
export function measureSetupCost(sizes: number[], reps: number): SetupCost[] {
  setFlagsFromString('--expose-gc');
  const gcOnce = runInNewContext('gc') as () => void;
  // The second gc() waits for the first one's concurrent ArrayBuffer sweep (the munmap of the old SAB).
  const gc = (): void => { gcOnce(); gcOnce(); };
  const create = sizes.map((): number[] => []);
  const touch = sizes.map((): number[] => []);
  const ready = sizes.map((): number[] => []);
  const bytes = sizes.map(() => 0);
  for (let r = 0; r < reps; r++) {
    sizes.forEach((pages, i) => {
      gc();
      const t0 = hrMs();
      const m = createMemory({ ...DEFAULT_MEM, pages, tasks: 8, cpus: 8 });
      const t1 = hrMs();
      m.w.fill(0, m.L.pages, m.L.pages + pages * PAGE_WORDS);
      const t2 = hrMs();
      create[i].push(t1 - t0);
      touch[i].push(t2 - t1);
      ready[i].push(t2 - t0);
      bytes[i] = m.sab.byteLength;
    });
  }
  gc();
  return sizes.map((pages, i) => ({
    pages, reps, sabBytes: bytes[i], bytesPerPage: bytes[i] / pages, structPageBytes: PAGE_WORDS * 4,
    perPage: {
      structPage: PAGE_WORDS * 4, lru: 2 * 4, data: DEFAULT_MEM.dataWords * 4, pageblock: 4 / DEFAULT_MEM.pagesPerBlock,
    },
    createMs: median(create[i]), createMsMin: Math.min(...create[i]), createMsMax: Math.max(...create[i]),
    touchMs: median(touch[i]), readyMs: median(ready[i]),
  }));
}
