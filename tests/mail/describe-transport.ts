/**
 * The contract every Transport keeps, as one suite run against each implementation (STYLE habit 8):
 * a harness creates a fresh transport and reads back what it really delivered — the SMTP sink's
 * accepted messages, or the outbox's files.
 */
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import type { Transport } from '../../src/mail/transport.js';
import { fixtureMessage, recipients } from './message-fixture.js';

export interface Delivered {
  /** The envelope recipient (SMTP) or the recipient named in the file name (outbox). */
  readonly to: string;
  readonly raw: Buffer;
}

export interface TransportHarness {
  readonly transport: Transport;
  /** Secrets the transport was given, which describe() must never show. */
  readonly secrets: readonly string[];
  delivered(): Promise<Delivered[]>;
  cleanup(): Promise<void>;
}

export function describeTransport(name: string, createHarness: () => Promise<TransportHarness>): void {
  describe(`Transport contract: ${name}`, () => {
    let harness: TransportHarness | undefined;
    const open = async (): Promise<TransportHarness> => {
      harness = await createHarness();
      return harness;
    };
    afterEach(async () => {
      if (harness) {
        await harness.transport.close();
        await harness.cleanup();
      }
      harness = undefined;
    });

    it('delivers the raw message byte for byte, and a mail client reads it as written', async () => {
      const h = await open();
      const msg = fixtureMessage({ to: 'ada@example.net' });
      const outcome = await h.transport.send(msg);
      expect(outcome).toMatchObject({ ok: true });
      const delivered = await h.delivered();
      expect(delivered).toHaveLength(1);
      expect(delivered[0]!.to).toBe('ada@example.net');
      expect(delivered[0]!.raw.equals(Buffer.from(msg.raw, 'utf8'))).toBe(true);
      const parsed = await simpleParser(delivered[0]!.raw);
      expect(parsed.subject).toBe('Example News: Grüße für ada@example.net');
      expect(parsed.messageId).toBe('<ada.example.net@digest.example.org>');
      expect(parsed.text).toContain('\n.\n.leading dot');
      expect(parsed.text).toContain('Ünïcödé ✓ 日本語 🚀');
    });

    it('accepts a Buffer as well as a string', async () => {
      const h = await open();
      const msg = fixtureMessage({ to: 'buffer@example.net' });
      const outcome = await h.transport.send({ ...msg, raw: Buffer.from(msg.raw, 'utf8') });
      expect(outcome.ok).toBe(true);
      const [d] = await h.delivered();
      expect(d!.raw.toString('utf8')).toBe(msg.raw);
    });

    it('takes concurrent sends: each message arrives exactly once', async () => {
      const h = await open();
      const to = recipients(30);
      const outcomes = await Promise.all(to.map((r) => h.transport.send(fixtureMessage({ to: r }))));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      const delivered = await h.delivered();
      expect(delivered.map((d) => d.to).sort()).toEqual(to);
      for (const d of delivered) {
        expect(d.raw.toString('utf8')).toBe(fixtureMessage({ to: d.to }).raw);
      }
    });

    it('refuses a recipient address that could corrupt the envelope, as a permanent failure, sending nothing', async () => {
      const h = await open();
      for (const bad of ['evil@example.net>\r\nRCPT TO:<victim@example.net', 'no-at-sign', 'two words@example.net', '']) {
        const outcome = await h.transport.send({ ...fixtureMessage({ to: 'x@example.net' }), to: bad });
        expect(outcome).toMatchObject({ ok: false, permanent: true });
      }
      expect(await h.delivered()).toEqual([]);
    });

    it('rejects with a MAIL error naming email.from when the envelope sender is invalid', async () => {
      const h = await open();
      const msg = { ...fixtureMessage({ to: 'x@example.net' }), from: 'news@example.org\r\nDATA' };
      await expect(h.transport.send(msg)).rejects.toSatisfy(
        (e: unknown) => e instanceof GazetteError && e.code === 'MAIL' && e.message.includes('email.from'),
      );
      expect(await h.delivered()).toEqual([]);
    });

    it('describes itself in one line without any secret', async () => {
      const h = await open();
      const text = h.transport.describe();
      expect(text).not.toMatch(/[\r\n]/);
      expect(text.length).toBeGreaterThan(5);
      for (const secret of h.secrets) expect(text).not.toContain(secret);
      expect(h.transport.concurrency).toBeGreaterThanOrEqual(1);
    });

    it('finishes a send in flight on close(), then refuses new ones; close() is idempotent', async () => {
      const h = await open();
      const pending = h.transport.send(fixtureMessage({ to: 'late@example.net' }));
      const closed = h.transport.close();
      expect((await pending).ok).toBe(true);
      await closed;
      await h.transport.close();
      await expect(h.transport.send(fixtureMessage({ to: 'after@example.net' }))).rejects.toSatisfy(
        (e: unknown) => e instanceof GazetteError && e.code === 'MAIL',
      );
      expect((await h.delivered()).map((d) => d.to)).toEqual(['late@example.net']);
    });
  });
}
