/**
 * At most one confirmation mail per address per interval, whoever asks and from wherever: the
 * form must not become a way to flood someone's inbox. In memory: a restart forgets, which only
 * ever allows one extra mail. Bounded: expired keys are swept as new ones arrive, and past
 * `maxKeys` live keys new addresses are refused (the answer to the form stays the same).
 */

export interface AddressThrottle {
  /** True, and the slot taken, when `key` may get a mail at `now`. */
  take(key: string, now: number): boolean;
  /** Gives the slot back (the mail could not be sent, so a retry should not wait). */
  release(key: string): void;
}

export function createAddressThrottle(intervalMs: number, maxKeys = 100_000): AddressThrottle {
  const last = new Map<string, number>();
  let nextSweep = 0;
  const sweep = (now: number): void => {
    if (now < nextSweep && last.size < maxKeys) return;
    nextSweep = now + Math.min(intervalMs, 60_000);
    for (const [key, at] of last) if (now - at >= intervalMs) last.delete(key);
  };
  return {
    take(key, now) {
      sweep(now);
      const at = last.get(key);
      if (at !== undefined && now - at < intervalMs) return false;
      if (at === undefined && last.size >= maxKeys) return false;
      last.set(key, now);
      return true;
    },
    release(key) {
      last.delete(key);
    },
  };
}
