/**
 * A site with a real SQLite state (src/state) in a temp folder: `count` active subscribers and one
 * digest whose audience is frozen, plus the per-recipient message factory the engine needs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageFactory } from '../../src/send/message-factory.js';
import type { SendLedger } from '../../src/send/send-ledger.js';
import { openStore, type Store } from '../../src/state/index.js';
import { fixtureMessage, recipients } from '../mail/message-fixture.js';

export const FIXED_TIME = new Date('2026-11-20T08:00:00Z');
export const DIGEST_ID = 'd-2026-11-20';

export interface SendSite {
  readonly root: string;
  readonly store: Store;
  readonly digestId: string;
  /** The addresses, in subscriber-id order. */
  readonly emails: readonly string[];
  cleanup(): Promise<void>;
}

export async function sendSite(count: number, options: { digestId?: string } = {}): Promise<SendSite> {
  const root = await mkdtemp(join(tmpdir(), 'gazette-send-'));
  const store = openStore(root);
  const emails = recipients(count);
  store.addSubscribers(emails.map((email, i) => ({ email, name: `Reader ${i + 1}`, source: 'cli', at: FIXED_TIME })));
  const digestId = options.digestId ?? DIGEST_ID;
  store.createDigest({ id: digestId, createdAt: FIXED_TIME, subject: 'Example News: 3 new articles', articleIds: ['a1', 'a2', 'a3'], coveredIds: ['a1', 'a2', 'a3'] });
  // Compile-time check: the real store is a SendLedger.
  const ledger: SendLedger = store;
  void ledger;
  return {
    root,
    store,
    digestId,
    emails,
    cleanup: async () => {
      store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Each recipient's message: a deterministic Message-ID from digest + subscriber id. */
export function makeMessageFor(digestId: string, padBytes = 0): MessageFactory {
  const pad = padBytes > 0 ? 'x'.repeat(76).concat('\n').repeat(Math.ceil(padBytes / 77)) : undefined;
  return (r) => {
    const m = fixtureMessage({ to: r.email, id: `${digestId}.${r.subscriberId}`, ...(pad ? { body: pad } : {}) });
    return { raw: m.raw, messageId: m.messageId, envelopeFrom: m.from, to: r.email };
  };
}

/** How many times each address was accepted by the server. */
export function acceptedCounts(accepted: readonly { to: readonly string[] }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of accepted) for (const to of a.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}
