import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/mail/rate-limiter.js';

describe('rate limiter', () => {
  it('with no limit, every permission is immediate', async () => {
    const limiter = createRateLimiter({ perSecond: 0 });
    const began = performance.now();
    for (let i = 0; i < 100; i++) (await limiter.acquire())();
    expect(performance.now() - began).toBeLessThan(50);
  });

  it('spaces starts one interval apart from the very first, with no initial burst', async () => {
    const limiter = createRateLimiter({ perSecond: 100 }); // 10 ms
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const started = await limiter.acquire();
        starts.push(performance.now());
        started();
      }),
    );
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(9.5);
    expect(starts[9]! - starts[0]!).toBeGreaterThanOrEqual(90);
  });

  it('measures from when the event really started: a slow start delays the next permission', async () => {
    const limiter = createRateLimiter({ perSecond: 50 }); // 20 ms
    const first = await limiter.acquire();
    const secondPromise = limiter.acquire().then((started) => {
      started();
      return performance.now();
    });
    await new Promise((r) => setTimeout(r, 60)); // the first event takes 60 ms to begin (a new connection)
    const firstStart = performance.now();
    first();
    first(); // extra calls are ignored
    const secondAt = await secondPromise;
    expect(secondAt - firstStart).toBeGreaterThanOrEqual(19.5);
  });

  it('hands out permissions in call order', async () => {
    const limiter = createRateLimiter({ perSecond: 200 });
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        const started = await limiter.acquire();
        order.push(i);
        started();
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});
