import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/send/backoff.js';

describe('backoffDelay', () => {
  it('doubles per attempt, between half and all of the nominal delay', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 0.999999)).toBe(1000);
    expect(backoffDelay(2, 1000, 60_000, () => 0)).toBe(1000);
    expect(backoffDelay(3, 1000, 60_000, () => 0.5)).toBe(3000);
    expect(backoffDelay(4, 1000, 60_000, () => 0)).toBe(4000);
  });

  it('is capped at maxDelayMs, even after very many attempts', () => {
    expect(backoffDelay(10, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelay(10_000, 1000, 60_000, () => 0)).toBe(30_000);
  });

  it('is the same for the same random sequence (deterministic jitter)', () => {
    const seq = (): (() => number) => {
      const values = [0.1, 0.7, 0.3];
      let i = 0;
      return () => values[i++ % values.length]!;
    };
    const a = seq();
    const b = seq();
    const run = (r: () => number): number[] => [1, 2, 3].map((n) => backoffDelay(n, 200, 10_000, r));
    expect(run(a)).toEqual(run(b));
    expect(run(seq())).toEqual([110, 340, 520]);
  });

  it('tolerates a random source outside [0, 1) and attempts below 1', () => {
    expect(backoffDelay(1, 100, 1000, () => -5)).toBe(50);
    expect(backoffDelay(1, 100, 1000, () => 7)).toBe(100);
    expect(backoffDelay(0, 100, 1000, () => 0)).toBe(50);
  });
});
