import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffMs } from '../../src-main/sync/push';

describe('retry backoff', () => {
  it('grows exponentially with full jitter and is capped', () => {
    expect(backoffMs(0, () => 0.999)).toBeLessThan(BACKOFF_BASE_MS);
    expect(backoffMs(3, () => 0.999)).toBeLessThan(8 * BACKOFF_BASE_MS);
    expect(backoffMs(3, () => 0.999)).toBeGreaterThan(7 * BACKOFF_BASE_MS);
    expect(backoffMs(30, () => 0.999)).toBeLessThan(BACKOFF_MAX_MS);
    expect(backoffMs(30, () => 0.999)).toBeGreaterThan(BACKOFF_MAX_MS * 0.99);
    expect(backoffMs(5, () => 0)).toBe(0);
  });
  it('spreads clients that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffMs(6)));
    expect(delays.size).toBeGreaterThan(40);
  });
});
