/**
 * The state store's contract, split per concern. Everything that keeps state between runs goes
 * through these interfaces; `openStore` (SQLite, embedded) implements them today, and a PostgreSQL
 * store for several senders on several machines can implement them later. So nothing here is
 * SQLite's: no connections, no SQL, no row ids; times are `Date`, ids are numbers or strings any
 * database can produce. A module that needs state declares the slice it uses (`Pick<Store, …>` or
 * one of these interfaces) and receives the store from `commands/`.
 *
 * All methods are synchronous (better-sqlite3). Writes on a read-only store throw a GazetteError
 * with code STATE, except the parse cache, whose writes are skipped (it is only an optimisation).
 */
import type { Delivery, DigestRecord, DigestStatus, SendSummary } from '../model/delivery.js';
import type { Subscriber, SubscriberEvent, SubscriberStatus } from '../model/subscriber.js';
import type { AddResult, SubscriberInput } from '../subscribers/merge-subscriber.js';

export type { AddOutcome, AddResult, SubscriberInput } from '../subscribers/merge-subscriber.js';

/** When each article (by GUID) was first seen, for articles without a date. */
export interface FirstSeenStore {
  firstSeen(id: string): Date | undefined;
  /** Idempotent: the first recorded time wins. Returns how many ids were new. */
  recordFirstSeen(entries: Iterable<FirstSeenEntry>): number;
}

export interface FirstSeenEntry {
  readonly id: string;
  /** Site-relative path of the article's source file, for diagnostics. */
  readonly sourcePath: string;
  readonly at: Date;
}

/** Parsed articles keyed by source path and a fingerprint of the file; the caller serialises. */
export interface ParseCacheStore {
  cacheGet(sourcePath: string, fingerprint: string): string | undefined;
  cacheSet(sourcePath: string, fingerprint: string, json: string): void;
  /** Many entries in one transaction. */
  cacheSetMany(entries: Iterable<ParseCacheEntry>): void;
  /** Every entry, in one query: the fast path for a build of thousands of files. */
  cacheLoadAll(): Map<string, { readonly fingerprint: string; readonly json: string }>;
  /** Forget every entry whose path is not in `keepPaths` (deleted files). Returns how many. */
  cachePrune(keepPaths: Iterable<string>): number;
}

export interface ParseCacheEntry {
  readonly sourcePath: string;
  readonly fingerprint: string;
  readonly json: string;
}

/** Small named values: the last completed schedule slot, the first-digest marker, … */
export interface MetaStore {
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  deleteMeta(key: string): void;
}

/** A subscriber by email address (any case; normalised first) or by id. */
export type SubscriberRef = string | number;

export interface SubscriberQuery {
  readonly status?: SubscriberStatus;
  /** Keyset pagination: only ids greater than this. */
  readonly afterId?: number;
  readonly limit?: number;
}

export type SubscriberCounts = Readonly<Record<SubscriberStatus | 'total', number>>;

export interface SubscriberStore {
  /**
   * Add an address or merge it into the existing row (rules: `planSubscriberChange`). Throws a
   * GazetteError naming the address when it is invalid.
   */
  addSubscriber(input: SubscriberInput): AddResult;
  /** Many in one transaction, in order (a later input sees the earlier ones). */
  addSubscribers(inputs: readonly SubscriberInput[]): AddResult[];
  getSubscriber(ref: SubscriberRef): Subscriber | undefined;
  /**
   * An explicit status change (confirm, unsubscribe, hard bounce, operator): any transition is
   * allowed. Becoming `active` sets the consent time to `at`; becoming `unsubscribed` sets
   * `unsubscribedAt`. Recorded in the history. Throws NOT_FOUND for an unknown subscriber.
   */
  setSubscriberStatus(ref: SubscriberRef, status: SubscriberStatus, at: Date, source: string): Subscriber;
  /**
   * Unsubscribe (the row and its history stay). With `purge`, delete the subscriber, their history
   * and their rows in every delivery ledger (erasure on request). Returns the subscriber as it was
   * left (or as it was before purging), undefined when unknown.
   */
  removeSubscriber(
    ref: SubscriberRef,
    opts: { readonly at: Date; readonly source: string; readonly purge?: boolean },
  ): Subscriber | undefined;
  /** Ordered by id. Without `limit`, every match: use `iterateSubscribers` for big lists. */
  listSubscribers(query?: SubscriberQuery): Subscriber[];
  /** Streams in id order, `batchSize` rows in memory at a time. */
  iterateSubscribers(query?: { readonly status?: SubscriberStatus; readonly batchSize?: number }): IterableIterator<Subscriber>;
  /** Active subscribers with id > afterId, in id order, streamed. */
  iterateActive(afterId?: number, batchSize?: number): IterableIterator<Subscriber>;
  countByStatus(): SubscriberCounts;
  subscriberHistory(ref: SubscriberRef): SubscriberEvent[];
}

export interface NewDigest {
  readonly id: string;
  readonly createdAt: Date;
  readonly subject: string;
  /** Shown, in order. Always covered too. */
  readonly articleIds: readonly string[];
  /** Everything the digest covers (shown and "and N more"). */
  readonly coveredIds: readonly string[];
  readonly payload?: string | null;
}

export interface ClaimOptions {
  /** Failed rows whose `nextAttemptAt` ≤ now are claimed again. */
  readonly now: Date;
  /**
   * Rows whose subscriber is no longer active (unsubscribed after the send began) are not
   * claimed but settled as final `failed` with "skipped: …" as the error. Default true.
   */
  readonly skipInactive?: boolean;
}

export interface SentEntry {
  readonly subscriberId: number;
  readonly messageId: string;
  readonly at: Date;
}

export interface DigestStore {
  /**
   * In one transaction: record the digest and the articles it covers, and freeze its audience:
   * every subscriber active at this moment becomes a `pending` delivery, in id order. Throws
   * (and records nothing) when the id exists or an article is already covered by another digest.
   */
  createDigest(digest: NewDigest): { readonly digest: DigestRecord; readonly recipients: number };
  getDigest(id: string): DigestRecord | undefined;
  /** Oldest first. */
  listDigests(query?: { readonly status?: DigestStatus }): DigestRecord[];
  setDigestStatus(id: string, status: DigestStatus, opts?: { readonly reason?: string | null; readonly at?: Date }): void;
  /** GUIDs of every article any digest covers: "new" means not in this set. */
  coveredArticleIds(): Set<string>;

  /**
   * Atomically move up to `limit` claimable rows (pending, or failed and due for a retry) to
   * `sending`, counting the attempt; returned in subscriber-id order. Two senders never get the
   * same row.
   */
  claimNext(digestId: string, limit: number, opts: ClaimOptions): Delivery[];
  /** The SMTP server accepted the message. */
  markSent(digestId: string, subscriberId: number, messageId: string, at: Date): void;
  markSentMany(digestId: string, entries: readonly SentEntry[]): void;
  /**
   * A failed attempt. `permanent`: the server refused the recipient for good (5xx): a hard bounce,
   * so in the same transaction an `active` subscriber becomes `bounced` (history source "bounce").
   * `nextAttemptAt`: when to retry; null (or `permanent`) makes the failure final.
   */
  markFailed(
    digestId: string,
    subscriberId: number,
    error: string,
    permanent: boolean,
    nextAttemptAt: Date | null,
    at?: Date,
  ): void;
  /** The earliest retry time among failures that will be retried, or null if there are none. */
  nextAttemptAt(digestId: string): Date | null;
  /** `--resend-uncertain`: rows left in `sending` go back to `pending`. Returns how many. */
  markUncertainAsPending(digestId: string): number;
  listDeliveries(digestId: string): Delivery[];
  iterateDeliveries(digestId: string, batchSize?: number): IterableIterator<Delivery>;
  /** Oldest first. `uncertain` counts rows in `sending`: only the caller knows if a sender runs. */
  sendSummaries(): SendSummary[];
  sendSummary(id: string): SendSummary | undefined;
}

/** Who holds an inter-process lock. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: Date;
}

export interface LockHolder extends LockOwner {
  readonly heartbeatAt: Date;
}

/**
 * Named locks shared by every process using the same state (publish, schedule, resume). A lock
 * is stale, and taken over, when its holder's pid is not running on this host, or when its last
 * heartbeat is older than `staleAfterMs` (a holder on another host, or a hung one).
 */
export interface LockStore {
  /** True when `owner` holds the lock afterwards (taking it over if stale; re-entrant). */
  acquireLock(name: string, owner: LockOwner, staleAfterMs: number, now?: Date): boolean;
  /** False when `owner` no longer holds it (it was taken over). */
  heartbeat(name: string, owner: LockOwner, now?: Date): boolean;
  /** Releases only if `owner` holds it. Returns whether it did. */
  releaseLock(name: string, owner: LockOwner): boolean;
  lockHolder(name: string): LockHolder | undefined;
}

export interface Store extends FirstSeenStore, ParseCacheStore, MetaStore, SubscriberStore, DigestStore, LockStore {
  /** Where the state lives, for messages ("/site/.gazette/gazette.db"). */
  readonly location: string;
  readonly readonly: boolean;
  close(): void;
}
