import { describe, expect, it } from 'vitest';
import { identifierRecall, needleRetention } from '../../bench/context/quality.js';

describe('compression quality on package docs and sources', () => {
  it('keeps every needle at ratio 0.5, and beats head truncation and random drops', async () => {
    const engine = await needleRetention({ ratio: 0.5, method: 'compress', trials: 20 });
    const head = await needleRetention({ ratio: 0.5, method: 'head', trials: 20 });
    const random = await needleRetention({ ratio: 0.5, method: 'random', trials: 20 });
    expect(engine.score).toBe(1);
    expect(engine.achievedRatio).toBeLessThanOrEqual(0.5);
    expect(engine.score).toBeGreaterThan(head.score);
    expect(engine.score).toBeGreaterThan(random.score);
  });

  it('keeps at least 95% of needles at ratio 0.25', async () => {
    const engine = await needleRetention({ ratio: 0.25, method: 'compress', trials: 20, seed: 7 });
    expect(engine.score).toBeGreaterThanOrEqual(0.95);
    expect(engine.achievedRatio).toBeLessThanOrEqual(0.25);
  });

  it('keeps at least 98% of exported signatures at ratio 0.5', async () => {
    const engine = await identifierRecall({ ratio: 0.5, method: 'compress' });
    const head = await identifierRecall({ ratio: 0.5, method: 'head' });
    expect(engine.trials).toBeGreaterThan(40);
    expect(engine.score).toBeGreaterThanOrEqual(0.98);
    expect(engine.achievedRatio).toBeLessThanOrEqual(0.5);
    expect(engine.score).toBeGreaterThan(head.score);
  });
});
