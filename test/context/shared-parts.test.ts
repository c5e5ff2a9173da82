import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  allocateSharedParts,
  claimParts,
  partResults,
  publishParts,
} from '../../src/context/tokenizer/shared-parts.js';

// One-byte (ASCII, Latin-1) and two-byte parts (CJK, emoji, a lone surrogate), and an empty one.
const PARTS = [
  'plain ASCII text',
  'Grüße, naïve café',
  '',
  '日本語と中文',
  'emoji 👩‍💻 🚀',
  'lone \ud800 surrogate',
];

describe('shared parts', () => {
  it('hand each part back to the claimant exactly, and keep its result', () => {
    const shared = allocateSharedParts(PARTS);
    publishParts(shared, PARTS);
    const claimed: string[] = [];
    claimParts(shared, (part) => claimed.push(part) * 1000 + part.length);
    expect(claimed).toEqual(PARTS);
    expect([...partResults(shared)]).toEqual(PARTS.map((part, i) => (i + 1) * 1000 + part.length));
  });

  it('reuse spare bytes only when they are large enough', () => {
    const first = allocateSharedParts(PARTS);
    expect(allocateSharedParts(PARTS, first.bytes).bytes).toBe(first.bytes);
    expect(allocateSharedParts([...PARTS, 'x'.repeat(1000)], first.bytes).bytes).not.toBe(first.bytes);
  });

  it('make a claimant on another thread wait for each part to be published', async () => {
    const shared = allocateSharedParts(PARTS);
    const module = new URL('../../dist/src/context/tokenizer/shared-parts.js', import.meta.url).href;
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(${JSON.stringify(module)}).then(({ claimParts }) => {
        parentPort.postMessage('claiming');
        claimParts(workerData, (part) => part.length + 1);
        parentPort.postMessage('done');
      });`;
    const worker = new Worker(script, { eval: true, workerData: shared });
    const messages: unknown[] = [];
    const done = new Promise((resolve, reject) => {
      worker.on('message', (message) => {
        messages.push(message);
        if (message === 'done') resolve(message);
      });
      worker.once('error', reject);
    });
    try {
      await new Promise((resolve) => worker.once('message', resolve));
      // The claimant is blocked on the first part; had it read ahead, it would measure empty parts.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(messages).toEqual(['claiming']);
      publishParts(shared, PARTS);
      await done;
      expect([...partResults(shared)]).toEqual(PARTS.map((part) => part.length + 1));
    } finally {
      await worker.terminate();
    }
  });

  it('let claimants stop when writing fails, and rethrow the failure', () => {
    const parts = ['first'];
    Object.defineProperty(parts, 1, {
      get: () => {
        throw new Error('cannot read part 1');
      },
    });
    parts.length = 2;
    const shared = allocateSharedParts(['first', 'second']);
    expect(() => publishParts(shared, parts)).toThrow('cannot read part 1');
    const measured: string[] = [];
    claimParts(shared, (part) => measured.push(part));
    expect(measured).toEqual([]);
  });
});
