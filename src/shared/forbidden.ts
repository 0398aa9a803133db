// Forbidden outcomes (kernel-model.md §10.6): a count, the run time it was first seen, and four
// detail words of the first occurrence, per kind. Rare by design, so one shared row per kind.
import { FB_COUNT, FB_DETAIL, FB_FIRST_MS, FB_WORDS, FORBIDDEN_KINDS, type ForbiddenKind } from './layout.js';
import type { Mem } from './memory.js';
import { runMs } from './clock.js';

const KIND_INDEX = new Map<ForbiddenKind, number>(FORBIDDEN_KINDS.map((k, i) => [k, i]));

/** Records one forbidden outcome; the first occurrence of a kind keeps its detail words. */
export function recordForbidden(m: Mem, kind: ForbiddenKind, d0 = 0, d1 = 0, d2 = 0, d3 = 0): void {
  const a = m.L.forbidden + (KIND_INDEX.get(kind) as number) * FB_WORDS;
  if (Atomics.add(m.w, a + FB_COUNT, 1) !== 0) return;
  Atomics.store(m.w, a + FB_FIRST_MS, Math.max(0, Math.round(runMs())));
  Atomics.store(m.w, a + FB_DETAIL, d0);
  Atomics.store(m.w, a + FB_DETAIL + 1, d1);
  Atomics.store(m.w, a + FB_DETAIL + 2, d2);
  Atomics.store(m.w, a + FB_DETAIL + 3, d3);
}

export interface ForbiddenEntry {
  kind: ForbiddenKind;
  count: number;
  firstAtMs: number;
  words: [number, number, number, number];
}

/** Every kind seen so far. */
export function readForbidden(m: Mem): ForbiddenEntry[] {
  const out: ForbiddenEntry[] = [];
  FORBIDDEN_KINDS.forEach((kind, i) => {
    const a = m.L.forbidden + i * FB_WORDS;
    const count = Atomics.load(m.w, a + FB_COUNT);
    if (count === 0) return;
    const d = (k: number): number => Atomics.load(m.w, a + FB_DETAIL + k);
    out.push({ kind, count, firstAtMs: Atomics.load(m.w, a + FB_FIRST_MS), words: [d(0), d(1), d(2), d(3)] });
  });
  return out;
}

export function forbiddenTotal(m: Mem): number {
  let s = 0;
  for (let i = 0; i < FORBIDDEN_KINDS.length; i++) s += Atomics.load(m.w, m.L.forbidden + i * FB_WORDS + FB_COUNT);
  return s;
}
