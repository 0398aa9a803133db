// --queue URL: redis:// or rediss:// (TLS), with an optional user and password, checked by a ping
// before anything is enqueued, so an unreachable queue is a clear exit 2 and never a hang.
import { Redis, type RedisOptions } from 'ioredis';
import { InputError } from '../run/params.js';

/** The URL with its password replaced, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** ioredis options from the URL; BullMQ's blocking connections need maxRetriesPerRequest null. */
export function connectionOf(url: string): RedisOptions {
  let u: URL;
  try { u = new URL(url); } catch { throw new InputError(`--queue ${JSON.stringify(redact(url))}: expected redis://[user:password@]host:port[/db] or rediss:// for TLS`); }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`--queue ${JSON.stringify(redact(url))}: expected a redis:// or rediss:// URL, got ${u.protocol}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new InputError(`--queue ${JSON.stringify(redact(url))}: database ${JSON.stringify(u.pathname.slice(1))} is not a number`);
  return {
    host: u.hostname, port: u.port ? Number(u.port) : 6379, db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Pings the server once with no retries; InputError naming the (redacted) URL and the cause when it cannot. */
export async function probe(url: string, timeoutMs = 3000): Promise<void> {
  const c = new Redis({ ...connectionOf(url), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let cause: NodeJS.ErrnoException | undefined;
  c.on('error', (e: NodeJS.ErrnoException) => { cause ??= e; }); // the socket's own error (ECONNREFUSED), not ioredis's "Connection is closed"
  try {
    await c.connect();
    await c.ping();
  } catch (e) {
    const err = cause ?? (e as NodeJS.ErrnoException);
    throw new InputError(`--queue ${redact(url)}: cannot reach Redis (${err.code ?? err.message})`);
  } finally {
    c.disconnect();
  }
}
