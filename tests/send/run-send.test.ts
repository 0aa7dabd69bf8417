/**
 * The send engine against the real SQLite store and a real SMTP server: every recipient exactly
 * once through retries, bounces, pauses, aborts and resumes; the ledger never runs ahead of the
 * server.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { createOutboxTransport } from '../../src/mail/outbox-transport.js';
import { createSmtpTransport, type SmtpTransportOptions } from '../../src/mail/smtp-transport.js';
import type { Transport } from '../../src/mail/transport.js';
import { backoffDelay } from '../../src/send/backoff.js';
import { runSend, type RunSendOptions, type SendProgress } from '../../src/send/run-send.js';
import type { SendPolicy } from '../../src/send/send-policy.js';
import { startSmtpSink, type SinkOptions, type SmtpSink } from '../mail/smtp-sink.js';
import { acceptedCounts, makeMessageFor, sendSite, type SendSite } from './send-fixture.js';

const POLICY: SendPolicy = { attempts: 4, baseDelayMs: 20, maxDelayMs: 200, maxConsecutiveFailures: 10, concurrency: 3 };

/** mulberry32: a tiny seeded PRNG, so retry times are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  count: number,
  sinkOptions: SinkOptions = {},
  transportOptions: Partial<SmtpTransportOptions> = {},
): Promise<{ site: SendSite; sink: SmtpSink; transport: Transport }> {
  const site = await sendSite(count);
  cleanups.push(() => site.cleanup());
  const sink = await startSmtpSink(sinkOptions);
  cleanups.push(() => sink.close());
  const transport = createSmtpTransport({
    host: sink.host, port: sink.port, secure: false, requireTLS: false, rejectUnauthorized: true,
    pool: true, maxConnections: 3, rateLimit: 0, ...transportOptions,
  });
  cleanups.push(() => transport.close());
  return { site, sink, transport };
}

function options(site: SendSite, transport: Transport, extra: Partial<RunSendOptions> = {}): RunSendOptions {
  return {
    digestId: site.digestId,
    ledger: site.store,
    transport,
    makeMessage: makeMessageFor(site.digestId),
    policy: POLICY,
    random: seeded(7),
    ...extra,
  };
}

/** Every address accepted exactly once by the server, and recorded as sent with its Message-ID. */
function expectEachExactlyOnce(site: SendSite, sink: SmtpSink, addresses: readonly string[] = site.emails): void {
  const counts = acceptedCounts(sink.accepted);
  for (const email of addresses) expect(counts.get(email), email).toBe(1);
  expect(sink.accepted).toHaveLength(addresses.length);
  for (const d of site.store.listDeliveries(site.digestId)) {
    if (!addresses.includes(d.email)) continue;
    expect(d.status, d.email).toBe('sent');
    expect(d.messageId).toBe(`<${site.digestId}.${d.subscriberId}@digest.example.org>`);
  }
}

describe('runSend', () => {
  it('sends N recipients N messages, each exactly once, and the ledger never runs ahead of the server', async () => {
    const { site, sink, transport } = await setup(40, { acceptDelayMs: 5 });
    const make = makeMessageFor(site.digestId);
    let checks = 0;
    const report = await runSend(
      options(site, transport, {
        makeMessage: (r) => {
          // Whenever a message is built: nothing is `sent` in the ledger that the server has not
          // accepted, and at most `concurrency` rows are claimed but not yet accepted.
          const s = site.store.sendSummary(site.digestId)!;
          expect(s.sent).toBeLessThanOrEqual(sink.accepted.length);
          expect(s.uncertain - (sink.accepted.length - s.sent)).toBeLessThanOrEqual(POLICY.concurrency);
          checks++;
          return make(r);
        },
      }),
    );
    expect(checks).toBe(40);
    expect(report).toMatchObject({ recipients: 40, sent: 40, failed: 0, pending: 0, uncertain: 0, paused: false, aborted: false, sentThisRun: 40 });
    expectEachExactlyOnce(site, sink);
    expect(sink.peakConnections()).toBeLessThanOrEqual(3);
    // Messages go out in subscriber-id order (the frozen audience is advanced by id).
    const order = sink.acceptedRecipients();
    expect(order.slice(0, 3).sort()).toEqual(site.emails.slice(0, 3));
  });

  it('works the same through the outbox: one file per recipient', async () => {
    const site = await sendSite(12);
    cleanups.push(() => site.cleanup());
    const transport = createOutboxTransport({ stateDir: join(site.root, '.gazette'), digestId: site.digestId });
    const report = await runSend(options(site, transport, { policy: { ...POLICY, concurrency: transport.concurrency } }));
    await transport.close();
    expect(report).toMatchObject({ recipients: 12, sent: 12, pending: 0, uncertain: 0 });
    const files = await readdir(join(site.root, '.gazette', 'outbox', site.digestId));
    expect(files.map((f) => f.replace(/^\d+-|\.eml$/g, '')).sort()).toEqual([...site.emails]);
  });

  it('retries 421/451/452 and a connection cut mid-DATA until delivered once; 550 is final and bounces', async () => {
    const { site, sink, transport } = await setup(10, {
      behaviour: (to, n) => {
        if (to === 'r0002@example.net' && n === 1) return { kind: 'rcpt', code: 421, message: 'closing, try later' };
        if (to === 'r0003@example.net' && n <= 2) return { kind: 'rcpt', code: 451, message: 'greylisted' };
        if (to === 'r0004@example.net' && n === 1) return { kind: 'rcpt', code: 452, message: 'mailbox full for now' };
        if (to === 'r0005@example.net' && n === 1) return { kind: 'drop-in-data' };
        if (to === 'r0006@example.net') return { kind: 'rcpt', code: 550, message: 'no such user' };
        return { kind: 'accept' };
      },
    });
    const report = await runSend(options(site, transport));
    expect(report).toMatchObject({ recipients: 10, sent: 9, failed: 1, pending: 0, uncertain: 0, paused: false });
    const delivered = site.emails.filter((e) => e !== 'r0006@example.net');
    expectEachExactlyOnce(site, sink, delivered);
    expect(sink.attempts.get('r0003@example.net')).toBe(3);
    expect(sink.attempts.get('r0006@example.net')).toBe(1); // a 5xx is never retried
    const bounced = site.store.listDeliveries(site.digestId).find((d) => d.email === 'r0006@example.net')!;
    expect(bounced).toMatchObject({ status: 'failed', permanent: true, nextAttemptAt: null, attempts: 1 });
    expect(bounced.lastError).toContain('550');
    expect(bounced.lastError).toContain('no such user');
    expect(site.store.getSubscriber('r0006@example.net')!.status).toBe('bounced');
    expect(site.store.getSubscriber('r0003@example.net')!.status).toBe('active');
    const retried = site.store.listDeliveries(site.digestId).find((d) => d.email === 'r0003@example.net')!;
    expect(retried.attempts).toBe(3);
  });

  it('gives up on a temporary failure after `attempts`, as a final failure that is not a bounce', async () => {
    const { site, sink, transport } = await setup(4, {
      behaviour: (to) => (to === 'r0002@example.net' ? { kind: 'rcpt', code: 451, message: 'still greylisted' } : { kind: 'accept' }),
    });
    const report = await runSend(options(site, transport, { policy: { ...POLICY, attempts: 3 } }));
    expect(report).toMatchObject({ sent: 3, failed: 1, pending: 0 });
    expect(sink.attempts.get('r0002@example.net')).toBe(3);
    const row = site.store.listDeliveries(site.digestId).find((d) => d.email === 'r0002@example.net')!;
    expect(row).toMatchObject({ status: 'failed', permanent: false, nextAttemptAt: null, attempts: 3 });
    expect(row.lastError).toMatch(/451.*gave up after 3 attempts/);
    expect(site.store.getSubscriber('r0002@example.net')!.status).toBe('active');
  });

  it('schedules a retry with exponential backoff and deterministic jitter from a seeded random', async () => {
    const controller = new AbortController();
    const { site, transport } = await setup(1, {
      behaviour: () => {
        setTimeout(() => controller.abort(), 150); // stop the run while it waits for the retry
        return { kind: 'rcpt', code: 451, message: 'later' };
      },
    });
    const policy = { ...POLICY, baseDelayMs: 60_000, maxDelayMs: 600_000 };
    const report = await runSend(options(site, transport, { policy, random: seeded(42), signal: controller.signal }));
    expect(report).toMatchObject({ aborted: true, pending: 1, sent: 0, failed: 0, uncertain: 0 });
    const [row] = site.store.listDeliveries(site.digestId);
    const expected = backoffDelay(1, 60_000, 600_000, seeded(42));
    expect(row!.nextAttemptAt!.getTime() - row!.lastAttemptAt!.getTime()).toBe(expected);
    expect(expected).toBeGreaterThanOrEqual(30_000);
    expect(expected).toBeLessThanOrEqual(60_000);
  });

  it('pauses after maxConsecutiveFailures, then a resume finishes with every recipient exactly once', async () => {
    let down = false;
    const sinkOptions: SinkOptions = {
      behaviour: () => (down ? { kind: 'rcpt', code: 451, message: 'relay overloaded' } : { kind: 'accept' }),
    };
    const { site, sink, transport } = await setup(30, sinkOptions);
    const make = makeMessageFor(site.digestId);
    const policy = { ...POLICY, maxConsecutiveFailures: 5, concurrency: 2 };
    const first = await runSend(
      options(site, transport, {
        policy,
        makeMessage: (r) => {
          if (sink.accepted.length >= 6) down = true; // the relay falls over mid-send
          return make(r);
        },
      }),
    );
    expect(first.paused).toBe(true);
    expect(first.sent).toBe(sink.accepted.length);
    expect(first.sent).toBeGreaterThanOrEqual(6);
    expect(first.pending).toBe(30 - first.sent);
    expect(first.uncertain).toBe(0);
    // It stopped claiming: far fewer attempts than recipients were made.
    const attempted = [...sink.attempts.values()].reduce((a, b) => a + b, 0);
    expect(attempted).toBeLessThan(first.sent + policy.maxConsecutiveFailures + policy.concurrency + 1);

    down = false;
    await new Promise((r) => setTimeout(r, POLICY.maxDelayMs)); // the scheduled retries become due
    const resumed = await runSend(options(site, transport, { policy }));
    expect(resumed).toMatchObject({ recipients: 30, sent: 30, failed: 0, pending: 0, uncertain: 0, paused: false });
    expectEachExactlyOnce(site, sink);
  });

  it('on abort: stops claiming, finishes and records what is in flight, leaves the rest pending; resume completes exactly once', async () => {
    const { site, sink, transport } = await setup(30, { acceptDelayMs: 30 });
    const controller = new AbortController();
    const first = await runSend(
      options(site, transport, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.sent >= 8) controller.abort();
        },
        makeMessage: (() => {
          const make = makeMessageFor(site.digestId);
          return (r: Parameters<typeof make>[0]) => {
            if (sink.accepted.length >= 8) controller.abort();
            return make(r);
          };
        })(),
      }),
    );
    expect(first.aborted).toBe(true);
    expect(first.paused).toBe(false);
    // Whatever was handed over finished and was recorded: nothing uncertain, ledger = server.
    expect(first.uncertain).toBe(0);
    expect(first.sent).toBe(sink.accepted.length);
    expect(first.sent).toBeLessThanOrEqual(8 + POLICY.concurrency);
    expect(first.pending).toBe(30 - first.sent);
    expect(site.store.listDeliveries(site.digestId).filter((d) => d.status === 'pending')).toHaveLength(first.pending);

    const resumed = await runSend(options(site, transport));
    expect(resumed).toMatchObject({ sent: 30, pending: 0, uncertain: 0, aborted: false });
    expect(resumed.sentThisRun).toBe(30 - first.sent);
    expectEachExactlyOnce(site, sink);
  });

  it('an already-aborted signal sends nothing', async () => {
    const { site, sink, transport } = await setup(5);
    const report = await runSend(options(site, transport, { signal: AbortSignal.abort() }));
    expect(report).toMatchObject({ aborted: true, sent: 0, pending: 5 });
    expect(sink.attempts.size).toBe(0);
  });

  it('leaves rows stuck in `sending` (a crashed run) alone and reports them uncertain, unless told to resend', async () => {
    const { site, sink, transport } = await setup(8);
    // A previous run claimed two rows and died before recording anything.
    const stuck = site.store.claimNext(site.digestId, 2, { now: new Date() }).map((d) => d.email);
    expect(stuck).toEqual(['r0001@example.net', 'r0002@example.net']);

    const report = await runSend(options(site, transport));
    expect(report).toMatchObject({ recipients: 8, sent: 6, failed: 0, pending: 0, uncertain: 2 });
    const counts = acceptedCounts(sink.accepted);
    for (const e of stuck) expect(counts.get(e)).toBeUndefined();

    const resent = await runSend(options(site, transport, { resendUncertain: true }));
    expect(resent).toMatchObject({ sent: 8, uncertain: 0, pending: 0, sentThisRun: 2 });
    expectEachExactlyOnce(site, sink);
  });

  it('a message that cannot be built fails that recipient only (final, not a bounce)', async () => {
    const { site, sink, transport } = await setup(5);
    const make = makeMessageFor(site.digestId);
    const report = await runSend(
      options(site, transport, {
        makeMessage: (r) => {
          if (r.email === 'r0003@example.net') throw new Error('template variable missing\nfor this reader');
          return make(r);
        },
      }),
    );
    expect(report).toMatchObject({ sent: 4, failed: 1, pending: 0, failedThisRun: 1 });
    const row = site.store.listDeliveries(site.digestId).find((d) => d.email === 'r0003@example.net')!;
    expect(row).toMatchObject({ status: 'failed', permanent: false, nextAttemptAt: null });
    expect(row.lastError).toBe('cannot build the message: template variable missing for this reader');
    expect(site.store.getSubscriber('r0003@example.net')!.status).toBe('active');
    expect(sink.accepted).toHaveLength(4);
  });

  it('an unusable transport stops the send with its MAIL error and leaves nothing uncertain', async () => {
    const { site, transport } = await setup(6);
    await transport.close();
    await expect(runSend(options(site, transport))).rejects.toSatisfy((e: unknown) => e instanceof GazetteError && e.code === 'MAIL');
    const summary = site.store.sendSummary(site.digestId)!;
    expect(summary).toMatchObject({ sent: 0, uncertain: 0, pending: 6 });
  });

  it('reports progress at most every ~200 ms and once at the end', async () => {
    const { site, transport } = await setup(16, {}, { rateLimit: 20 });
    const calls: Array<SendProgress & { at: number }> = [];
    const report = await runSend(options(site, transport, { onProgress: (p) => calls.push({ ...p, at: performance.now() }) }));
    expect(report.sent).toBe(16);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    const last = calls[calls.length - 1]!;
    expect(last).toMatchObject({ sent: 16, failed: 0, pending: 0, total: 16 });
    expect(calls[0]).toMatchObject({ sent: 0, pending: 16, total: 16 });
    // Between the first and the final call, updates are throttled.
    const middle = calls.slice(1, -1);
    for (let i = 1; i < middle.length; i++) expect(middle[i]!.at - middle[i - 1]!.at).toBeGreaterThanOrEqual(195);
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.sent).toBeGreaterThanOrEqual(calls[i - 1]!.sent);
  });

  it('refuses a nonsensical policy, naming the field', async () => {
    const { site, transport } = await setup(1);
    await expect(runSend(options(site, transport, { policy: { ...POLICY, concurrency: 0 } }))).rejects.toThrow(/concurrency/);
  });

  it('an unknown digest is a NOT_FOUND error', async () => {
    const { site, transport } = await setup(1);
    await expect(runSend({ ...options(site, transport), digestId: 'no-such-digest' })).rejects.toSatisfy(
      (e: unknown) => e instanceof GazetteError && e.code === 'NOT_FOUND',
    );
  });
});
