/**
 * `gazette publish` end to end: the real CLI, a real smtp-server on 127.0.0.1, and what arrives
 * read with mailparser as a mail client would. N active subscribers → N messages, one each, with
 * the headers, parts, links and size the digest promises; DKIM checked by python3-dkim.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasPythonDkim, pythonDkimVerify } from '../digest/python-dkim.js';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.js';
import {
  EMAIL_CONFIG,
  gazetteAsync,
  gazetteJson,
  mailConfig,
  mailSite,
  parseAccepted,
  rawHeader,
  sendDetail,
  sends,
  smtpUrl,
  spawnGazette,
  subscriberCsv,
  waitFor,
  type MailSite,
} from './helpers-mail.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function site(options: Parameters<typeof mailSite>[0] = {}): MailSite {
  const s = mailSite(options);
  cleanups.push(() => s.cleanup());
  return s;
}

async function sink(options: Parameters<typeof startSmtpSink>[0] = {}): Promise<SmtpSink> {
  const s = await startSmtpSink(options);
  cleanups.push(() => s.close());
  return s;
}

async function importSubscribers(s: MailSite, n: number, prefix = 'sub'): Promise<string[]> {
  const { csv, emails } = subscriberCsv(n, prefix);
  s.write('subscribers.csv', csv);
  const r = await gazetteAsync(s.root, ['subscribers', 'import', join(s.root, 'subscribers.csv')]);
  expect(r.code, r.stderr).toBe(0);
  return emails;
}

describe('gazette publish over SMTP', () => {
  it('builds the site, then sends every active subscriber exactly one complete digest', async () => {
    const s = site({ articles: 12, config: mailConfig({ email: { dkim: { domainName: 'test.example.org', keySelector: 'gz2026' } } }) });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { csv, emails } = subscriberCsv(6);
    // Not active: never mailed.
    s.write('subscribers.csv', `${csv}gone@example.net,Gone,unsubscribed,2020-01-01T00:00:00Z\nlater@example.net,,pending,\n`);
    const imported = await gazetteAsync(s.root, ['subscribers', 'import', join(s.root, 'subscribers.csv')]);
    expect(imported.stdout).toMatch(/^8 added/m);
    const server = await sink();

    const { run, json } = await gazetteJson<{ digest: { id: string; articles: number; more: number; recipients: number; send: Record<string, number> } }>(
      s.root,
      ['publish'],
      { GAZETTE_SMTP_URL: smtpUrl(server, { maxConnections: 2 }), GAZETTE_DKIM_KEY: pem },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(json.digest).toMatchObject({ articles: 10, more: 2, recipients: 6 });
    expect(json.digest.send).toMatchObject({ recipients: 6, sent: 6, failed: 0, pending: 0, uncertain: 0 });
    expect(server.peakConnections()).toBeLessThanOrEqual(2);

    // The site was built first, with the web version of the digest.
    const id = json.digest.id;
    expect(existsSync(join(s.root, 'out/feed.xml'))).toBe(true);
    const web = readFileSync(join(s.root, `out/digests/${id}/index.html`), 'utf8');
    expect(web).toContain('Article 12');
    expect(web).not.toContain('sub00'); // no personal data in the public copy

    // N subscribers → N messages, one each.
    expect(server.acceptedRecipients().sort()).toEqual(emails);
    const mails = await parseAccepted(server.accepted);
    const messageIds = new Set<string>();
    for (const { envelopeTo, raw, parsed } of mails) {
      const n = Number(/sub(\d+)@/.exec(envelopeTo)![1]);
      // From / Reply-To from config; To with the name when known.
      expect(parsed.from?.value).toEqual([{ name: 'Test News', address: 'news@test.example.org' }]);
      expect(parsed.replyTo?.value).toEqual([{ name: 'Desk', address: 'desk@test.example.org' }]);
      const to = Array.isArray(parsed.to) ? parsed.to[0]! : parsed.to!;
      expect(to.value).toEqual([{ name: n % 2 ? `Reader ${n}, Jr.` : '', address: envelopeTo }]);
      expect(parsed.subject).toBe('Test Site: 12 new articles');
      // RFC 8058 one-click: an https link and a mailto.
      const listUnsubscribe = rawHeader(raw, 'List-Unsubscribe')!;
      const links = [...listUnsubscribe.matchAll(/<([^>]+)>/g)].map((m) => m[1]!);
      expect(links).toHaveLength(2);
      expect(links[0]).toMatch(/^https:\/\/test\.example\.org\/api\/unsubscribe\?token=[\w.-]+$/);
      expect(links[1]).toMatch(/^mailto:desk@test\.example\.org\?subject=/);
      expect(rawHeader(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(parsed.messageId).toMatch(/^<[^<>@\s]+@test\.example\.org>$/);
      messageIds.add(parsed.messageId!);
      // Both parts, personalised, with absolute links only and nothing executable.
      const html = String(parsed.html);
      const text = parsed.text ?? '';
      expect(text).toContain(`Article 12: über <script>alert(12)</script> & more`);
      expect(text).toContain(links[0]);
      expect(text).toContain(EMAIL_CONFIG.postalAddress);
      expect(text).toContain(envelopeTo);
      expect(html).toContain(links[0]!.replace(/&/g, '&amp;'));
      expect(html).toContain(EMAIL_CONFIG.postalAddress);
      expect(html).toContain('Article 12: über &lt;script&gt;');
      expect(html).toMatch(/2 more/);
      expect(html).not.toMatch(/<script|<iframe|<form|\son[a-z]+\s*=|javascript:/i);
      const hrefs = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
      expect(hrefs.length).toBeGreaterThan(20);
      for (const href of hrefs) expect(href, href).toMatch(/^(https:\/\/|mailto:)/);
      expect(Buffer.byteLength(html)).toBeLessThan(90 * 1024);
      const dkim = parsed.headerLines.find((h) => h.key === 'dkim-signature')?.line ?? '';
      expect(dkim).toMatch(/\bd=test\.example\.org\b/);
      expect(dkim).toMatch(/\bs=gz2026\b/);
    }
    expect(messageIds.size).toBe(6);

    // DKIM verifies with an independent implementation, for every message (.ci/run installs it).
    expect(hasPythonDkim, "Debian's python3-dkim is needed to verify DKIM").toBe(true);
    const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(pythonDkimVerify(server.accepted.map((a) => a.raw), 'gz2026', 'test.example.org', der)).toEqual(mails.map(() => true));

    // The ledger agrees with the server: sent, with the Message-ID each recipient got.
    const detail = await sendDetail(s.root, id);
    expect(detail).toMatchObject({ id, articles: 12, recipients: 6, sent: 6, failed: 0, pending: 0, uncertain: 0, status: 'finished' });
    expect(detail.deliveries).toHaveLength(6);
    for (const d of detail.deliveries) {
      const mail = mails.find((m) => m.envelopeTo === d.email)!;
      expect(d).toMatchObject({ status: 'sent', attempts: 1, message_id: mail.parsed.messageId, last_error: null, permanent: false });
    }

    // Publishing again sends nothing: the articles are covered.
    const again = await gazetteAsync(s.root, ['publish'], { GAZETTE_SMTP_URL: smtpUrl(server) });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing new/);
    expect(server.accepted).toHaveLength(6);
  });

  it('sends to the file outbox by default, one .eml per subscriber; --dry-run changes nothing', async () => {
    const s = site({ articles: 2 });
    const emails = await importSubscribers(s, 3);

    const dry = await gazetteAsync(s.root, ['publish', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would send digest \S+: 2 articles to 3 active subscribers/);
    expect(existsSync(join(s.root, '.gazette/outbox'))).toBe(false);
    expect(existsSync(join(s.root, 'out'))).toBe(false);
    expect(await sends(s.root)).toEqual([]);

    const r = await gazetteAsync(s.root, ['publish']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/digest (\S+) finished: 3 recipients, 3 sent, 0 failed, 0 pending, 0 uncertain in [\d.]+ s \([\d.]+ msgs\/s\)/);
    const [summary] = await sends(s.root);
    const dir = join(s.root, '.gazette/outbox', summary!.id);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(emails.map((e, i) => `${String(i + 1).padStart(6, '0')}-${e}.eml`));
    const mails = await parseAccepted(files.map((f) => ({ from: '', to: [f.replace(/^\d+-|\.eml$/g, '')], raw: readFileSync(join(dir, f)), startedAt: 0, acceptedAt: 0 })));
    for (const m of mails) {
      expect((Array.isArray(m.parsed.to) ? m.parsed.to[0] : m.parsed.to)?.value[0]?.address).toBe(m.envelopeTo);
      expect(m.parsed.subject).toBe('Test Site: 2 new articles');
      expect(m.parsed.text).toContain('Article 2');
      expect(String(m.parsed.html)).toContain('Article 2');
    }
  });

  it('freezes the recipients first; a second publish at the same time exits with a clear message; nobody gets two', async () => {
    const s = site({ articles: 2 });
    const emails = await importSubscribers(s, 8);
    // 8 × 0.7 s, one at a time: long enough for two more CLI runs even on a busy machine.
    const server = await sink({ acceptDelayMs: 700 });
    const env = { GAZETTE_SMTP_URL: smtpUrl(server, { maxConnections: 1 }) };

    const first = spawnGazette(s.root, ['publish'], env);
    let firstDone = false;
    void first.done.then(() => (firstDone = true));
    await waitFor('the first publish to be sending', () => server.accepted.length >= 1, 20_000);
    // While it sends: a second publish, and a subscriber added after the list was frozen.
    const [second, late] = await Promise.all([gazetteAsync(s.root, ['publish'], env), gazetteAsync(s.root, ['subscribers', 'add', 'late@example.net'])]);
    expect(firstDone, 'the first send was over before the others ran: nothing was tested').toBe(false);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another gazette process \(pid \d+ on .+\) is publishing this site; nothing was done/);
    expect(late.code, late.stderr).toBe(0);
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);

    expect(server.acceptedRecipients().sort()).toEqual(emails);
    const all = await sends(s.root);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ recipients: 8, sent: 8, status: 'finished' });
  });
});
