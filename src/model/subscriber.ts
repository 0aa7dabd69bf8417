/**
 * Subscribers: plain data, as the state store returns them. Imports nothing.
 *
 * Status lifecycle: the web form creates `pending` (double opt-in); confirming, or an operator's
 * `add`/`import`, makes it `active`; the person's unsubscribe makes it `unsubscribed`; a hard bounce
 * (SMTP 5xx) makes it `bounced`. Rows are never deleted by an unsubscribe: the row and its events
 * are the consent record. Only `unsubscribed`/`bounced` → `active` needs the person's own action
 * (web confirm); an import never does it.
 */
export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'bounced';

export const SUBSCRIBER_STATUSES: readonly SubscriberStatus[] = ['pending', 'active', 'unsubscribed', 'bounced'];

export interface Subscriber {
  /** Stable, increasing in creation order, never reused: sends freeze and advance by it. */
  readonly id: number;
  /** Normalised: trimmed, domain lowercased, local part kept as written. */
  readonly email: string;
  readonly name: string | null;
  readonly status: SubscriberStatus;
  /** Consent time: when the operator vouched for the address or the person confirmed. */
  readonly subscribedAt: Date | null;
  /** Where the address came from: 'cli', 'import:subscribers.csv', 'web'. */
  readonly source: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly unsubscribedAt: Date | null;
}

/** One entry of a subscriber's history: every creation and status change, oldest first. */
export interface SubscriberEvent {
  readonly at: Date;
  /** The status the subscriber had after the event. */
  readonly status: SubscriberStatus;
  /** Who or what caused it: 'cli', 'import:file.csv', 'web', 'web:unsubscribe', 'bounce'. */
  readonly source: string;
}

/** The shape of `gazette subscribers list --json` rows. */
export interface SubscriberJson {
  readonly email: string;
  readonly name: string | null;
  readonly status: SubscriberStatus;
  /** ISO 8601 (UTC), or null when consent has not been given yet. */
  readonly subscribed_at: string | null;
}
