/**
 * Send throughput: 2,000 pre-built ~50 KB messages to a local smtp-server sink, pool of 5, in one
 * process, measured three ways so the cost of each layer is visible:
 *   1. bare nodemailer pool (sendMail with raw + envelope, all at once)  — the ceiling
 *   2. Gazette's SMTP transport alone (Transport.send, all at once)
 *   3. the whole engine: runSend over the real SQLite ledger (claim → send → record), with
 *      engine concurrency 1×, 2× and 4× the pool (claims are batched at half the concurrency)
 *
 * Run: npx jiti bench/send-throughput.ts [messages] [kilobytes]
 * Prints one JSON line per variant and a summary table; no assertions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createSmtpTransport } from '../src/mail/smtp-transport.js';
import { runSend } from '../src/send/run-send.js';
import { openStore } from '../src/state/index.js';

const COUNT = Number(process.argv[2] ?? 2000);
const KB = Number(process.argv[3] ?? 50);
const POOL = 5;

function buildMessage(i: number, to: string): string {
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.'; // 79 chars
  const lines = Math.ceil((KB * 1024) / (line.length + 2));
  return [
    'From: Example News <news@example.org>',
    `To: ${to}`,
    `Subject: Example News digest ${i}`,
    `Message-ID: <bench.${i}@example.org>`,
    'Date: Fri, 20 Nov 2026 08:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...Array.from({ length: lines }, () => line),
    '',
  ].join('\r\n');
}

async function startSink(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: 100 * 1024 * 1024,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { port: address.port, received: () => received, close: () => new Promise((r) => server.close(() => r())) };
}

interface Result {
  readonly variant: string;
  readonly messages: number;
  readonly seconds: number;
  readonly perSecond: number;
}

function result(variant: string, messages: number, ms: number): Result {
  const r = { variant, messages, seconds: Number((ms / 1000).toFixed(2)), perSecond: Math.round((messages / ms) * 1000) };
  console.log(JSON.stringify(r));
  return r;
}

async function main(): Promise<void> {
  const addresses = Array.from({ length: COUNT }, (_, i) => `r${String(i + 1).padStart(5, '0')}@example.net`);
  const messages = addresses.map((to, i) => buildMessage(i + 1, to));
  console.error(`${COUNT} messages of ${Math.round(Buffer.byteLength(messages[0]!) / 1024)} KB, pool ${POOL}, node ${process.version}`);
  const results: Result[] = [];

  // Warm-up (not measured), so the first variant does not pay for the JIT and the sockets alone.
  {
    const sink = await startSink();
    const mailer = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: sink.port, maxConnections: POOL, secure: false, ignoreTLS: true });
    await Promise.all(messages.slice(0, 200).map((raw, i) => mailer.sendMail({ envelope: { from: 'news@example.org', to: [addresses[i]!] }, raw })));
    mailer.close();
    await sink.close();
  }

  {
    const sink = await startSink();
    const mailer = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: sink.port, maxConnections: POOL, secure: false, ignoreTLS: true });
    const t = performance.now();
    await Promise.all(messages.map((raw, i) => mailer.sendMail({ envelope: { from: 'news@example.org', to: [addresses[i]!] }, raw })));
    results.push(result('nodemailer pool (bare)', sink.received(), performance.now() - t));
    mailer.close();
    await sink.close();
  }

  {
    const sink = await startSink();
    const transport = createSmtpTransport({
      host: '127.0.0.1', port: sink.port, secure: false, requireTLS: false, rejectUnauthorized: true, pool: true, maxConnections: POOL, rateLimit: 0,
    });
    const t = performance.now();
    const outcomes = await Promise.all(messages.map((raw, i) => transport.send({ from: 'news@example.org', to: addresses[i]!, raw, messageId: `<bench.${i + 1}@example.org>` })));
    const ms = performance.now() - t;
    if (outcomes.some((o) => !o.ok)) throw new Error('transport variant: a message failed');
    results.push(result('gazette SMTP transport', sink.received(), ms));
    await transport.close();
    await sink.close();
  }

  // The engine with claims batched at half its concurrency: 1×, 2× (recommended) and 4× the pool.
  for (const factor of [1, 2, 4]) {
    const root = await mkdtemp(join(tmpdir(), 'gazette-bench-send-'));
    const store = openStore(root);
    const at = new Date('2026-11-20T08:00:00Z');
    store.addSubscribers(addresses.map((email) => ({ email, source: 'cli', at })));
    store.createDigest({ id: 'bench', createdAt: at, subject: 'bench', articleIds: ['a'], coveredIds: ['a'] });
    const byEmail = new Map(addresses.map((a, i) => [a, messages[i]!]));
    const sink = await startSink();
    const transport = createSmtpTransport({
      host: '127.0.0.1', port: sink.port, secure: false, requireTLS: false, rejectUnauthorized: true, pool: true, maxConnections: POOL, rateLimit: 0,
    });
    const t = performance.now();
    const report = await runSend({
      digestId: 'bench',
      ledger: store,
      transport,
      makeMessage: (r) => ({ raw: byEmail.get(r.email)!, messageId: `<bench.${r.subscriberId}@example.org>`, envelopeFrom: 'news@example.org', to: r.email }),
      policy: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxConsecutiveFailures: 20, concurrency: factor * transport.concurrency },
    });
    const ms = performance.now() - t;
    if (report.sent !== COUNT) throw new Error(`engine variant: sent ${report.sent} of ${COUNT}`);
    results.push(result(`gazette runSend, concurrency ${factor * POOL}`, sink.received(), ms));
    await transport.close();
    await sink.close();
    store.close();
    await rm(root, { recursive: true, force: true });
  }

  console.error('');
  for (const r of results) console.error(`${r.variant.padEnd(36)} ${String(r.perSecond).padStart(6)} msg/s  (${r.messages} in ${r.seconds} s)`);
}

await main();
