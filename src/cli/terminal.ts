// What the terminal allows, read from the environment: the width to lay text out in, whether the
// progress line may redraw in place (stderr a terminal, not CI, not --json or --quiet), and colour.

export type Env = Record<string, string | undefined>;

/** How progress is shown: redrawn in place, as plain lines now and then, or not at all. */
export type ProgressMode = 'live' | 'plain' | 'off';

/** COLUMNS when it is a whole number >= 20 (a user's explicit choice), else undefined. */
function columnsVar(env: Env): number | undefined {
  const n = Number(env.COLUMNS);
  return env.COLUMNS?.trim() && Number.isInteger(n) && n >= 20 ? n : undefined;
}

/** Width for reports and `list` on stdout: COLUMNS, else the terminal's width when stdout is one, else 100. */
export function outWidth(env: Env = process.env, stdout: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return columnsVar(env) ?? (stdout.isTTY && stdout.columns ? stdout.columns : 100);
}

/** Width for the live progress line on stderr: the terminal's own, else COLUMNS, else 80. */
export function errWidth(env: Env = process.env, stderr: { columns?: number } = process.stderr): number {
  return stderr.columns && stderr.columns >= 20 ? stderr.columns : columnsVar(env) ?? 80;
}

/** CI=true (or any value but '', 0 or false), as CI services set it. */
export const underCi = (env: Env): boolean => env.CI !== undefined && !['', '0', 'false'].includes(env.CI.trim().toLowerCase());

/** live: stderr is a terminal and nothing asks for quiet; plain: piped, CI, --json or TERM=dumb; off: --quiet. */
export function progressMode(interactive: boolean | undefined, o: { json?: boolean; quiet?: boolean }, env: Env = process.env): ProgressMode {
  if (o.quiet) return 'off';
  if (!interactive || o.json || underCi(env) || env.TERM === 'dumb') return 'plain';
  return 'live';
}

/** Colour only where NO_COLOR (https://no-color.org) is unset or empty and the terminal is not dumb. */
export const colourAllowed = (env: Env = process.env): boolean => !env.NO_COLOR && env.TERM !== 'dumb';
