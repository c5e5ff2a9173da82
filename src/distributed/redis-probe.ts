import { Redis, type RedisOptions } from 'ioredis';
import { QueueConnectionError } from '../errors.js';

/**
 * Connects once, without retrying, and pings. Executors and workers call it before their long-lived
 * connections, which retry forever to ride out a restart: without this a wrong address or password would
 * look like a queue that never moves.
 *
 * @param label - The connection URL with its password masked, for the error.
 * @throws {QueueConnectionError} when Redis cannot be reached or refuses the credentials.
 */
export async function probeRedis(options: RedisOptions, label: string): Promise<void> {
  const client = new Redis({
    ...options,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The first error says why (refused, WRONGPASS); connect() then only reports a closed connection.
  let cause: unknown;
  client.on('error', (error: unknown) => {
    cause ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const first = cause ?? error;
    throw new QueueConnectionError(label, first instanceof Error ? first.message : String(first));
  } finally {
    client.disconnect();
  }
}
