/** `gazette subscribers list --json`: the stable, documented shape of one subscriber. */
import type { Subscriber, SubscriberJson } from '../model/subscriber.js';

export function subscriberToJson(s: Subscriber): SubscriberJson {
  return { email: s.email, name: s.name, status: s.status, subscribed_at: s.subscribedAt?.toISOString() ?? null };
}
