/** SMTP-specific behaviour against a real smtp-server: classification, rate limit, pool, TLS, timeouts. */
import { createServer, type Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport, type SmtpTransportOptions } from '../../src/mail/smtp-transport.js';
import type { Transport } from '../../src/mail/transport.js';
import { fixtureMessage, recipients } from './message-fixture.js';
import { startSmtpSink, type SinkOptions, type SmtpSink } from './smtp-sink.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  sinkOptions: SinkOptions = {},
  transportOptions: Partial<SmtpTransportOptions> = {},
): Promise<{ sink: SmtpSink; transport: Transport }> {
  const sink = await startSmtpSink(sinkOptions);
  cleanups.push(() => sink.close());
  const transport = createSmtpTransport({
    host: sink.host,
    port: sink.port,
    secure: false,
    requireTLS: false,
    rejectUnauthorized: true,
    pool: true,
    maxConnections: 5,
    rateLimit: 0,
    ...transportOptions,
  });
  cleanups.push(() => transport.close());
  return { sink, transport };
}

describe('SMTP transport: how failures are classified', () => {
  it.each([
    [550, true],
    [553, true],
    [421, false],
    [450, false],
    [451, false],
    [452, false],
  ])('RCPT TO answered %i → permanent: %s, code kept', async (code, permanent) => {
    const { sink, transport } = await setup({
      behaviour: (to) => (to === 'bad@example.net' ? { kind: 'rcpt', code, message: `test ${code} for bad` } : { kind: 'accept' }),
    });
    const bad = await transport.send(fixtureMessage({ to: 'bad@example.net' }));
    expect(bad).toMatchObject({ ok: false, permanent, code });
    if (!bad.ok) expect(bad.response).toContain(`test ${code} for bad`);
    // The next message on the same transport still goes through: one refusal stops nothing.
    const good = await transport.send(fixtureMessage({ to: 'good@example.net' }));
    expect(good.ok).toBe(true);
    expect(sink.acceptedRecipients()).toEqual(['good@example.net']);
  });

  it('a 5xx after the end of DATA (content refused) is permanent; a 4xx there is temporary', async () => {
    const { transport } = await setup({
      behaviour: (to) =>
        to === 'spam@example.net' ? { kind: 'data', code: 554, message: 'looks like spam' } : { kind: 'data', code: 451, message: 'try later' },
    });
    expect(await transport.send(fixtureMessage({ to: 'spam@example.net' }))).toMatchObject({ ok: false, permanent: true, code: 554 });
    expect(await transport.send(fixtureMessage({ to: 'other@example.net' }))).toMatchObject({ ok: false, permanent: false, code: 451 });
  });

  it('a 5xx to MAIL FROM is the sender’s problem, not the recipient’s: temporary', async () => {
    const { transport } = await setup({ rejectMailFrom: { code: 553, message: 'sender not allowed' } });
    const outcome = await transport.send(fixtureMessage({ to: 'ada@example.net' }));
    expect(outcome).toMatchObject({ ok: false, permanent: false, code: 553 });
  });

  it('a wrong password is temporary (would fail every recipient alike) and never appears in the response', async () => {
    const { transport } = await setup({ auth: { user: 'u', password: 'right' } }, { auth: { user: 'u', password: 'wrong-Secret' } });
    const outcome = await transport.send(fixtureMessage({ to: 'ada@example.net' }));
    expect(outcome).toMatchObject({ ok: false, permanent: false, code: 535 });
    expect(JSON.stringify(outcome)).not.toContain('wrong-Secret');
  });

  it('a connection cut in the middle of DATA is temporary, and the message is not accepted', async () => {
    const { sink, transport } = await setup({ behaviour: (_to, n) => (n === 1 ? { kind: 'drop-in-data' } : { kind: 'accept' }) });
    const first = await transport.send(fixtureMessage({ to: 'cut@example.net' }));
    expect(first).toMatchObject({ ok: false, permanent: false });
    expect(sink.accepted).toHaveLength(0);
    const second = await transport.send(fixtureMessage({ to: 'cut@example.net' }));
    expect(second.ok).toBe(true);
    expect(sink.acceptedRecipients()).toEqual(['cut@example.net']);
  });

  it('a refused connection is temporary and names the fault', async () => {
    const probe = await startSmtpSink();
    const port = probe.port;
    await probe.close(); // nothing listens there any more
    const transport = createSmtpTransport({
      host: '127.0.0.1', port, secure: false, requireTLS: false, rejectUnauthorized: true, pool: true, maxConnections: 2, rateLimit: 0,
    });
    cleanups.push(() => transport.close());
    const outcome = await transport.send(fixtureMessage({ to: 'ada@example.net' }));
    expect(outcome).toMatchObject({ ok: false, permanent: false });
    expect(outcome.ok ? '' : outcome.response).toMatch(/ECONNREFUSED/);
  });

  it('a server that never greets times out as a temporary failure', async () => {
    const silent: Server = createServer(() => {}); // accepts, then says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => silent.close(resolve)));
    const address = silent.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const transport = createSmtpTransport({
      host: '127.0.0.1', port: address.port, secure: false, requireTLS: false, rejectUnauthorized: true, pool: true,
      maxConnections: 1, rateLimit: 0, timeouts: { greetingMs: 200, connectionMs: 500 },
    });
    cleanups.push(() => transport.close());
    const started = Date.now();
    const outcome = await transport.send(fixtureMessage({ to: 'ada@example.net' }));
    expect(outcome).toMatchObject({ ok: false, permanent: false });
    expect(Date.now() - started).toBeLessThan(5_000);
    silent.unref();
  });
});

describe('SMTP transport: TLS', () => {
  it('secure: true talks TLS from the first byte (self-signed accepted only with rejectUnauthorized: false)', async () => {
    const { sink, transport } = await setup({ secure: true }, { secure: true, rejectUnauthorized: false });
    expect((await transport.send(fixtureMessage({ to: 'tls@example.net' }))).ok).toBe(true);
    expect(sink.acceptedRecipients()).toEqual(['tls@example.net']);
  });

  it('a certificate that does not verify fails the message (temporary) when rejectUnauthorized is on', async () => {
    const { sink, transport } = await setup({ secure: true }, { secure: true, rejectUnauthorized: true });
    const outcome = await transport.send(fixtureMessage({ to: 'tls@example.net' }));
    expect(outcome).toMatchObject({ ok: false, permanent: false });
    expect(sink.accepted).toHaveLength(0);
  });

  it('requireTLS refuses a server that does not offer STARTTLS, and upgrades when it does', async () => {
    const plain = await setup({}, { requireTLS: true });
    expect(await plain.transport.send(fixtureMessage({ to: 'a@example.net' }))).toMatchObject({ ok: false, permanent: false });
    expect(plain.sink.accepted).toHaveLength(0);

    const upgraded = await setup({ starttls: true }, { requireTLS: true, rejectUnauthorized: false });
    expect((await upgraded.transport.send(fixtureMessage({ to: 'b@example.net' }))).ok).toBe(true);
    expect(upgraded.sink.acceptedRecipients()).toEqual(['b@example.net']);
  });
});

describe('SMTP transport: pool and rate limit', () => {
  it('never opens more than maxConnections, and reuses them', async () => {
    const { sink, transport } = await setup({ acceptDelayMs: 20 }, { maxConnections: 3 });
    const to = recipients(24);
    const outcomes = await Promise.all(to.map((r) => transport.send(fixtureMessage({ to: r }))));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(sink.acceptedRecipients().sort()).toEqual(to);
    expect(sink.peakConnections()).toBeLessThanOrEqual(3);
    expect(sink.peakConnections()).toBeGreaterThanOrEqual(2); // it does send in parallel
    expect(sink.totalConnections()).toBeLessThanOrEqual(3); // pooled: 24 messages, ≤ 3 sessions
  });

  it('rateLimit 20/s holds from the very first message: 20 messages take ≥ 0.95 s, with no burst', async () => {
    const { sink, transport } = await setup({}, { maxConnections: 5, rateLimit: 20 });
    const to = recipients(20);
    const began = performance.now();
    const outcomes = await Promise.all(to.map((r) => transport.send(fixtureMessage({ to: r }))));
    const took = performance.now() - began;
    expect(outcomes.every((o) => o.ok)).toBe(true);
    // 20 messages at 20/s: the 20th may start only 19 intervals (950 ms) after the first.
    expect(took).toBeGreaterThanOrEqual(950);
    const starts = sink.accepted.map((a) => a.startedAt).sort((a, b) => a - b);
    expect(starts).toHaveLength(20);
    // No burst at the server: any 500 ms holds at most 10 transactions (+1 for the window's edge),
    // where nodemailer's own limiter would let 20 through at once.
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((t) => t >= starts[i]! && t < starts[i]! + 500).length;
      expect(inWindow).toBeLessThanOrEqual(11);
    }
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(30); // spaced (nodemailer’s limiter gives ~0), allowing for jitter
  });

  it('without a rate limit, 20 messages are not spaced out', async () => {
    const { sink, transport } = await setup({}, { maxConnections: 5, rateLimit: 0 });
    await Promise.all(recipients(20).map((r) => transport.send(fixtureMessage({ to: r }))));
    const starts = sink.accepted.map((a) => a.startedAt).sort((a, b) => a - b);
    expect(starts[19]! - starts[0]!).toBeLessThan(900);
  });

  it('pool: false opens a connection per message, still at most maxConnections at once', async () => {
    const { sink, transport } = await setup({ acceptDelayMs: 20 }, { pool: false, maxConnections: 2 });
    const to = recipients(6);
    const outcomes = await Promise.all(to.map((r) => transport.send(fixtureMessage({ to: r }))));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(sink.totalConnections()).toBe(6);
    expect(sink.peakConnections()).toBeLessThanOrEqual(2);
  });

  it('describe() says where and how, without the password', () => {
    const transport = createSmtpTransport({
      host: 'smtp.example.org', port: 587, secure: false, requireTLS: true, rejectUnauthorized: true, pool: true,
      maxConnections: 5, rateLimit: 50, auth: { user: 'token-user', password: 'pw-Secret' },
    });
    cleanups.push(() => transport.close());
    expect(transport.describe()).toBe('smtp smtp.example.org:587 (pool 5, 50 msg/s, STARTTLS required, auth)');
    expect(transport.concurrency).toBe(5);
  });
});
