/**
 * The rules for adding an address that may already be on the list: one pure function, so every
 * store (SQLite now, PostgreSQL later) and every entry point (CLI add, CSV import, web form) applies
 * the same ones inside its own transaction.
 *
 * - A new address is inserted with the requested status (default `active`: the operator vouches).
 * - An existing address is merged, never duplicated: a new non-empty name replaces the old one;
 *   `pending` becomes `active` when the operator adds it; `active` is never downgraded to `pending`.
 * - `unsubscribed` and `bounced` addresses are never reactivated here: asking for `active` or
 *   `pending` is refused and changes nothing. Only an explicit status change (the person confirming
 *   a new subscription) can do that.
 * - Asking for `unsubscribed` or `bounced` applies it (importing a suppression list); a bounce does
 *   not overwrite the person's own unsubscribe.
 * Consent time (`subscribedAt`) is the first moment the address became active and is kept after.
 */
import type { Subscriber, SubscriberStatus } from '../model/subscriber.js';

export interface SubscriberInput {
  /** As given; the store validates and normalises it. */
  readonly email: string;
  /** A new display name; null/undefined/empty keeps the current one. */
  readonly name?: string | null;
  /** Default `active`. */
  readonly status?: SubscriberStatus;
  /** Consent time when known (an import's `subscribed_at`); default: `at` when it becomes active. */
  readonly subscribedAt?: Date | null;
  /** 'cli', 'import:file.csv', 'web'. */
  readonly source: string;
  readonly at: Date;
}

export type AddOutcome = 'added' | 'updated' | 'unchanged' | 'refused';

export interface AddResult {
  readonly outcome: AddOutcome;
  /** The subscriber as stored after the call. */
  readonly subscriber: Subscriber;
  /** Why nothing changed, for `refused`. */
  readonly reason?: string;
}

/** Input after normalisation by the store. */
export interface NormalizedSubscriberInput {
  readonly email: string;
  readonly name: string | null;
  readonly status: SubscriberStatus;
  readonly subscribedAt: Date | null | undefined;
  readonly source: string;
  readonly at: Date;
}

export interface SubscriberFields {
  readonly name: string | null;
  readonly status: SubscriberStatus;
  readonly subscribedAt: Date | null;
  readonly unsubscribedAt: Date | null;
}

export type SubscriberChange =
  | { readonly kind: 'insert'; readonly fields: SubscriberFields }
  | { readonly kind: 'update'; readonly fields: SubscriberFields; readonly statusChanged: boolean }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'refused'; readonly reason: string };

function insertFields(input: NormalizedSubscriberInput): SubscriberFields {
  const given = input.subscribedAt ?? null;
  switch (input.status) {
    case 'active':
      return { name: input.name, status: 'active', subscribedAt: given ?? input.at, unsubscribedAt: null };
    case 'pending':
      // No consent yet: it is given by confirming.
      return { name: input.name, status: 'pending', subscribedAt: null, unsubscribedAt: null };
    case 'unsubscribed':
      return { name: input.name, status: 'unsubscribed', subscribedAt: given, unsubscribedAt: input.at };
    case 'bounced':
      return { name: input.name, status: 'bounced', subscribedAt: given, unsubscribedAt: null };
  }
}

function nextStatus(existing: Subscriber, input: NormalizedSubscriberInput): SubscriberFields | string {
  const current: SubscriberFields = {
    name: existing.name,
    status: existing.status,
    subscribedAt: existing.subscribedAt,
    unsubscribedAt: existing.unsubscribedAt,
  };
  const inactive = existing.status === 'unsubscribed' || existing.status === 'bounced';
  switch (input.status) {
    case 'active':
    case 'pending':
      if (inactive) {
        return (
          `${existing.email} is ${existing.status}; adding or importing never reactivates an address ` +
          '(only the person can, by subscribing again)'
        );
      }
      if (input.status === 'active' && existing.status === 'pending') {
        return { ...current, status: 'active', subscribedAt: input.subscribedAt ?? input.at };
      }
      return current;
    case 'unsubscribed':
      return existing.status === 'unsubscribed'
        ? current
        : { ...current, status: 'unsubscribed', unsubscribedAt: input.at };
    case 'bounced':
      return inactive ? current : { ...current, status: 'bounced' };
  }
}

/** Decide what to write for `input`, given the row with the same key (if any). Pure. */
export function planSubscriberChange(
  existing: Subscriber | undefined,
  input: NormalizedSubscriberInput,
): SubscriberChange {
  if (!existing) return { kind: 'insert', fields: insertFields(input) };
  const next = nextStatus(existing, input);
  if (typeof next === 'string') return { kind: 'refused', reason: next };
  const fields: SubscriberFields = input.name !== null ? { ...next, name: input.name } : next;
  const statusChanged = fields.status !== existing.status;
  const changed =
    statusChanged ||
    fields.name !== existing.name ||
    fields.subscribedAt?.getTime() !== existing.subscribedAt?.getTime() ||
    fields.unsubscribedAt?.getTime() !== existing.unsubscribedAt?.getTime();
  return changed ? { kind: 'update', fields, statusChanged } : { kind: 'unchanged' };
}
