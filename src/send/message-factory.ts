/**
 * How the engine gets each recipient's message and hands it over. Both are declared here so the
 * engine depends on no digest builder and no mail library: `makeMessage` is the digest module's
 * per-recipient fill-in, and any `Transport` from src/mail satisfies `MessageSender`.
 */

export interface Recipient {
  readonly subscriberId: number;
  readonly email: string;
  readonly name: string | null;
}

export interface BuiltMessage {
  /** The complete RFC 5322 message, CRLF line ends. */
  readonly raw: Buffer | string;
  readonly messageId: string;
  /** Envelope sender (MAIL FROM), a bare address. */
  readonly envelopeFrom: string;
  /** Envelope recipient (RCPT TO), a bare address. */
  readonly to: string;
}

export type MessageFactory = (recipient: Recipient) => BuiltMessage | Promise<BuiltMessage>;

export type SendAttemptOutcome =
  | { readonly ok: true; readonly response: string }
  | { readonly ok: false; readonly permanent: boolean; readonly code?: number; readonly response: string };

export interface MessageSender {
  /** Resolves with the outcome; rejects only if the sender cannot be used at all. */
  send(message: { from: string; to: string; raw: Buffer | string; messageId: string }): Promise<SendAttemptOutcome>;
}
