// Send throughput of the real CLI with the ledger: `gazette publish` mails a 10-article digest to
// 10,000 subscribers through a local SMTP sink, and is compared, in the same run and against the
// same sink, with a bare pooled nodemailer loop sending the same messages (same HTML and text
// per recipient, same headers, same pool size), nodemailer composing each message as it would
// for a hand-written sender. A second reference sends Gazette's pre-built raw messages through a
// bare pool: the transport's ceiling, with no ledger and no message building at all.
//
// Every sender and the sink run in their own processes, so none shares an event loop.
// Targets: Gazette ≥ the bare loop's messages/s; aim ≥ 2×.
//
// Prints one JSON object on stdout. Run after `npm run build`: node bench/digest-send.js [recipients]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { log, run, serveSink, startSinkProcess, writeDigestSite } from './bench-kit.js';

const HERE = fileURLToPath(import.meta.url);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const DIST = new URL('../dist/', import.meta.url);
const require = createRequire(import.meta.url);
const POOL = 5;
/** Messages the bare loops keep handed to the pool at once: enough that it never waits for work. */
const WINDOW = 4 * POOL;
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

const mode = process.argv[2];
if (mode === '--sink') await serveSink({ maxClients: 1000 });
else if (mode === '--bare') await bare(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6]);
else await main(Number(process.argv[2] ?? 10_000));

async function main(count) {
  const root = mkdtempSync(join(tmpdir(), 'gazette-bench-send-'));
  const sink = await startSinkProcess(HERE);
  try {
    const { port, received } = sink;
    await writeSite(root, count);
    log(`${count} subscribers, sink on port ${port}, pool ${POOL}, node ${process.version}`);

    // Gazette: the real CLI, build + render + freeze the recipients + send against the ledger.
    const before = await received();
    const t = performance.now();
    const cli = await run(process.execPath, [join(REPO, 'bin/gazette.js'), '--root', root, '--json', 'publish'], {
      ...process.env,
      GAZETTE_SECRET: SECRET,
      GAZETTE_SMTP_URL: `smtp://127.0.0.1:${port}?maxConnections=${POOL}`,
    });
    const wallMs = performance.now() - t;
    if (cli.code !== 0) throw new Error(`gazette publish failed (${cli.code}):\n${cli.stderr}`);
    const report = JSON.parse(cli.stdout);
    const send = report.digest.send;
    const gazetteReceived = (await received()) - before;
    if (send.sentThisRun !== count || gazetteReceived !== count) throw new Error(`gazette: sent ${send.sentThisRun}, sink got ${gazetteReceived} of ${count}`);
    const gazette = { msgsPerSecond: rate(count, send.durationMs), sendSeconds: secs(send.durationMs), publishWallSeconds: secs(wallMs) };
    log(`gazette publish: ${gazette.msgsPerSecond} msg/s (send ${gazette.sendSeconds} s, whole publish ${gazette.publishWallSeconds} s)`);

    const baseline = await bareRun(root, report.digest.id, port, 'composed', count, received);
    log(`bare nodemailer loop, composing: ${baseline.msgsPerSecond} msg/s`);
    const ceiling = await bareRun(root, report.digest.id, port, 'raw', count, received);
    log(`bare nodemailer loop, pre-built raw: ${ceiling.msgsPerSecond} msg/s`);

    const ratio = Number((gazette.msgsPerSecond / baseline.msgsPerSecond).toFixed(2));
    process.stdout.write(`${JSON.stringify({
      bench: 'digest-send',
      recipients: count,
      articles: report.digest.articles,
      pool: POOL,
      gazette,
      baseline: { name: 'bare pooled nodemailer loop (nodemailer composes each message)', ...baseline },
      ceiling: { name: 'bare pooled nodemailer loop (Gazette\'s pre-built raw messages, no ledger)', ...ceiling },
      ratio,
      target: { ratioAtLeast: 1, aim: 2 },
      ok: ratio >= 1,
      aimMet: ratio >= 2,
    })}\n`);
  } finally {
    sink.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

async function writeSite(root, count) {
  writeDigestSite(root);
  const { openStore } = await import(new URL('state/index.js', DIST).href);
  const store = openStore(root);
  const at = new Date('2026-11-01T00:00:00Z');
  store.addSubscribers(Array.from({ length: count }, (_, i) => ({
    email: `reader${String(i).padStart(6, '0')}@example${i % 50}.net`,
    name: i % 2 ? `Reader ${i}` : null,
    source: 'bench',
    at,
  })));
  store.close();
}

async function bareRun(root, digestId, port, kind, count, received) {
  const before = await received();
  const child = await run(process.execPath, [HERE, '--bare', root, digestId, String(port), kind], process.env);
  if (child.code !== 0) throw new Error(`bare ${kind} loop failed:\n${child.stderr}`);
  const { sent, ms } = JSON.parse(child.stdout);
  const got = (await received()) - before;
  if (sent !== count || got !== count) throw new Error(`bare ${kind} loop: sent ${sent}, sink got ${got} of ${count}`);
  return { msgsPerSecond: rate(count, ms), sendSeconds: secs(ms) };
}

/**
 * The bare loop: the same subscribers, the same digest (as stored with the send), the same pool.
 * `composed`: nodemailer builds each MIME message from the recipient's HTML and text and the
 * headers Gazette sets. `raw`: nodemailer is handed Gazette's finished message.
 */
async function bare(root, digestId, port, kind) {
  const nodemailer = require('nodemailer');
  const { openStore } = await import(new URL('state/index.js', DIST).href);
  const { deserialiseDigest } = await import(new URL('commands/digest-job.js', DIST).href);
  const { composeDigestMail } = await import(new URL('digest/index.js', DIST).href);
  const { unsubscribeUrl } = await import(new URL('tokens/index.js', DIST).href);
  const store = openStore(root, { readonly: true });
  const rendered = deserialiseDigest(store.getDigest(digestId).payload);
  const recipients = [];
  for (const s of store.iterateActive()) recipients.push({ email: s.email, name: s.name });
  store.close();
  const secret = Buffer.from(SECRET, 'utf8'); // as loadSecret reads GAZETTE_SECRET
  const mail = composeDigestMail(rendered, { from: 'Bench News <news@bench.example.org>', replyTo: 'desk@bench.example.org', secret });
  const mailer = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port, maxConnections: POOL, secure: false, ignoreTLS: true });

  const message = (r, i) => {
    if (kind === 'raw') {
      const m = mail.messageFor(r);
      return { envelope: m.envelope, raw: m.raw };
    }
    const unsubscribe = unsubscribeUrl(rendered.siteUrl, secret, r.email);
    return {
      from: { name: 'Bench News', address: 'news@bench.example.org' },
      replyTo: 'desk@bench.example.org',
      to: r.name ? { name: r.name, address: r.email } : r.email,
      subject: rendered.subject,
      date: rendered.createdAt,
      messageId: `<bench.${i}@bench.example.org>`,
      headers: { 'List-Unsubscribe': `<${unsubscribe}>, <mailto:desk@bench.example.org?subject=unsubscribe>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      text: mail.textFor(r),
      html: mail.htmlFor(r),
    };
  };

  let next = 0;
  let sent = 0;
  const t = performance.now();
  const worker = async () => {
    while (next < recipients.length) {
      const i = next++;
      await mailer.sendMail(message(recipients[i], i));
      sent++;
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  const ms = performance.now() - t;
  mailer.close();
  process.stdout.write(`${JSON.stringify({ sent, ms })}\n`);
}

function rate(n, ms) {
  return Math.round((n / ms) * 1000);
}

function secs(ms) {
  return Number((ms / 1000).toFixed(2));
}

