/**
 * How hard a send tries. `attempts` and `maxConsecutiveFailures` come from the config
 * (`digest.attempts`, `digest.maxConsecutiveFailures`); `concurrency` from the transport.
 */
import { GazetteError } from '../errors.js';

export interface SendPolicy {
  /** Total attempts per recipient for temporary failures (4xx, connection faults), ≥ 1. */
  readonly attempts: number;
  /** Delay before the first retry; doubled for each further one (with jitter). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Pause the whole send after this many failures in a row (a sign the relay, not a recipient, is the problem). */
  readonly maxConsecutiveFailures: number;
  /**
   * Messages handed to the transport at once. Claims are made in batches of half this, so use
   * about twice the transport's `concurrency` (its connections) to keep every connection busy.
   * A crash leaves at most this many recipients uncertain (plus those accepted in the last
   * FLUSH_DELAY_MS, whose `sent` write was still buffered).
   */
  readonly concurrency: number;
}

export const DEFAULT_SEND_POLICY: SendPolicy = {
  attempts: 5,
  baseDelayMs: 2_000,
  maxDelayMs: 60_000,
  maxConsecutiveFailures: 20,
  concurrency: 10,
};

export function checkSendPolicy(policy: SendPolicy): SendPolicy {
  const problems: string[] = [];
  const int = (key: keyof SendPolicy, min: number): void => {
    const v = policy[key];
    if (!Number.isInteger(v) || v < min) problems.push(`${key} must be an integer ≥ ${min} (got ${String(v)})`);
  };
  int('attempts', 1);
  int('maxConsecutiveFailures', 1);
  int('concurrency', 1);
  for (const key of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) problems.push(`${key} must be a number ≥ 0 (got ${String(policy[key])})`);
  }
  if (problems.length) throw new GazetteError('SEND', `send policy: ${problems.join('; ')}`);
  return policy;
}
