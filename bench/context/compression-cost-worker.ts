/**
 * Worker entry of the context bench: measures the cost of compressing in a thread of its own, as lingflow's
 * workers compress, and posts the result back.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type CompressionCostRequest, measureCompression } from './context-bench.js';

parentPort?.postMessage(await measureCompression(workerData as CompressionCostRequest));
