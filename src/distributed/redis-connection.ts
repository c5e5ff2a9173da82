import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { RedisOptions } from 'ioredis';
import type { ValidationIssue } from '../errors.js';
import { ValidationError } from '../errors.js';

/**
 * Where Redis is: a `redis://` or `rediss://` (TLS) URL such as `redis://:secret@10.0.0.5:6379/0`, or the
 * URL with extra TLS settings (a private CA, a client certificate) that a URL cannot carry.
 */
export type RedisConnection = string | { url: string; tls?: TlsOptions };

const DEFAULT_PORT = 6379;

/**
 * Turns a connection into ioredis options. Commands wait for a reconnect instead of failing
 * (`maxRetriesPerRequest: null`), which BullMQ's blocking connections require and which lets a run ride
 * out a Redis restart.
 *
 * @throws {ValidationError} listing every problem; the URL in the message has its password masked.
 */
export function parseRedisConnection(connection: RedisConnection): RedisOptions {
  const text = typeof connection === 'string' ? connection : connection?.url;
  const issues: ValidationIssue[] = [];
  const report = (message: string) => issues.push({ field: 'connection', message });
  let url: URL | undefined;
  try {
    url = new URL(String(text));
  } catch {
    report(`expected a redis:// or rediss:// URL, got ${redactConnection(String(text))}`);
  }
  if (url && url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    report(`expected the redis: or rediss: scheme, got ${url.protocol} in ${redactConnection(url.href)}`);
  const dbText = url?.pathname.replace(/^\//, '') ?? '';
  const db = dbText === '' ? 0 : Number(dbText);
  if (!(Number.isInteger(db) && db >= 0))
    report(`expected a database number after the host, got "${dbText}" in ${redactConnection(text!)}`);
  if (issues.length > 0 || !url) throw new ValidationError(issues, 'Redis connection');

  const secure = url.protocol === 'rediss:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const extraTls = typeof connection === 'string' ? undefined : connection.tls;
  return {
    host,
    port: url.port === '' ? DEFAULT_PORT : Number(url.port),
    db,
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(secure || extraTls ? { tls: { servername: host, ...extraTls } } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The connection URL with its password replaced by `***`, safe for logs, errors and traces. */
export function redactConnection(connection: RedisConnection): string {
  const text = typeof connection === 'string' ? connection : String(connection?.url);
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    // Not a URL: mask whatever sits between "://user:" and "@", which is where a password would be.
    return text.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@');
  }
}
