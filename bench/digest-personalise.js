// Compile once, personalise per recipient. A 10-article digest of the benchmark corpus is rendered
// once (Liquid → MJML → HTML, the text part, the web version); each recipient's complete raw
// message (To, Message-ID, List-Unsubscribe, name, address and unsubscribe link in both parts) is
// then made by substitution. Measured against the baseline it avoids, in the same run: compiling
// the digest again for a recipient.
//
// Target: personalising one recipient's copy costs ≤ 0.1 ms (median of 5 rounds of 10,000).
// DKIM signing (RSA-2048, one signature per message) is reported apart: it is a per-message
// cost by nature, not part of personalisation.
//
// Prints one JSON object on stdout. Run after `npm run build`: node bench/digest-personalise.js
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeDigestSite } from './bench-kit.js';

const DIST = new URL('../dist/', import.meta.url);
const { loadConfig } = await import(new URL('config/index.js', DIST).href);
const { openStore } = await import(new URL('state/index.js', DIST).href);
const { runBuild } = await import(new URL('commands/build.js', DIST).href);
const { planDigest, renderPlannedDigest } = await import(new URL('commands/digest-job.js', DIST).href);
const { silentReporter } = await import(new URL('commands/command-result.js', DIST).href);
const { composeDigestMail, dkimKey } = await import(new URL('digest/index.js', DIST).href);

const RECIPIENTS = 10_000;
const ROUNDS = 5;
const COMPILES = 10;
const TARGET_MS = 0.1;

const root = mkdtempSync(join(tmpdir(), 'gazette-bench-personalise-'));
try {
  writeDigestSite(root);

  const now = new Date('2026-11-20T08:00:00Z');
  const config = await loadConfig({ root, env: {} });
  const store = openStore(root);
  const build = await runBuild(config, silentReporter, { now, dryRun: true, store });
  const plan = planDigest(config, store, build.publishedArticles, now);
  store.close();

  // Baseline: what compiling per recipient would cost (the first compile also loads mjml: not counted).
  let rendered = await renderPlannedDigest(config, plan);
  const compileTimes = [];
  for (let i = 0; i < COMPILES; i++) {
    const t = performance.now();
    rendered = await renderPlannedDigest(config, plan);
    compileTimes.push(performance.now() - t);
  }

  const secret = Buffer.alloc(32, 7);
  const mail = composeDigestMail(rendered, { from: config.email.from, replyTo: config.email.replyTo, secret });
  const recipients = Array.from({ length: RECIPIENTS }, (_, i) => ({
    email: `reader.${i}@example${i % 97}.net`,
    name: i % 3 === 0 ? null : i % 3 === 1 ? `Reader ${i}` : `Ünïcödé Lëser ${i} 🎉`,
  }));
  const personalise = (m, list) => {
    let bytes = 0;
    const t = performance.now();
    for (const r of list) bytes += m.messageFor(r).raw.length;
    return { ms: performance.now() - t, bytes };
  };
  personalise(mail, recipients.slice(0, 1000)); // warm-up: JIT
  const rounds = [];
  let messageBytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { ms, bytes } = personalise(mail, recipients);
    rounds.push(ms / RECIPIENTS);
    messageBytes = bytes / RECIPIENTS;
  }

  // DKIM, reported apart: one RSA-2048 signature per message.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dkim = dkimKey('bench.example.org', 'gz', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const signed = composeDigestMail(rendered, { from: config.email.from, replyTo: config.email.replyTo, secret, dkim });
  personalise(signed, recipients.slice(0, 200));
  const dkimRun = personalise(signed, recipients.slice(0, 2000));

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const perRecipientMs = median(rounds);
  const compileMs = median(compileTimes);
  const htmlBytes = mail.htmlFor(recipients[2]).length;
  const result = {
    bench: 'digest-personalise',
    articles: rendered.articleCount.shown,
    more: rendered.articleCount.more,
    recipients: RECIPIENTS,
    htmlBytes,
    messageBytes: Math.round(messageBytes),
    perRecipientMs: Number(perRecipientMs.toFixed(4)),
    roundsMs: rounds.map((x) => Number(x.toFixed(4))),
    baseline: { compilePerRecipientMs: Number(compileMs.toFixed(1)) },
    speedup: Math.round(compileMs / perRecipientMs),
    withDkimPerRecipientMs: Number((dkimRun.ms / 2000).toFixed(3)),
    target: { perRecipientMs: TARGET_MS },
    ok: perRecipientMs <= TARGET_MS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
