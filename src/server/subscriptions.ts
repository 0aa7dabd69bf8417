/**
 * The SubscriptionService the HTTP routes use, on the real parts: the subscriber store, signed
 * tokens and a mail transport.
 *
 * Rules (double opt-in, RFC 8058 one-click, no enumeration):
 * - subscribe: a new address is stored as `pending` (source "web") and gets a confirmation mail;
 *   a pending, unsubscribed or bounced one gets a confirmation mail and keeps its status until the
 *   person confirms; an active one gets nothing. At most one mail per address per interval. The
 *   mail is sent in the background, so the answer and its timing are the same in every case.
 * - confirm: a valid, unexpired token makes its subscriber `active`, which records the consent time;
 *   the event's source is "web:confirm". Already active: nothing to do, still "confirmed".
 * - unsubscribe: a valid token makes its subscriber `unsubscribed` (source "web:unsubscribe").
 *   Already unsubscribed, or no longer in the store (purged): nothing to do, still "unsubscribed".
 * Invalid, tampered or foreign tokens change nothing.
 */
import { isGazetteError } from '../errors.js';
import type { Site } from '../model/index.js';
import type { Transport } from '../mail/transport.js';
import type { SubscriberRef, SubscriberStore } from '../state/store.js';
import { CONFIRM_TOKEN_TTL_HOURS, confirmUrl, verifyToken, type TokenSecret } from '../tokens/index.js';
import { createAddressThrottle } from './address-throttle.js';
import { buildConfirmationMail } from './confirmation-mail.js';
import type {
  ConfirmResult,
  SubscribeRequest,
  SubscriptionService,
  UnsubscribePreview,
  UnsubscribeResult,
} from './subscription-service.js';

export interface SubscriptionMailConfig {
  readonly from: string;
  readonly replyTo?: string;
  readonly postalAddress: string;
}

export interface SubscriptionsOptions {
  readonly store: Pick<SubscriberStore, 'addSubscriber' | 'getSubscriber' | 'setSubscriberStatus'>;
  readonly secret: TokenSecret;
  readonly transport: Transport;
  readonly site: Pick<Site, 'title' | 'url'>;
  readonly email: SubscriptionMailConfig;
  readonly now?: () => Date;
  /** Least time between two confirmation mails to one address. Default 10 minutes. */
  readonly addressIntervalMs?: number;
  /** Problems worth the operator's attention (a mail that could not be sent). Never a secret. */
  readonly warn?: (message: string) => void;
}

export interface Subscriptions extends SubscriptionService {
  /** Resolves when every confirmation mail started so far has been handed to the transport. */
  idle(): Promise<void>;
}

export const WEB_SOURCE = 'web';
export const CONFIRM_SOURCE = 'web:confirm';
export const UNSUBSCRIBE_SOURCE = 'web:unsubscribe';

export function createSubscriptions(options: SubscriptionsOptions): Subscriptions {
  const { store, secret, transport, site, email } = options;
  const clock = options.now ?? (() => new Date());
  const warn = options.warn ?? (() => {});
  const throttle = createAddressThrottle(options.addressIntervalMs ?? 10 * 60 * 1000);
  const inFlight = new Set<Promise<void>>();

  const sendConfirmation = async (address: string, name: string | null, key: string, now: Date): Promise<void> => {
    try {
      const mail = await buildConfirmationMail({
        siteTitle: site.title,
        siteUrl: site.url,
        from: email.from,
        ...(email.replyTo ? { replyTo: email.replyTo } : {}),
        postalAddress: email.postalAddress,
        to: { email: address, name },
        link: confirmUrl(site.url, secret, address, now),
        validHours: CONFIRM_TOKEN_TTL_HOURS,
        now,
      });
      const outcome = await transport.send({ from: mail.envelopeFrom, to: address, raw: mail.raw, messageId: mail.messageId });
      if (!outcome.ok) {
        if (!outcome.permanent) throttle.release(key);
        warn(`confirmation mail to ${address} not sent: ${outcome.response}`);
      }
    } catch (e) {
      throttle.release(key);
      warn(`confirmation mail to ${address} not sent: ${(e as Error).message}`);
    }
  };

  const verify = (token: string, purpose: 'confirm' | 'unsubscribe'): string | null =>
    verifyToken(secret, token, purpose, clock())?.subscriber ?? null;

  return {
    async subscribe(request: SubscribeRequest): Promise<void> {
      const now = clock();
      let subscriber;
      try {
        // Never reactivates: an unsubscribed or bounced row is "refused" and left as it is.
        subscriber = store.addSubscriber({ email: request.email, name: request.name, status: 'pending', source: WEB_SOURCE, at: now }).subscriber;
      } catch (e) {
        if (!isGazetteError(e)) throw e;
        warn(`subscribe from ${request.ip}: ${e.message}`);
        return;
      }
      if (subscriber.status === 'active') return;
      const key = String(subscriber.id);
      if (!throttle.take(key, now.getTime())) return;
      const job = sendConfirmation(subscriber.email, request.name ?? subscriber.name, key, now);
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
    },

    async confirm(token: string): Promise<ConfirmResult> {
      const who = verify(token, 'confirm');
      if (who === null) {
        // Signed by us and well-formed, but past its time? Checked against the epoch, which every
        // expiry is after: only the signature and purpose are tested then.
        return verifyToken(secret, token, 'confirm', new Date(0)) ? 'expired' : 'invalid';
      }
      const subscriber = store.getSubscriber(refOf(who));
      if (!subscriber) return 'invalid';
      if (subscriber.status !== 'active') store.setSubscriberStatus(subscriber.id, 'active', clock(), CONFIRM_SOURCE);
      return 'confirmed';
    },

    async previewUnsubscribe(token: string): Promise<UnsubscribePreview> {
      const who = verify(token, 'unsubscribe');
      if (who === null) return { ok: false };
      const subscriber = store.getSubscriber(refOf(who));
      return { ok: true, email: subscriber?.email ?? who };
    },

    async unsubscribe(token: string): Promise<UnsubscribeResult> {
      const who = verify(token, 'unsubscribe');
      if (who === null) return 'invalid';
      const subscriber = store.getSubscriber(refOf(who));
      if (subscriber && subscriber.status !== 'unsubscribed') {
        store.setSubscriberStatus(subscriber.id, 'unsubscribed', clock(), UNSUBSCRIBE_SOURCE);
      }
      return 'unsubscribed';
    },

    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** Tokens name a subscriber by address, or by the store's numeric id. */
function refOf(subscriber: string): SubscriberRef {
  return /^\d+$/.test(subscriber) ? Number(subscriber) : subscriber;
}
