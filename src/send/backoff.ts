/**
 * Delay before retrying a temporary failure: exponential in the attempts already made, capped,
 * with "equal jitter" (half fixed, half random) so that recipients deferred together by a
 * struggling server do not all come back in the same instant, while no retry comes sooner than
 * half the nominal delay. Deterministic when `random` is.
 */
export function backoffDelay(attemptsMade: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const exponent = Math.max(0, Math.floor(attemptsMade) - 1);
  const nominal = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(exponent, 30));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(nominal / 2 + (r * nominal) / 2);
}
