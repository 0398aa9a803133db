// The periodic page-conservation audit (FO4, kernel-model.md §10.6) while a run measures: pause the
// roles that park (C_QUIESCE / C_PARKED), walk every list and frame, release them. A violation counts
// only if a second walk a few ms later finds it again, so a frame caught mid-free by a role that does
// not park (a faulter dropping the last reference of a migrated page) is never reported; corruption
// left by a broken free path persists and is reported.
import { setTimeout as sleep } from 'node:timers/promises';
import { C_PARKED, C_QUIESCE } from '../shared/layout.js';
import type { Mem } from '../shared/memory.js';
import { STAT, statRow } from '../shared/stats.js';
import { auditConservation, recordConservation, type Violation } from '../shared/alloc/conservation.js';

export interface QuiesceAuditor {
  /** One audit: 'clean', 'violations' (recorded as page-conservation) or 'skipped' (roles did not park in time). */
  audit(): Promise<'clean' | 'violations' | 'skipped'>;
}

export interface QuiesceAuditOptions {
  /** Roles that park (RoleSpec.parks). */
  parkers: number;
  /** Task row the counters audits / auditSkipped go to (a row no role uses), or -1 for none. */
  statTid: number;
  /** Longest wait for the roles to park before the audit is skipped. */
  parkTimeoutMs?: number;
  /** Gap before the confirming second walk. */
  confirmMs?: number;
  stopped(): boolean;
}

export function makeQuiesceAuditor(m: Mem, o: QuiesceAuditOptions): QuiesceAuditor {
  const w = m.w;
  const c = m.L.control;
  const row = o.statTid >= 0 ? statRow(m, o.statTid) : -1;
  const count = (stat: number): void => { if (row >= 0) w[row + stat]++; };
  const release = (): void => {
    Atomics.store(w, c + C_QUIESCE, 0);
    Atomics.notify(w, c + C_QUIESCE);
  };
  const same = (a: Violation, b: Violation): boolean => a.pfn === b.pfn && a.problem === b.problem && a.detail === b.detail;
  return {
    async audit() {
      Atomics.store(w, c + C_QUIESCE, 1);
      const t0 = performance.now();
      while (Atomics.load(w, c + C_PARKED) < o.parkers) {
        if (o.stopped() || performance.now() - t0 > (o.parkTimeoutMs ?? 2000)) {
          release();
          count(STAT.auditSkipped);
          return 'skipped';
        }
        await sleep(1);
      }
      try {
        const first = auditConservation(m, { record: false });
        count(STAT.audits);
        if (first.length === 0) return 'clean';
        await sleep(o.confirmMs ?? 20);
        const confirmed = auditConservation(m, { record: false }).filter((v) => first.some((f) => same(f, v)));
        for (const v of confirmed) recordConservation(m, v.pfn, v.problem, 0, -1);
        return confirmed.length > 0 ? 'violations' : 'clean';
      } finally {
        release();
      }
    },
  };
}
