/**
 * The behaviour every Store must have, whatever the database: run against SQLite by
 * sqlite-store.test.ts, and against any future store (PostgreSQL) by its own test file.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import type { Store } from '../../src/state/store.js';
import { at, newDigest, subscriberInput, T0 } from './fixtures.js';

/** The content stage's interface, restated so a signature drift fails to compile here. */
interface FirstSeenLedger {
  firstSeen(id: string): Date | undefined;
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

function expectGazetteError(fn: () => unknown, code: string, fragment: string | RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GazetteError);
    expect((error as GazetteError).code).toBe(code);
    expect((error as GazetteError).message).toMatch(fragment);
    return;
  }
  expect.unreachable('expected a GazetteError');
}

export function describeStoreContract(name: string, open: () => { store: Store; cleanup: () => void }): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => void;

    beforeEach(() => {
      ({ store, cleanup } = open());
    });
    afterEach(() => {
      store.close();
      cleanup();
    });

    function addMany(count: number, overrides = {}): void {
      store.addSubscribers(Array.from({ length: count }, (_, i) => subscriberInput(i + 1, overrides)));
    }

    describe('subscribers', () => {
      it('normalises the address: trimmed, domain lowercased, local part kept', () => {
        const { outcome, subscriber } = store.addSubscriber(
          subscriberInput(1, { email: '  Ann.Lee@Example.ORG \n', name: ' Ann  Lee ' }),
        );
        expect(outcome).toBe('added');
        expect(subscriber).toMatchObject({
          email: 'Ann.Lee@example.org',
          name: 'Ann Lee',
          status: 'active',
          source: 'cli',
          unsubscribedAt: null,
        });
        expect(subscriber.subscribedAt).toEqual(T0);
        expect(subscriber.createdAt).toEqual(T0);
        expect(store.getSubscriber('ann.lee@EXAMPLE.org')?.id).toBe(subscriber.id);
        expect(store.getSubscriber(subscriber.id)?.email).toBe('Ann.Lee@example.org');
        expect(store.getSubscriber('someone@example.org')).toBeUndefined();
      });

      it('treats the same address in another case as the same subscriber', () => {
        store.addSubscriber(subscriberInput(1, { email: 'ann@example.org', name: 'Ann' }));
        expect(store.addSubscriber(subscriberInput(1, { email: 'ANN@EXAMPLE.ORG', name: null })).outcome).toBe('unchanged');
        const renamed = store.addSubscriber(subscriberInput(1, { email: 'Ann@Example.org', name: 'Ann B.', at: at(5) }));
        expect(renamed.outcome).toBe('updated');
        expect(renamed.subscriber).toMatchObject({ email: 'ann@example.org', name: 'Ann B.' });
        expect(renamed.subscriber.updatedAt).toEqual(at(5));
        expect(store.countByStatus()).toEqual({ pending: 0, active: 1, unsubscribed: 0, bounced: 0, total: 1 });
      });

      it('rejects an invalid address with an error naming it, and stores nothing', () => {
        expectGazetteError(() => store.addSubscriber(subscriberInput(1, { email: 'not-an-address' })), 'USAGE', /"not-an-address"/);
        expectGazetteError(
          () => store.addSubscriber(subscriberInput(1, { email: 'a@example.org\r\nBcc: victim@example.net' })),
          'USAGE',
          /line break/,
        );
        expectGazetteError(() => store.addSubscriber(subscriberInput(1, { email: 'Ann <ann@example.org>' })), 'USAGE', /bare address/);
        expect(store.countByStatus().total).toBe(0);
      });

      it('keeps unicode: IDN domains, UTF-8 local parts and names; cleans control characters out of names', () => {
        const idn = store.addSubscriber(subscriberInput(1, { email: 'zoë@Bücher.DE', name: 'Zoë 山田\u0007\r\nBcc: x' })).subscriber;
        expect(idn.email).toBe('zoë@bücher.de');
        expect(idn.name).toBe('Zoë 山田 Bcc: x');
        // The punycode spelling of the same domain is the same subscriber.
        expect(store.getSubscriber('ZOË@xn--bcher-kva.de')?.id).toBe(idn.id);
        const rtl = store.addSubscriber(subscriberInput(2, { name: '\u202Egnp.exe\u202C Ann' })).subscriber;
        expect(rtl.name).toBe('gnp.exe Ann');
      });

      it('activates a pending address when the operator adds it, with the consent time', () => {
        store.addSubscriber(subscriberInput(1, { status: 'pending', source: 'web' }));
        expect(store.getSubscriber('reader1@example.org')).toMatchObject({ status: 'pending', subscribedAt: null, source: 'web' });
        const result = store.addSubscriber(subscriberInput(1, { at: at(10) }));
        expect(result.outcome).toBe('updated');
        expect(result.subscriber).toMatchObject({ status: 'active', subscribedAt: at(10), source: 'web' });
      });

      it('never reactivates an unsubscribed or bounced address by adding it', () => {
        store.addSubscriber(subscriberInput(1));
        store.addSubscriber(subscriberInput(2));
        store.setSubscriberStatus('reader1@example.org', 'unsubscribed', at(1), 'web:unsubscribe');
        store.setSubscriberStatus(2, 'bounced', at(1), 'bounce');
        for (const n of [1, 2]) {
          for (const status of ['active', 'pending'] as const) {
            const result = store.addSubscriber(subscriberInput(n, { status, name: 'New Name', at: at(2) }));
            expect(result.outcome).toBe('refused');
            expect(result.reason).toMatch(/never reactivates/);
          }
        }
        expect(store.getSubscriber(1)).toMatchObject({ status: 'unsubscribed', name: 'Reader 1' });
        expect(store.getSubscriber(2)).toMatchObject({ status: 'bounced', name: 'Reader 2' });
      });

      it('applies an unsubscribe or bounce asked for by an add (a suppression list), but a bounce never hides an unsubscribe', () => {
        store.addSubscriber(subscriberInput(1));
        store.addSubscriber(subscriberInput(2));
        expect(store.addSubscriber(subscriberInput(1, { status: 'unsubscribed', at: at(3) })).subscriber).toMatchObject({
          status: 'unsubscribed',
          unsubscribedAt: at(3),
        });
        expect(store.addSubscriber(subscriberInput(1, { status: 'bounced' })).outcome).toBe('unchanged');
        expect(store.addSubscriber(subscriberInput(2, { status: 'bounced' })).subscriber.status).toBe('bounced');
        const fresh = store.addSubscriber(subscriberInput(3, { status: 'unsubscribed', subscribedAt: at(-100), at: at(4) }));
        expect(fresh.subscriber).toMatchObject({ status: 'unsubscribed', subscribedAt: at(-100), unsubscribedAt: at(4) });
      });

      it('changes status explicitly with timestamps and keeps the history', () => {
        store.addSubscriber(subscriberInput(1, { status: 'pending', source: 'web' }));
        store.setSubscriberStatus('reader1@example.org', 'active', at(1), 'web:confirm');
        const gone = store.setSubscriberStatus('reader1@example.org', 'unsubscribed', at(2), 'web:unsubscribe');
        expect(gone).toMatchObject({ status: 'unsubscribed', subscribedAt: at(1), unsubscribedAt: at(2) });
        const back = store.setSubscriberStatus('reader1@example.org', 'active', at(3), 'web:confirm');
        expect(back).toMatchObject({ status: 'active', subscribedAt: at(3), unsubscribedAt: null });
        // Asking for the status it already has records nothing.
        store.setSubscriberStatus('reader1@example.org', 'active', at(4), 'cli');
        expect(store.subscriberHistory('reader1@example.org')).toEqual([
          { at: T0, status: 'pending', source: 'web' },
          { at: at(1), status: 'active', source: 'web:confirm' },
          { at: at(2), status: 'unsubscribed', source: 'web:unsubscribe' },
          { at: at(3), status: 'active', source: 'web:confirm' },
        ]);
        expectGazetteError(
          () => store.setSubscriberStatus('nobody@example.org', 'active', at(1), 'cli'),
          'NOT_FOUND',
          /nobody@example.org/,
        );
      });

      it('removes by unsubscribing (row and history kept); purge deletes the person everywhere', () => {
        addMany(2);
        store.createDigest(newDigest('d1'));
        const removed = store.removeSubscriber('READER1@example.org', { at: at(5), source: 'cli' });
        expect(removed).toMatchObject({ status: 'unsubscribed', unsubscribedAt: at(5) });
        expect(store.getSubscriber(1)?.status).toBe('unsubscribed');
        expect(store.subscriberHistory(1).map((e) => e.status)).toEqual(['active', 'unsubscribed']);

        const purged = store.removeSubscriber('reader2@example.org', { at: at(6), source: 'cli', purge: true });
        expect(purged?.email).toBe('reader2@example.org');
        expect(store.getSubscriber('reader2@example.org')).toBeUndefined();
        expect(store.subscriberHistory(2)).toEqual([]);
        expect(store.listDeliveries('d1').map((d) => d.email)).toEqual(['reader1@example.org']);
        expect(store.removeSubscriber('nobody@example.org', { at: at(7), source: 'cli' })).toBeUndefined();
        // Ids are never reused: a new subscriber after a purge gets a new id.
        expect(store.addSubscriber(subscriberInput(3)).subscriber.id).toBe(3);
      });

      it('lists in id order, filters, pages and counts', () => {
        addMany(7);
        store.setSubscriberStatus(2, 'unsubscribed', at(1), 'cli');
        store.setSubscriberStatus(5, 'bounced', at(1), 'bounce');
        store.addSubscriber(subscriberInput(8, { status: 'pending', source: 'web' }));
        expect(store.listSubscribers().map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(store.listSubscribers({ status: 'active' }).map((s) => s.id)).toEqual([1, 3, 4, 6, 7]);
        expect(store.listSubscribers({ afterId: 3, limit: 2 }).map((s) => s.id)).toEqual([4, 5]);
        expect(store.countByStatus()).toEqual({ pending: 1, active: 5, unsubscribed: 1, bounced: 1, total: 8 });
      });

      it('streams active subscribers after an id, across page boundaries', () => {
        addMany(9);
        store.setSubscriberStatus(4, 'unsubscribed', at(1), 'cli');
        expect([...store.iterateActive(0, 2)].map((s) => s.id)).toEqual([1, 2, 3, 5, 6, 7, 8, 9]);
        expect([...store.iterateActive(5, 3)].map((s) => s.id)).toEqual([6, 7, 8, 9]);
        expect([...store.iterateSubscribers({ batchSize: 4 })].map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect([...store.iterateSubscribers({ status: 'unsubscribed', batchSize: 1 })].map((s) => s.id)).toEqual([4]);
      });

      it('lets the caller write between streamed rows', () => {
        addMany(5);
        for (const s of store.iterateActive(0, 2)) {
          if (s.id % 2 === 0) store.setSubscriberStatus(s.id, 'unsubscribed', at(1), 'cli');
        }
        expect(store.countByStatus().unsubscribed).toBe(2);
      });
    });

    describe('digests and the delivery ledger', () => {
      it('freezes the active audience in id order when the digest is created', () => {
        addMany(5);
        store.setSubscriberStatus(3, 'unsubscribed', at(1), 'cli');
        store.addSubscriber(subscriberInput(6, { status: 'pending', source: 'web' }));
        const { digest, recipients } = store.createDigest(newDigest('d1', { payload: '{"html":"<p>hi</p>"}' }));
        expect(recipients).toBe(4);
        expect(digest).toEqual({
          id: 'd1',
          createdAt: at(60),
          subject: 'Example News: d1',
          articleIds: ['urn:article:d1:1', 'urn:article:d1:2'],
          coveredIds: ['urn:article:d1:1', 'urn:article:d1:2', 'urn:article:d1:3'],
          status: 'sending',
          statusReason: null,
          finishedAt: null,
          payload: '{"html":"<p>hi</p>"}',
        });
        // Someone who subscribes after the freeze waits for the next digest.
        store.addSubscriber(subscriberInput(7));
        const rows = store.listDeliveries('d1');
        expect(rows.map((r) => [r.subscriberId, r.email, r.status, r.attempts])).toEqual([
          [1, 'reader1@example.org', 'pending', 0],
          [2, 'reader2@example.org', 'pending', 0],
          [4, 'reader4@example.org', 'pending', 0],
          [5, 'reader5@example.org', 'pending', 0],
        ]);
        expect(store.getDigest('d1')).toEqual(digest);
        expect(store.getDigest('nope')).toBeUndefined();
      });

      it('covers shown and "and N more" articles; an article is never in two digests', () => {
        addMany(2);
        store.createDigest(newDigest('d1', { articleIds: ['a', 'b'], coveredIds: ['c', 'd'] }));
        expect(store.getDigest('d1')?.coveredIds).toEqual(['c', 'd', 'a', 'b']);
        expect(store.coveredArticleIds()).toEqual(new Set(['a', 'b', 'c', 'd']));
        expectGazetteError(
          () => store.createDigest(newDigest('d2', { articleIds: ['e'], coveredIds: ['e', 'c'] })),
          'STATE',
          /article "c" is already in digest "d1"/,
        );
        expect(store.getDigest('d2')).toBeUndefined();
        expect(store.listDeliveries('d2')).toEqual([]);
        expect(store.coveredArticleIds().has('e')).toBe(false);
        expectGazetteError(() => store.createDigest(newDigest('d1', { articleIds: [], coveredIds: ['z'] })), 'STATE', /already exists/);
        expectGazetteError(() => store.createDigest(newDigest('bad id/../x')), 'STATE', /Invalid digest id/);
      });

      it('claims in subscriber order, never the same row twice, counting the attempt', () => {
        addMany(5);
        store.createDigest(newDigest('d1'));
        const first = store.claimNext('d1', 2, { now: at(61) });
        expect(first.map((d) => [d.subscriberId, d.status, d.attempts])).toEqual([
          [1, 'sending', 1],
          [2, 'sending', 1],
        ]);
        expect(first[0]!.lastAttemptAt).toEqual(at(61));
        expect(store.claimNext('d1', 10, { now: at(61) }).map((d) => d.subscriberId)).toEqual([3, 4, 5]);
        expect(store.claimNext('d1', 10, { now: at(61) })).toEqual([]);
        expect(store.sendSummary('d1')).toMatchObject({ recipients: 5, pending: 0, uncertain: 5, sent: 0, failed: 0 });
      });

      it('moves rows pending → sending → sent | failed, retrying only what is due', () => {
        addMany(4);
        store.createDigest(newDigest('d1'));
        store.claimNext('d1', 4, { now: at(61) });
        store.markSent('d1', 1, '<d1.1@example.org>', at(62));
        store.markFailed('d1', 2, '451 4.7.1 try later', false, at(70), at(62));
        store.markFailed('d1', 3, '550 5.1.1 no such user', true, at(70), at(62));
        store.markFailed('d1', 4, 'connection reset (gave up after 5 attempts)', false, null, at(62));

        const rows = store.listDeliveries('d1');
        expect(rows[0]).toMatchObject({ status: 'sent', messageId: '<d1.1@example.org>', sentAt: at(62), lastError: null });
        expect(rows[1]).toMatchObject({ status: 'failed', permanent: false, nextAttemptAt: at(70), lastError: '451 4.7.1 try later' });
        expect(rows[2]).toMatchObject({ status: 'failed', permanent: true, nextAttemptAt: null });
        expect(rows[3]).toMatchObject({ status: 'failed', permanent: false, nextAttemptAt: null });
        // A hard bounce marks the subscriber bounced: no further digests.
        expect(store.getSubscriber(3)?.status).toBe('bounced');
        expect(store.subscriberHistory(3).at(-1)).toEqual({ at: at(62), status: 'bounced', source: 'bounce' });
        expect(store.getSubscriber(4)?.status).toBe('active');

        expect(store.sendSummary('d1')).toMatchObject({ recipients: 4, sent: 1, failed: 2, pending: 1, uncertain: 0 });
        expect(store.nextAttemptAt('d1')).toEqual(at(70));
        expect(store.claimNext('d1', 10, { now: at(69) })).toEqual([]);
        const retry = store.claimNext('d1', 10, { now: at(70) });
        expect(retry.map((d) => [d.subscriberId, d.attempts, d.nextAttemptAt])).toEqual([[2, 2, null]]);
        expect(store.nextAttemptAt('d1')).toBeNull();
        store.markSent('d1', 2, '<d1.2@example.org>', at(71));
        expect(store.sendSummary('d1')).toMatchObject({ sent: 2, failed: 2, pending: 0, uncertain: 0 });
      });

      it('does not send to someone who unsubscribed after the freeze', () => {
        addMany(3);
        store.createDigest(newDigest('d1'));
        store.setSubscriberStatus(2, 'unsubscribed', at(61), 'web:unsubscribe');
        expect(store.claimNext('d1', 10, { now: at(62) }).map((d) => d.subscriberId)).toEqual([1, 3]);
        expect(store.listDeliveries('d1')[1]).toMatchObject({
          status: 'failed',
          permanent: false,
          nextAttemptAt: null,
          lastError: 'skipped: the subscriber is unsubscribed since this send began',
        });
      });

      it('resets uncertain rows to pending only when asked', () => {
        addMany(3);
        store.createDigest(newDigest('d1'));
        store.claimNext('d1', 2, { now: at(61) });
        store.markSent('d1', 1, '<m1@example.org>', at(61));
        expect(store.sendSummary('d1')).toMatchObject({ uncertain: 1, pending: 1 });
        expect(store.claimNext('d1', 10, { now: at(62) }).map((d) => d.subscriberId)).toEqual([3]);
        expect(store.markUncertainAsPending('d1')).toBe(2);
        expect(store.claimNext('d1', 10, { now: at(63) }).map((d) => [d.subscriberId, d.attempts])).toEqual([
          [2, 2],
          [3, 2],
        ]);
      });

      it('marks many sent at once and refuses rows that do not exist', () => {
        addMany(3);
        store.createDigest(newDigest('d1'));
        store.claimNext('d1', 3, { now: at(61) });
        store.markSentMany('d1', [
          { subscriberId: 1, messageId: '<1@x>', at: at(62) },
          { subscriberId: 3, messageId: '<3@x>', at: at(63) },
        ]);
        expect(store.listDeliveries('d1').map((d) => [d.status, d.messageId])).toEqual([
          ['sent', '<1@x>'],
          ['sending', null],
          ['sent', '<3@x>'],
        ]);
        expectGazetteError(() => store.markSent('d1', 99, '<99@x>', at(64)), 'NOT_FOUND', /subscriber id 99/);
        expectGazetteError(() => store.markFailed('nope', 1, 'x', false, null, at(64)), 'NOT_FOUND', /"nope"/);
        // A failing batch writes nothing.
        expect(() =>
          store.markSentMany('d1', [
            { subscriberId: 2, messageId: '<2@x>', at: at(64) },
            { subscriberId: 99, messageId: '<99@x>', at: at(64) },
          ]),
        ).toThrow(GazetteError);
        expect(store.listDeliveries('d1')[1]!.status).toBe('sending');
      });

      it('keeps the frozen address and name even if the subscriber changes later', () => {
        store.addSubscriber(subscriberInput(1, { name: 'Old Name' }));
        store.createDigest(newDigest('d1'));
        store.addSubscriber(subscriberInput(1, { name: 'New Name' }));
        expect(store.listDeliveries('d1')[0]).toMatchObject({ name: 'Old Name', email: 'reader1@example.org' });
        expect([...store.iterateDeliveries('d1', 1)].map((d) => d.name)).toEqual(['Old Name']);
      });

      it('summarises sends in the shape of `gazette sends --json`, oldest first', () => {
        addMany(3);
        store.createDigest(newDigest('d2', { createdAt: at(120) }));
        store.createDigest(newDigest('d1', { createdAt: at(60) }));
        store.claimNext('d1', 3, { now: at(61) });
        store.markSent('d1', 1, '<1@x>', at(62));
        store.markFailed('d1', 2, '550 no', true, null, at(62));
        store.setDigestStatus('d1', 'paused', { reason: 'transport down' });
        const summaries = store.sendSummaries();
        expect(summaries).toEqual([
          {
            id: 'd1',
            created_at: '2026-01-05T09:00:00.000Z',
            articles: 3,
            recipients: 3,
            sent: 1,
            failed: 1,
            pending: 0,
            uncertain: 1,
            status: 'paused',
          },
          {
            id: 'd2',
            created_at: '2026-01-05T10:00:00.000Z',
            articles: 3,
            // d2 froze its audience before subscriber 2 bounced in d1.
            recipients: 3,
            sent: 0,
            failed: 0,
            pending: 3,
            uncertain: 0,
            status: 'sending',
          },
        ]);
        expect(Object.keys(summaries[0]!)).toEqual([
          'id',
          'created_at',
          'articles',
          'recipients',
          'sent',
          'failed',
          'pending',
          'uncertain',
          'status',
        ]);
        expect(store.sendSummary('d1')).toEqual(summaries[0]);
        expect(store.sendSummary('nope')).toBeUndefined();
        expect(store.getDigest('d1')?.statusReason).toBe('transport down');
        store.setDigestStatus('d1', 'finished', { at: at(90) });
        expect(store.getDigest('d1')).toMatchObject({ status: 'finished', finishedAt: at(90), statusReason: null });
        expect(store.listDigests({ status: 'sending' }).map((d) => d.id)).toEqual(['d2']);
        expect(store.listDigests().map((d) => d.id)).toEqual(['d1', 'd2']);
        expectGazetteError(() => store.setDigestStatus('nope', 'finished'), 'NOT_FOUND', /"nope"/);
      });
    });

    describe('first seen, parse cache, meta', () => {
      it('records first-seen times once: the first write wins', () => {
        const ledger: FirstSeenLedger = store;
        expect(ledger.firstSeen('urn:a')).toBeUndefined();
        expect(store.recordFirstSeen([{ id: 'urn:a', sourcePath: 'content/a.md', at: at(1) }])).toBe(1);
        expect(
          store.recordFirstSeen([
            { id: 'urn:a', sourcePath: 'content/a.md', at: at(2) },
            { id: 'urn:b', sourcePath: 'content/b.txt', at: at(2) },
          ]),
        ).toBe(1);
        expect(ledger.firstSeen('urn:a')).toEqual(at(1));
        expect(ledger.firstSeen('urn:b')).toEqual(at(2));
      });

      it('round-trips the parse cache and prunes deleted files', () => {
        store.cacheSet('content/a.md', 'sha1', '{"title":"A"}');
        expect(store.cacheGet('content/a.md', 'sha1')).toBe('{"title":"A"}');
        expect(store.cacheGet('content/a.md', 'sha2')).toBeUndefined();
        store.cacheSet('content/a.md', 'sha2', '{"title":"A2"}');
        expect(store.cacheGet('content/a.md', 'sha2')).toBe('{"title":"A2"}');
        const entries = Array.from({ length: 10_000 }, (_, i) => ({
          sourcePath: `content/${i}.md`,
          fingerprint: `f${i}`,
          json: JSON.stringify({ title: `Article ${i} — «ünïcode»`, html: '<p>]]></p>' }),
        }));
        const started = performance.now();
        store.cacheSetMany(entries);
        const all = store.cacheLoadAll();
        const elapsed = performance.now() - started;
        expect(all.size).toBe(10_001);
        expect(all.get('content/9999.md')).toEqual({ fingerprint: 'f9999', json: entries[9999]!.json });
        expect(elapsed).toBeLessThan(5_000);
        expect(store.cachePrune(['content/a.md', 'content/1.md'])).toBe(9_999);
        expect([...store.cacheLoadAll().keys()].sort()).toEqual(['content/1.md', 'content/a.md']);
      });

      it('keeps named values', () => {
        expect(store.getMeta('schedule.lastDigestSlot')).toBeUndefined();
        store.setMeta('schedule.lastDigestSlot', '2026-01-05T08:00:00.000Z');
        store.setMeta('schedule.lastDigestSlot', '2026-01-12T08:00:00.000Z');
        expect(store.getMeta('schedule.lastDigestSlot')).toBe('2026-01-12T08:00:00.000Z');
        store.deleteMeta('schedule.lastDigestSlot');
        expect(store.getMeta('schedule.lastDigestSlot')).toBeUndefined();
      });
    });

    describe('locks', () => {
      const me = { pid: process.pid, host: hostname(), startedAt: T0 };

      it('is held by one owner at a time, re-entrant, released only by its owner', () => {
        expect(store.lockHolder('send')).toBeUndefined();
        expect(store.acquireLock('send', me, 60_000, at(0))).toBe(true);
        expect(store.acquireLock('send', me, 60_000, at(0))).toBe(true);
        // Same live pid, but another run (another start time): a different owner, refused.
        const other = { ...me, startedAt: at(1) };
        expect(store.acquireLock('send', other, 60_000, at(0.5))).toBe(false);
        expect(store.releaseLock('send', other)).toBe(false);
        expect(store.heartbeat('send', other, at(0.5))).toBe(false);
        expect(store.heartbeat('send', me, at(0.5))).toBe(true);
        expect(store.lockHolder('send')).toEqual({ ...me, heartbeatAt: at(0.5) });
        // Other names are independent.
        expect(store.acquireLock('build', other, 60_000, at(0.5))).toBe(true);
        expect(store.releaseLock('send', me)).toBe(true);
        expect(store.lockHolder('send')).toBeUndefined();
        expect(store.acquireLock('send', other, 60_000, at(0.5))).toBe(true);
      });

      it('takes over a lock whose holder died on this host, not one whose holder is alive', () => {
        const dead = { pid: deadPid(), host: hostname(), startedAt: T0 };
        expect(store.acquireLock('send', dead, 60_000, at(0))).toBe(true);
        expect(store.acquireLock('send', me, 60_000, at(0.1))).toBe(true);
        expect(store.lockHolder('send')?.pid).toBe(process.pid);
        // The holder (this live process) cannot be displaced by another owner.
        expect(store.acquireLock('send', { ...dead, startedAt: at(1) }, 60_000, at(0.2))).toBe(false);
        // The dead owner learns it lost the lock.
        expect(store.heartbeat('send', dead, at(0.3))).toBe(false);
      });

      it('takes over a lock whose heartbeat is older than staleAfterMs (another host, or hung)', () => {
        const remote = { pid: 4242, host: 'other-host.example', startedAt: T0 };
        expect(store.acquireLock('send', remote, 60_000, at(0))).toBe(true);
        expect(store.acquireLock('send', me, 60_000, at(0.9))).toBe(false);
        expect(store.heartbeat('send', remote, at(1))).toBe(true);
        expect(store.acquireLock('send', me, 60_000, at(1.9))).toBe(false);
        expect(store.acquireLock('send', me, 60_000, at(2.1))).toBe(true);
        expect(store.lockHolder('send')).toMatchObject({ pid: process.pid, heartbeatAt: at(2.1) });
      });
    });
  });
}
