// The FO2 detector on the writer's side (harness, no kernel counterpart), shared by the roles that
// write into a page while holding a reference (GUP users, page-cache pinners).
//
// Each writer owns one data word of every page (word = its writer index) and writes strictly
// increasing generations per page index. After every write it checks PG_migrated_from on the frame
// it holds: set means the migration copy already ran, so the write is lost (recorded at once). Once
// the reference is dropped, the last generation is acknowledged in the SAB's ack table
// (acks[word * pages + index]); at quiescence the page in the slot must hold exactly that value in
// the writer's word (scenario checkQuiescent). A correct variant cannot fail either check: a freeze
// succeeds only while no such reference exists, so every acknowledged write precedes the copy.
import { PAGE_WORDS, PF_FLAGS, PG_migrated_from } from '../shared/layout.js';
import { recordForbidden } from '../shared/forbidden.js';
import { SITE } from '../shared/cost.js';
import { STAT } from '../shared/stats.js';
import type { Task } from '../shared/task.js';

export interface PinnedWrites {
  /** writesPerPin generations into this writer's word of pfn (page index idx); the caller holds a reference. */
  write(pfn: number, idx: number): void;
  /** After the reference was dropped: the last generation written to idx is acknowledged. */
  ack(idx: number): void;
}

/** Ack-table word of (writer word, page index). */
export const ackCell = (base: number, pages: number, word: number, idx: number): number => base + word * pages + idx;

export function makePinnedWrites(t: Task, o: { word: number; pages: number; writesPerPin: number }): PinnedWrites {
  const { m, delay } = t;
  const w = m.w;
  const st = t.stats;
  const dw = m.L.cfg.dataWords;
  if (!(o.word >= 0 && o.word < dw)) throw new RangeError(`writer word ${o.word} outside the ${dw} data words`);
  if (ackCell(0, o.pages, o.word, o.pages - 1) >= (m.L.cfg.ackWords ?? 0)) throw new RangeError('the ack table is too small for this writer');
  const gen = new Int32Array(o.pages);
  return {
    write(pfn, idx) {
      const cell = m.L.data + pfn * dw + o.word;
      const flags = m.L.pages + pfn * PAGE_WORDS + PF_FLAGS;
      w[st + STAT.pinSessions]++;
      for (let j = 0; j < o.writesPerPin; j++) {
        delay(SITE.pinHold);
        const g = ++gen[idx];
        Atomics.store(w, cell, g);
        w[st + STAT.pinWrites]++;
        if (Atomics.load(w, flags) & PG_migrated_from) recordForbidden(m, 'lost-write', pfn, g, o.word, t.tid);
      }
    },
    ack(idx) {
      Atomics.store(w, ackCell(m.L.acks, o.pages, o.word, idx), gen[idx]);
    },
  };
}
