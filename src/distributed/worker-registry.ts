import type { Redis } from 'ioredis';
import type { QueueKeys } from './queue-keys.js';

/** What a queue worker advertises about itself. */
export interface QueueWorkerInfo {
  /** Unique per worker process: host name, process id and a random suffix. */
  id: string;
  host: string;
  pid: number;
  /** Attempts it runs at once. */
  concurrency: number;
  /** Agent types it can run. */
  agents: string[];
  /** Epoch milliseconds. */
  startedAt: number;
}

/** Writes the worker's entry with a time to live; call again before it expires to stay listed. */
export async function advertiseWorker(
  client: Redis,
  keys: QueueKeys,
  info: QueueWorkerInfo,
  ttlMs: number,
): Promise<void> {
  await client.set(keys.worker(info.id), JSON.stringify(info), 'PX', ttlMs);
}

/** Every worker listed on the queue now: those that advertised within their time to live. */
export async function listWorkers(client: Redis, keys: QueueKeys): Promise<QueueWorkerInfo[]> {
  const found: QueueWorkerInfo[] = [];
  let cursor = '0';
  do {
    const [next, names] = await client.scan(cursor, 'MATCH', keys.workerPattern, 'COUNT', 200);
    cursor = next;
    const values = names.length === 0 ? [] : await client.mget(names);
    for (const value of values) if (value !== null) found.push(JSON.parse(value) as QueueWorkerInfo);
  } while (cursor !== '0');
  return found.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Removes the worker's entry when it stops. */
export async function withdrawWorker(client: Redis, keys: QueueKeys, workerId: string): Promise<void> {
  await client.del(keys.worker(workerId));
}
