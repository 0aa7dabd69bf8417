/**
 * Spaces events at least 1/rate seconds apart, from the very first one. nodemailer's own limiter
 * counts messages per one-second window and so lets a whole window's worth through at once; a
 * relay that allows "20 messages per second" usually means no burst either.
 *
 * The spacing is measured between the moments events *really happen*, not between permissions:
 * a permission (`acquire`) only says "you may start now", and the caller reports when its event
 * actually began (`started`). The next permission is given no sooner than one interval after
 * that. This matters for SMTP, where a message allowed at t = 0 may reach the server only after a
 * new connection's TCP, greeting and AUTH round trips, while the one allowed at t = 50 ms goes out
 * at once on a warm connection: spacing permissions alone would let both arrive together.
 */

/** Call when the event began (or when it is known it never will); extra calls are ignored. */
export type StartedCallback = () => void;

export interface RateLimiter {
  /** Resolves when the caller may start its event. Permissions are handed out in call order. */
  acquire(): Promise<StartedCallback>;
}

export interface RateLimiterOptions {
  /** Events per second; 0 (or less) means no limit. */
  readonly perSecond: number;
  /** Milliseconds on a monotonic clock; injectable for tests. */
  readonly now?: () => number;
}

const NOOP: StartedCallback = () => {};

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? (() => performance.now());
  if (!(options.perSecond > 0)) {
    return { acquire: () => Promise.resolve(NOOP) };
  }
  const interval = 1000 / options.perSecond;
  // Invariant: any two reported starts are at least `interval` apart on the `now` clock, because
  // each permission waits for the previous event's start and then for `interval` after it.
  let lastStart = -Infinity;
  let chain: Promise<void> = Promise.resolve();

  return {
    acquire(): Promise<StartedCallback> {
      return new Promise<StartedCallback>((grant) => {
        chain = chain.then(async () => {
          let wait = lastStart + interval - now();
          while (wait > 0) {
            // setTimeout may fire a fraction of a millisecond early; round up and check again.
            await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(wait)));
            wait = lastStart + interval - now();
          }
          await new Promise<void>((started) => {
            let called = false;
            grant(() => {
              if (called) return;
              called = true;
              lastStart = now();
              started();
            });
          });
        });
      });
    },
  };
}
