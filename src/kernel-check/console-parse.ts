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

/** What every workload's trial line carries; each workload adds its own fields (move-pages-workload.ts, offline-refault-workload.ts). */
export interface GuestTrialBase {
  trial: number;
  seconds: number;
  /** /proc/vmstat deltas over the trial. */
  pgmigrateSuccess: number;
  pgmigrateFail: number;
}

export interface ParsedConsole<T extends GuestTrialBase = GuestTrialBase> {
  env?: GuestEnv;
  trials: T[];
  error?: { error: string; [key: string]: unknown };
  done: boolean;
  /** Marker lines whose JSON did not parse (a kernel message cut into them). */
  garbled: string[];
}

export function parseConsole<T extends GuestTrialBase = GuestTrialBase>(lines: readonly string[]): ParsedConsole<T> {
  const out: ParsedConsole<T> = { trials: [], done: false, garbled: [] };
  const json = (l: string, m: string): unknown => {
    const rest = l.slice(l.indexOf(m) + m.length).trim();
    try { return JSON.parse(rest); } catch { out.garbled.push(l); return undefined; }
  };
  for (const l of lines) {
    if (l.includes(MARK.env)) out.env = json(l, MARK.env) as GuestEnv | undefined ?? out.env;
    else if (l.includes(MARK.trial)) { const t = json(l, MARK.trial) as T | undefined; if (t) out.trials.push(t); }
    else if (l.includes(MARK.error)) out.error = json(l, MARK.error) as ParsedConsole<T>['error'] ?? { error: l };
    else if (l.includes(MARK.done)) out.done = true;
  }
  return out;
}
