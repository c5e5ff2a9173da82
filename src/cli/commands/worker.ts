import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { runQueueWorker } from '../../distributed/queue-worker.js';
import type { RedisConnection } from '../../distributed/redis-connection.js';
import type { AgentSpec } from '../../types.js';
import type { Command } from '../command.js';
import { ISOLATION_OPTION, parseIsolation } from '../isolation-option.js';
import { UsageError } from '../usage-error.js';

/** Environment variable read for the connection when `--connection` is absent (keeps passwords out of `ps`). */
export const CONNECTION_ENV = 'LINGFLOW_REDIS_URL';

/** `lingflow worker`: takes jobs from a BullMQ queue and runs their agents on this machine. */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run agents for coordinators on other machines, taking jobs from a Redis queue.',
  usage: '--agents agents.json [options]',
  details: [
    'Coordinators created with executor { type: "bullmq", connection, queue } put ready tasks on the queue;',
    'every worker on that queue takes jobs up to its concurrency and runs them on its own threads or processes.',
    'Start as many workers, on as many machines, as you like; each advertises its capacity on the queue.',
    '',
    `agents.json maps agent names to { "module": path } (relative to the file), or is a workflow file with an`,
    `"agents" key. Agents with "isolation": "process" (all of them with --isolation process) run in child`,
    `processes, as in a local run. Give the connection in ${CONNECTION_ENV} rather than --connection to keep a`,
    'password out of the process list; it is never printed. Ctrl-C (or SIGTERM) stops taking jobs and lets',
    'running ones finish.',
  ].join('\n'),
  positionals: [0, 0],
  options: {
    connection: {
      type: 'string',
      short: 'c',
      valueName: 'URL',
      description: `redis://[user:password@]host[:port][/db] or rediss:// for TLS (default: $${CONNECTION_ENV}).`,
    },
    queue: { type: 'string', short: 'q', valueName: 'NAME', description: 'Queue name (default lingflow).' },
    agents: { type: 'string', short: 'a', valueName: 'FILE', description: 'Agents this worker runs (JSON).' },
    concurrency: {
      type: 'string',
      valueName: 'N|auto',
      description: 'Attempts at once and worker threads (default auto: from the cores and load).',
    },
    isolation: ISOLATION_OPTION,
    'tls-ca': { type: 'string', valueName: 'FILE', description: 'PEM file of a private CA for rediss://.' },
  },

  async run({ values }, io) {
    const url = typeof values.connection === 'string' ? values.connection : io.env[CONNECTION_ENV];
    if (!url) throw new UsageError(`give --connection or set ${CONNECTION_ENV}`, 'worker');
    if (typeof values.agents !== 'string') throw new UsageError('--agents FILE is required', 'worker');
    const isolation = parseIsolation(values.isolation, 'worker');
    const connection: RedisConnection =
      typeof values['tls-ca'] === 'string'
        ? { url, tls: { ca: await readFile(values['tls-ca'], 'utf8') } }
        : url;
    const worker = await runQueueWorker({
      connection,
      ...(typeof values.queue === 'string' ? { queue: values.queue } : {}),
      agents: await readAgents(values.agents),
      baseDir: dirname(resolve(values.agents)),
      concurrency: parseConcurrency(values.concurrency),
      ...(isolation ? { isolation } : {}),
      onError: (error) => io.stderr.write(`worker: ${error.message}\n`),
    });
    const { id, concurrency, agents } = worker.info;
    io.stdout.write(
      `worker ${id} on ${worker.connectionLabel}, queue ${values.queue ?? 'lingflow'}: ` +
        `${concurrency} at once; agents ${agents.join(', ')}\n`,
    );
    if (!io.signal.aborted)
      await new Promise((done) => io.signal.addEventListener('abort', done, { once: true }));
    io.stdout.write('stopping: waiting for running jobs to finish\n');
    await worker.close();
    return 0;
  },
};

async function readAgents(file: string): Promise<Record<string, AgentSpec>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--agents: cannot read ${file}: ${(error as Error).message}`, 'worker');
  }
  const agents = (parsed as { agents?: unknown })?.agents ?? parsed;
  if (agents === null || typeof agents !== 'object' || Array.isArray(agents))
    throw new UsageError(`--agents: ${file} must hold an object of agents by name`, 'worker');
  return agents as Record<string, AgentSpec>;
}

function parseConcurrency(value: string | boolean | undefined): number | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  if (typeof value === 'string' && /^\d+$/.test(value) && Number(value) >= 1) return Number(value);
  throw new UsageError(
    `--concurrency expects a whole number of at least 1 or "auto", got "${String(value)}"`,
    'worker',
  );
}
