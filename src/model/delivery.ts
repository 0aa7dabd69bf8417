/**
 * Digests and the per-recipient delivery ledger: plain data, as the state store returns them.
 * Imports nothing.
 *
 * A send freezes its recipients first; each delivery then goes
 * `pending → sending → sent | failed`. `sending` is written before the SMTP call and `sent` after
 * the server accepted the message ("sent" means accepted by the SMTP server, not delivered). A
 * row still `sending` when no sender is running is *uncertain*: it may or may not have gone out.
 */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** `sending` until every recipient is settled (or the sender gave up for now: `paused`). */
export type DigestStatus = 'sending' | 'paused' | 'finished';

export const DIGEST_STATUSES: readonly DigestStatus[] = ['sending', 'paused', 'finished'];

const DIGEST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The one digest id rule of the store, the mailer and the archive: an id ends up in Message-IDs,
 * URLs and folder names, so it must be safe as one folder name and in a URL, and never "." or "..".
 */
export function isDigestId(id: string): boolean {
  return DIGEST_ID.test(id);
}

export interface DigestRecord {
  /** Chosen by the sender; stable, used in Message-IDs and the web version's URL. */
  readonly id: string;
  readonly createdAt: Date;
  readonly subject: string;
  /** GUIDs of the articles shown in the digest, in the order shown. */
  readonly articleIds: readonly string[];
  /**
   * GUIDs of every article the digest covers: the shown ones and the "and N more". None of them
   * is ever put in another digest.
   */
  readonly coveredIds: readonly string[];
  readonly status: DigestStatus;
  /** Why the digest is paused (or how it finished), for `gazette sends`. */
  readonly statusReason: string | null;
  readonly finishedAt: Date | null;
  /**
   * Opaque text the sender stores with the digest (the compiled message), so `resume` sends
   * exactly what the first run sent. The store never looks inside.
   */
  readonly payload: string | null;
}

/** One recipient of one digest. `email` and `name` are frozen copies taken when the send began. */
export interface Delivery {
  readonly digestId: string;
  readonly subscriberId: number;
  readonly email: string;
  readonly name: string | null;
  readonly status: DeliveryStatus;
  /** Attempts started (counted when the row is claimed, before the SMTP call). */
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastAttemptAt: Date | null;
  /** For `failed`: when it may be retried; null means the failure is final. */
  readonly nextAttemptAt: Date | null;
  readonly sentAt: Date | null;
  readonly messageId: string | null;
  /** The server refused the recipient for good (SMTP 5xx): a hard bounce. */
  readonly permanent: boolean;
}

/**
 * One line of `gazette sends --json`. Counts partition `recipients`:
 * `sent` accepted; `failed` final failures (hard bounces and exhausted retries); `pending` still to
 * send, including failures waiting for a retry; `uncertain` left in `sending` (reported, never
 * resent unless asked). `articles` counts every covered article, shown or not.
 */
export interface SendSummary {
  readonly id: string;
  /** ISO 8601 (UTC). */
  readonly created_at: string;
  readonly articles: number;
  readonly recipients: number;
  readonly sent: number;
  readonly failed: number;
  readonly pending: number;
  readonly uncertain: number;
  readonly status: DigestStatus;
}
