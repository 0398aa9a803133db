// Turns the SAB's forbidden-outcome rows into {kind, count, firstAtMs, detail} with readable details.
import type { Mem } from '../shared/memory.js';
import { readForbidden } from '../shared/forbidden.js';
import { PROBLEMS } from '../shared/alloc/conservation.js';
import { formatLostWakeupDump, readLostWakeupDump } from '../shared/lost-wakeup-dump.js';
import type { Violation } from '../scenarios/types.js';

import type { ForbiddenReport } from '../report/schema.js';

const hex = (x: number): string => `0x${(x >>> 0).toString(16)}`;

const DETAIL: Record<string, (d: number[], m: Mem) => string> = {
  'lost-wakeup': (d, m) => {
    const dump = readLostWakeupDump(m); // the state dump of the first occurrence (watchdog.ts)
    const more = dump && dump.pfn === d[0] && dump.tid === d[3] ? `; ${formatLostWakeupDump(dump)}` : '';
    return `task ${d[3]} asleep on frame ${d[0]} bit ${hex(d[1])} and never woken for it (flags ${hex(d[2])})${more}`;
  },
  'refcount-underflow': (d) => `put_page on frame ${d[1]} (compound head ${d[0]}) found count ${d[2]} (task ${d[3]})`,
  'unfreeze-nonzero': (d) => `page_ref_unfreeze(frame ${d[0]}, ${d[2]}) found count ${d[1]} instead of 0 (task ${d[3]})`,
  'lost-write': (d) => `frame ${d[0]}: write ${d[1]} by task ${d[3]} landed after the migration copy (word ${d[2]})`,
  'isolate-alloc': (d) => `frame ${d[0]} of an ISOLATE block handed out from buddy (task ${d[3]})`,
  'page-conservation': (d) => `${d[0] >= 0 ? `frame ${d[0]}` : 'a list or counter'}: ${PROBLEMS[d[1]] ?? `problem ${d[1]}`}${d[3] >= 0 ? ` (found by task ${d[3]}, extra ${d[2]})` : ' (found by the audit)'}`,
  'offline-livelock': (d) => `offline of frames [${d[0]}, ${d[1]}) did not finish; stuck frame ${d[2]}: ${
    d[3] >= 0 ? `refcount 0 on cpu ${d[3]}'s pcp list` : d[3] === -1 ? 'refcount 0, on no pcp list' : `in use, refcount ${-d[3] - 1}`}`,
  'refcount-lost': (d) => `frame ${d[0]}: refcount ${d[1]} below the ${d[2]} references its owner knows of (seen by task ${d[3]}): someone put a reference it did not hold`,
};

/** firstAtMs becomes ms since the roles were released (goMs on the roles' clock). */
export function describeForbidden(m: Mem, violations: Violation[], goMs = 0): ForbiddenReport[] {
  return readForbidden(m).map((f) => {
    const fromQuiescence = f.words.every((x) => x === -1);
    const q = violations.find((v) => v.kind === f.kind);
    const detail = fromQuiescence && q ? `at quiescence: ${q.detail}` : (DETAIL[f.kind]?.(f.words, m) ?? `details ${f.words.join(', ')}`);
    return { kind: f.kind, count: f.count, firstAtMs: Math.max(0, Math.round(f.firstAtMs - goMs)), detail };
  });
}
