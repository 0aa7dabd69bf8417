/**
 * What the HTTP routes need from the subscription machinery, and nothing more. The routes parse,
 * validate and answer; this interface decides and remembers. `subscriptions.ts` implements it on
 * the state store, the token module and a mail transport; `commands/serve.ts` wires them.
 */

export interface SubscribeRequest {
  /** Already validated and normalised (`parseEmailAddress`). */
  readonly email: string;
  /** Already cleaned (`normalizeName`): one line, no control characters. */
  readonly name: string | null;
  /** The client's address, for the per-address throttle's log and nothing else. */
  readonly ip: string;
}

export type ConfirmResult = 'confirmed' | 'expired' | 'invalid';

export type UnsubscribePreview = { readonly ok: true; readonly email: string } | { readonly ok: false };

export type UnsubscribeResult = 'unsubscribed' | 'invalid';

export interface SubscriptionService {
  /**
   * Starts a double opt-in. Resolves the same way, and in about the same time, whether the address
   * is new, pending, active or unsubscribed: the confirmation mail (if any) is sent in the
   * background, so neither the answer nor its timing tells who is on the list.
   */
  subscribe(request: SubscribeRequest): Promise<void>;
  /** Activates the subscriber a valid, unexpired confirm token names; anything else changes nothing. */
  confirm(token: string): Promise<ConfirmResult>;
  /** Reads an unsubscribe token without acting on it (the GET page). */
  previewUnsubscribe(token: string): Promise<UnsubscribePreview>;
  /** Unsubscribes the subscriber a valid unsubscribe token names. Idempotent. */
  unsubscribe(token: string): Promise<UnsubscribeResult>;
}
