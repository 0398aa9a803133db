// The workload's serial-console protocol: "PAGESTORM-ENV {json}" once, "PAGESTORM-TRIAL {json}"
// per trial, "PAGESTORM-ERROR {json}" when it cannot run, "PAGESTORM-DONE" last. Kernel messages
// may share the console, so a marker is looked for anywhere in a line.

export const MARK = { env: 'PAGESTORM-ENV ', trial: 'PAGESTORM-TRIAL ', error: 'PAGESTORM-ERROR ', done: 'PAGESTORM-DONE' } as const;

export interface GuestEnv {
  release: string;
  version: string;
  nodes: number;
  cpus: number;
  numaBalancing?: number;
  [key: string]: unknown;
}

/** One trial of move-pages-race, as the guest printed it (kernel-check/workloads/move-pages-race.c). */
export interface GuestTrial {
  trial: number;
  calls: number;
  failures: number;
  /** move_pages returned > 0: pages not migrated. */
  retPositive: number;
  /** move_pages returned < 0 (lastErrno holds the errno). */
  retError: number;
  /** status[0] < 0: a -errno for the page. */
  statusError: number;
  /** status[0] a node other than the target. */
  statusOtherNode: number;
  /** 1-based index of the first failed call; -1 when none failed. */
  callsToFirstFailure: number;
  longestFailureRun: number;
  lastErrno: number;
  lastStatus: number;
  seconds: number;
  pgmigrateSuccess: number;
  pgmigrateFail: number;
}

export interface ParsedConsole {
  env?: GuestEnv;
  trials: GuestTrial[];
  error?: { error: string; [key: string]: unknown };
  done: boolean;
  /** Marker lines whose JSON did not parse (a kernel message cut into them). */
  garbled: string[];
}

export function parseConsole(lines: readonly string[]): ParsedConsole {
  const out: ParsedConsole = { trials: [], done: false, garbled: [] };
  const json = (l: string, m: string): unknown => {
    const rest = l.slice(l.indexOf(m) + m.length).trim();
    try { return JSON.parse(rest); } catch { out.garbled.push(l); return undefined; }
  };
  for (const l of lines) {
    if (l.includes(MARK.env)) out.env = json(l, MARK.env) as GuestEnv | undefined ?? out.env;
    else if (l.includes(MARK.trial)) { const t = json(l, MARK.trial) as GuestTrial | undefined; if (t) out.trials.push(t); }
    else if (l.includes(MARK.error)) out.error = json(l, MARK.error) as ParsedConsole['error'] ?? { error: l };
    else if (l.includes(MARK.done)) out.done = true;
  }
  return out;
}
