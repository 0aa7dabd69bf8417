/**
 * The send engine: advances one digest's frozen recipient list through the ledger.
 *
 * Each recipient goes `pending → sending → sent | failed`, and the order of writes is what makes a
 * crash safe:
 * - a row is claimed (`sending`) before its message is handed to the transport, and only as many
 *   rows are claimed as there are free slots (`policy.concurrency`), so a crash leaves at most the
 *   messages in flight, plus the accepted ones whose `sent` write was still buffered
 *   (≤ FLUSH_MAX_ROWS, ≤ FLUSH_DELAY_MS old), in `sending` — reported as uncertain, never resent;
 * - `sent` is written only after the transport reported the server's acceptance, never before;
 * - a temporary failure is written as `failed` with a retry time, so a resumed send picks it up.
 *
 * Stopping is two-phase (abort signal, or `maxConsecutiveFailures` failures in a row = pause):
 * stop claiming, then let the messages in flight finish and record them.
 */
import { GazetteError } from '../errors.js';
import { backoffDelay } from './backoff.js';
import type { BuiltMessage, MessageFactory, MessageSender, SendAttemptOutcome } from './message-factory.js';
import { checkSendPolicy, type SendPolicy } from './send-policy.js';
import type { ClaimedRecipient, LedgerCounts, SendLedger, SentMark } from './send-ledger.js';

/** Accepted messages are recorded in batches of at most this many rows… */
export const FLUSH_MAX_ROWS = 50;
/** …and at most this long after the server's reply. */
export const FLUSH_DELAY_MS = 100;
/** Progress callbacks come at most this often (plus one at the end). */
export const PROGRESS_INTERVAL_MS = 200;

export interface SendProgress {
  readonly sent: number;
  /** Final failures (hard bounces and exhausted retries). */
  readonly failed: number;
  /** Still to send, including those in flight and those waiting for a retry. */
  readonly pending: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface SendReport extends LedgerCounts {
  /** Stopped because `maxConsecutiveFailures` failures came in a row; resumable. */
  readonly paused: boolean;
  /** Stopped by the abort signal; resumable. */
  readonly aborted: boolean;
  /** Accepted / finally failed during this run (the other counts cover the whole digest). */
  readonly sentThisRun: number;
  readonly failedThisRun: number;
  readonly durationMs: number;
}

export interface RunSendOptions {
  readonly digestId: string;
  readonly ledger: SendLedger;
  readonly transport: MessageSender;
  readonly makeMessage: MessageFactory;
  readonly policy: SendPolicy;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SendProgress) => void;
  /** Move rows left `sending` by a crash back to `pending` first, and so send them again. */
  readonly resendUncertain?: boolean;
  /** Wall clock for the ledger's timestamps. */
  readonly clock?: () => Date;
  /** Waits `ms`, or less if `signal` aborts; never rejects. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1); inject a seeded one for deterministic retry times. */
  readonly random?: () => number;
}

export async function runSend(options: RunSendOptions): Promise<SendReport> {
  const { digestId, ledger, transport, makeMessage, onProgress } = options;
  const policy = checkSendPolicy(options.policy);
  const clock = options.clock ?? (() => new Date());
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const signal = options.signal ?? new AbortController().signal;
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);

  if (options.resendUncertain) await ledger.markUncertainAsPending(digestId);
  const initial = await ledger.sendSummary(digestId);
  if (!initial) throw new GazetteError('NOT_FOUND', `digest ${digestId}: no such send in the ledger`);

  let sentThisRun = 0;
  let failedThisRun = 0;
  let consecutiveFailures = 0;
  let paused = false;
  // An error that ends the send (ledger write failed, transport unusable); thrown once the
  // messages in flight are recorded.
  const state: { fatal: { error: unknown } | null } = { fatal: null };
  const inFlight = new Set<Promise<void>>();
  /** Retries this run scheduled and has not claimed yet: subscriber id → due time (ms). */
  const retries = new Map<number, number>();

  // --- progress ---------------------------------------------------------------------------
  let lastProgressAt = -Infinity;
  const progress = (force: boolean): void => {
    if (!onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
    lastProgressAt = now;
    onProgress({
      sent: initial.sent + sentThisRun,
      failed: initial.failed + failedThisRun,
      pending: Math.max(0, initial.pending - sentThisRun - failedThisRun),
      total: initial.recipients,
      elapsedMs: elapsed(),
    });
  };

  // --- buffered `sent` writes ---------------------------------------------------------------
  let buffer: SentMark[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (buffer.length === 0) return flushing;
    const rows = buffer;
    buffer = [];
    // Serialised: one write at a time, in the order the replies came.
    flushing = flushing.then(async () => {
      try {
        await ledger.markSentMany(digestId, rows);
      } catch (error) {
        state.fatal ??= { error };
      }
    });
    return flushing;
  };
  const recordSent = (mark: SentMark): void => {
    buffer.push(mark);
    if (buffer.length >= FLUSH_MAX_ROWS) void flush();
    else flushTimer ??= setTimeout(() => void flush(), FLUSH_DELAY_MS);
  };

  // --- one recipient ------------------------------------------------------------------------
  const failure = (): void => {
    consecutiveFailures++;
    if (consecutiveFailures >= policy.maxConsecutiveFailures) paused = true;
  };

  const deliver = async (row: ClaimedRecipient): Promise<void> => {
    let message: BuiltMessage;
    try {
      message = await makeMessage({ subscriberId: row.subscriberId, email: row.email, name: row.name });
    } catch (error) {
      // Building this one message failed (bad data for this recipient): final for this send,
      // but not a bounce, since no server ever refused the address.
      failure();
      failedThisRun++;
      await ledger.markFailed(digestId, row.subscriberId, `cannot build the message: ${errorText(error)}`, false, null, clock());
      return;
    }
    const messageId = message.messageId;
    let outcome: SendAttemptOutcome;
    try {
      outcome = await transport.send({ from: message.envelopeFrom, to: message.to, raw: message.raw, messageId });
    } catch (error) {
      // The transport is unusable (closed, misconfigured): the message was not handed over.
      // Leave the row retryable at once, for a resume once fixed, and stop the send.
      state.fatal ??= { error };
      const now = clock();
      await ledger.markFailed(digestId, row.subscriberId, `not sent: ${errorText(error)}`, false, now, now);
      return;
    }

    if (outcome.ok) {
      consecutiveFailures = 0;
      sentThisRun++;
      recordSent({ subscriberId: row.subscriberId, messageId, at: clock() });
      return;
    }
    failure();
    const reason = outcome.code !== undefined && !outcome.response.startsWith(String(outcome.code))
      ? `${outcome.code} ${outcome.response}`
      : outcome.response;
    if (outcome.permanent || row.attempts >= policy.attempts) {
      failedThisRun++;
      const final = outcome.permanent ? reason : `${reason} (gave up after ${row.attempts} attempts)`;
      await ledger.markFailed(digestId, row.subscriberId, final, outcome.permanent, null, clock());
    } else {
      const delay = backoffDelay(row.attempts, policy.baseDelayMs, policy.maxDelayMs, random);
      const now = clock();
      const retryAt = now.getTime() + delay;
      await ledger.markFailed(digestId, row.subscriberId, reason, false, new Date(retryAt), now);
      retries.set(row.subscriberId, retryAt);
    }
  };

  const start = (row: ClaimedRecipient): void => {
    const task: Promise<void> = deliver(row)
      .catch((error: unknown) => {
        state.fatal ??= { error };
      })
      .finally(() => {
        inFlight.delete(task);
        progress(false);
      });
    inFlight.add(task);
  };

  /** When the next retry is due (ms), from the ledger if it can tell, else from this run's own. */
  const nextRetry = async (): Promise<number | null> => {
    let next: number | null = null;
    for (const at of retries.values()) next = next === null ? at : Math.min(next, at);
    const fromLedger = ledger.nextAttemptAt ? await ledger.nextAttemptAt(digestId) : null;
    if (fromLedger) next = next === null ? fromLedger.getTime() : Math.min(next, fromLedger.getTime());
    return next;
  };

  // --- the loop: claim into free slots, wait for a slot, a due retry or the signal -----------
  const stopped = (): boolean => signal.aborted || paused || state.fatal !== null;
  const refillAt = Math.ceil(policy.concurrency / 2);
  let idleChecks = 0;
  try {
    progress(true);
    while (!stopped()) {
      const free = policy.concurrency - inFlight.size;
      // Claims are batched: each is a durable write (an fsync), so refilling one slot at a time
      // would make the ledger, not SMTP, the bottleneck. Refill once half the slots are free,
      // or at once when nothing is in flight.
      if (free >= refillAt || (free > 0 && inFlight.size === 0)) {
        const claimedAt = clock();
        const rows = await ledger.claimNext(digestId, free, { now: claimedAt });
        for (const row of rows) {
          retries.delete(row.subscriberId);
          start(row);
        }
        if (rows.length === free) {
          idleChecks = 0;
          continue;
        }
        // A retry that was due yet not returned is no longer ours to send (another sender took
        // it, or it was settled): forget it.
        for (const [id, at] of retries) if (at <= claimedAt.getTime()) retries.delete(id);
      }
      // Fewer rows than slots: anything left is in flight or waiting for a retry time.
      const next = inFlight.size <= policy.concurrency - refillAt ? await nextRetry() : null;
      if (inFlight.size === 0 && next === null) break; // done: nothing to send, nothing to wait for
      let waitMs = next === null ? Infinity : next - clock().getTime();
      if (waitMs <= 0) {
        // Due, yet not claimable (another sender took it, or clocks disagree): do not spin.
        if (++idleChecks > 3 && inFlight.size === 0) break;
        waitMs = 25;
      } else {
        idleChecks = 0;
      }
      await waitForAny([...inFlight], waitMs, signal, sleep);
    }
  } finally {
    // Phase two of every stop: what was handed over finishes and is recorded.
    await Promise.all([...inFlight]);
    await flush();
  }
  if (state.fatal) throw state.fatal.error;

  progress(true);
  const final = await ledger.sendSummary(digestId);
  if (!final) throw new GazetteError('STATE', `digest ${digestId}: disappeared from the ledger during the send`);
  return {
    recipients: final.recipients,
    sent: final.sent,
    failed: final.failed,
    pending: final.pending,
    uncertain: final.uncertain,
    paused,
    aborted: signal.aborted,
    sentThisRun,
    failedThisRun,
    durationMs: elapsed(),
  };
}

/** Resolves when one task settles, `ms` pass, or the signal aborts — whichever is first. */
async function waitForAny(
  tasks: readonly Promise<void>[],
  ms: number,
  signal: AbortSignal,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const wake = new AbortController();
  const both = AbortSignal.any([signal, wake.signal]);
  const waiters: Promise<void>[] = [...tasks];
  if (Number.isFinite(ms)) waiters.push(sleep(ms, both));
  else waiters.push(new Promise<void>((resolve) => both.addEventListener('abort', () => resolve(), { once: true })));
  try {
    await Promise.race(waiters);
  } finally {
    wake.abort(); // release the timer and listeners of whichever waiter lost
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 500);
}
