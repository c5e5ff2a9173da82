/**
 * A `lingflow worker` stand-in for the bench and the tests: runs {@link runQueueWorker} with the JSON
 * options in `argv[2]`, prints `ready <pid> <connection>` once it takes jobs, and closes gracefully on
 * SIGTERM. Errors are printed as `Name: message`; exit code 2 when the worker cannot start.
 *
 * @module
 */
import { runQueueWorker } from '../../../src/distributed/queue-worker.js';

const options = JSON.parse(process.argv[2] ?? '{}');
try {
  const worker = await runQueueWorker({
    ...options,
    onError: (error) => console.error(`worker error: ${error.message}`),
  });
  console.log(`ready ${worker.info.pid} ${worker.connectionLabel}`);
  process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
} catch (error) {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  console.error(`${name}: ${message}`);
  process.exit(2);
}
