// Where the CLI writes, and the interrupt handling every measuring command shares.

export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** stderr is a terminal: progress may be shown. */
  interactive?: boolean;
  /** Set by an action: the process exit code. */
  exitCode?: number;
}

/** Runs fn with an AbortSignal raised by the first Ctrl-C; a second Ctrl-C exits at once. */
export async function withInterrupt<T>(io: Io, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = (): void => {
    if (ac.signal.aborted) process.exit(130);
    io.err('\ninterrupted: stopping the roles and writing partial results (Ctrl-C again to quit at once)\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(ac.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
