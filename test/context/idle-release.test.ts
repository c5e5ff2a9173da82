import { afterEach, describe, expect, it, vi } from 'vitest';
import { IdleRelease } from '../../src/context/idle-release.js';

describe('IdleRelease', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('makes its value on first use, keeps it while used and lets it go after the idle time', () => {
    vi.useFakeTimers();
    let made = 0;
    const value = new IdleRelease(() => ({ serial: ++made }), 1000);
    expect(value.held).toBe(false);
    expect(value.get()).toEqual({ serial: 1 });
    vi.advanceTimersByTime(900);
    // Each use starts the idle time again.
    expect(value.get()).toEqual({ serial: 1 });
    vi.advanceTimersByTime(900);
    expect(value.held).toBe(true);
    vi.advanceTimersByTime(100);
    expect(value.held).toBe(false);
    expect(value.get()).toEqual({ serial: 2 });
    expect(value.held).toBe(true);
  });

  it('tries again on next use when it could not make the value', () => {
    let attempts = 0;
    const value = new IdleRelease(() => (++attempts > 1 ? 'made' : undefined), 1000);
    expect(value.get()).toBeUndefined();
    expect(value.get()).toBe('made');
    expect(attempts).toBe(2);
  });
});
