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

/** A kernel message ("[    2.160677] reboot: Power down") cut into a line: it runs to the line's end, and the line goes on in the next one. */
const PRINTK = /\[\s*\d+\.\d+\] .*$/;

export function parseConsole<T extends GuestTrialBase = GuestTrialBase>(lines: readonly string[]): ParsedConsole<T> {
  const out: ParsedConsole<T> = { trials: [], done: false, garbled: [] };
  let skip = false;
  const json = (l: string, m: string, next: string | undefined): unknown => {
    const parse = (text: string): unknown => JSON.parse(text.slice(text.indexOf(m) + m.length).trim());
    try { return parse(l); } catch { /* repaired below, or kept aside */ }
    if (PRINTK.test(l) && next !== undefined) {
      try { const v = parse(l.replace(PRINTK, '') + next); skip = true; return v; } catch { /* kept aside */ }
    }
    out.garbled.push(l);
    return undefined;
  };
  lines.forEach((l, i) => {
    if (skip) { skip = false; return; }
    const next = lines[i + 1];
    if (l.includes(MARK.env)) out.env = json(l, MARK.env, next) as GuestEnv | undefined ?? out.env;
    else if (l.includes(MARK.trial)) { const t = json(l, MARK.trial, next) as T | undefined; if (t) out.trials.push(t); }
    else if (l.includes(MARK.error)) out.error = json(l, MARK.error, next) as ParsedConsole<T>['error'] ?? { error: l };
    else if (l.includes(MARK.done)) out.done = true;
  });
  return out;
}
