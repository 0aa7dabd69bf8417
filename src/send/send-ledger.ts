/**
 * What the send engine needs from the state store, declared here (the module that needs a
 * capability declares it). The SQLite store implements it; a PostgreSQL store with several
 * senders claiming from one list must be able to as well, so every operation is keyed by the
 * digest and may be synchronous or asynchronous.
 *
 * Contract the engine relies on:
 * - Recipients were frozen in the ledger before the engine runs, one row per subscriber.
 * - `claimNext` atomically moves up to `limit` rows that are `pending`, or `failed` with a
 *   retry time at or before `now`, to `sending`, counts the attempt, and returns them ordered by
 *   subscriber id. A row is never handed to two claimers.
 * - `markFailed(…, permanent: true, …)` also marks the subscriber bounced (a hard bounce).
 *   `nextAttemptAt: null` makes the failure final; a date makes the row claimable again then.
 */
import type { Delivery, SendSummary } from '../model/delivery.js';

export type MaybePromise<T> = T | Promise<T>;

/** A claimed row, now `sending`. `attempts` includes the attempt just claimed. */
export type ClaimedRecipient = Pick<Delivery, 'subscriberId' | 'email' | 'name' | 'attempts'>;

export interface SentMark {
  readonly subscriberId: number;
  readonly messageId: string;
  /** When the server accepted the message. */
  readonly at: Date;
}

/** The counts the engine reads; they partition `recipients` as in `gazette sends`. */
export type LedgerCounts = Pick<SendSummary, 'recipients' | 'sent' | 'failed' | 'pending' | 'uncertain'>;

export interface ClaimOptions {
  /** Rows whose retry time is at or before this are due. */
  readonly now: Date;
}

export interface SendLedger {
  claimNext(digestId: string, limit: number, options: ClaimOptions): MaybePromise<readonly ClaimedRecipient[]>;
  markSent(digestId: string, subscriberId: number, messageId: string, at: Date): MaybePromise<void>;
  /** Several `markSent` in one write. */
  markSentMany(digestId: string, rows: readonly SentMark[]): MaybePromise<void>;
  /** `at`: when the attempt failed (the engine's clock). */
  markFailed(
    digestId: string,
    subscriberId: number,
    error: string,
    permanent: boolean,
    nextAttemptAt: Date | null,
    at?: Date,
  ): MaybePromise<void>;
  /** Moves rows left `sending` (uncertain) back to `pending`; returns how many. */
  markUncertainAsPending(digestId: string): MaybePromise<number>;
  /**
   * Optional: the earliest retry time among `failed` rows that will be retried, or null if none.
   * Without it the engine waits only for the retries it scheduled itself in this run; rows left
   * waiting by an earlier run are sent once due by a later resume (and counted as pending).
   */
  nextAttemptAt?(digestId: string): MaybePromise<Date | null>;
  sendSummary(digestId: string): MaybePromise<LedgerCounts | null | undefined>;
}
