/**
 * What the send engine needs from a mail transport: hand over one complete, pre-built message and
 * learn how it went. Implementations: SMTP through nodemailer's pool (smtp-transport.ts) and a file
 * outbox (outbox-transport.ts); `createTransport` picks one from the config.
 *
 * Glossary: "sent" means the receiving server (or the outbox) accepted the message — an SMTP 250
 * after the end of DATA, or a file renamed into place — not that it was delivered to a mailbox.
 */

export interface OutgoingMessage {
  /** Envelope sender (MAIL FROM), a bare address. */
  readonly from: string;
  /** Envelope recipient (RCPT TO), a bare address. Exactly one per message. */
  readonly to: string;
  /** The complete RFC 5322 message with CRLF line ends; sent byte for byte, never re-encoded. */
  readonly raw: Buffer | string;
  /** The message's Message-ID (with or without angle brackets), for logs and the ledger. */
  readonly messageId: string;
}

/**
 * The result of one attempt. `permanent` failures are final for that recipient (an SMTP 5xx reply to
 * RCPT TO or DATA); every other failure — 4xx, timeouts, refused or dropped connections, a full disk —
 * is temporary and worth retrying later.
 */
export type SendOutcome =
  | { readonly ok: true; readonly response: string }
  | { readonly ok: false; readonly permanent: boolean; readonly code?: number; readonly response: string };

export interface Transport {
  /**
   * Sends one message. Resolves with the outcome and never rejects for a per-message failure; it
   * rejects (GazetteError 'MAIL') only when the transport cannot be used at all (closed). Safe to
   * call concurrently: the transport bounds what is really on the wire at once (`concurrency`).
   */
  send(message: OutgoingMessage): Promise<SendOutcome>;
  /** Waits for the messages in flight, then releases connections. Idempotent. */
  close(): Promise<void>;
  /** One line for logs and summaries, never a secret: "smtp 127.0.0.1:2525 (pool 5, 50 msg/s)". */
  describe(): string;
  /** How many sends are worth keeping in flight at once (SMTP: the pool's connections). */
  readonly concurrency: number;
}
