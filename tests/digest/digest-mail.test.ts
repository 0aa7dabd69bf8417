import { generateKeyPairSync } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { beforeAll, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { composeDigestMail, dkimKey, type DigestMail, type DigestRecipient, type RenderedDigest } from '../../src/digest/index.js';
import { relaxedBody } from '../../src/digest/dkim.js';
import { verifyToken } from '../../src/tokens/index.js';
import { fullDigestInput, NOW, render, SECRET } from './fixtures.js';
import { hasPythonDkim, pythonDkimVerify } from './python-dkim.js';

const FROM = 'Example News <news@example.org>';
const REPLY_TO = 'Desk <desk@example.org>';

const recipients: DigestRecipient[] = [
  { email: 'ana@example.org', name: 'Ana Lima' },
  { email: 'zoe@example.org', name: 'Zoë Müller-Lüdenscheidt 🦊 von Hohenzollern-Sigmaringen und Umgebung' },
  { email: 'bob@example.org' },
];

function toAddress(parsed: ParsedMail): { name: string; address: string }[] {
  const to = parsed.to as AddressObject;
  return to.value.map((v) => ({ name: v.name, address: v.address ?? '' }));
}

function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n') + 2);
}

describe('digest messages', () => {
  let digest: RenderedDigest;
  let mail: DigestMail;
  beforeAll(async () => {
    digest = await render(fullDigestInput());
    mail = composeDigestMail(digest, { from: FROM, replyTo: REPLY_TO, secret: SECRET });
  });

  it('decodes to exactly the intended HTML and text for each recipient', async () => {
    for (const r of recipients) {
      const parsed = await simpleParser(mail.messageFor(r).raw);
      expect(parsed.html).toBe(mail.htmlFor(r));
      expect(parsed.text).toBe(mail.textFor(r));
      expect(parsed.html).toContain(`Hello ${r.name ? r.name.replace(/"/g, '&#34;') : 'there'},`);
      expect(parsed.text).toContain(`Hello ${r.name ?? 'there'},`);
      expect(parsed.attachments).toHaveLength(0);
    }
  });

  it('writes the headers a mail client and a mailbox provider look for', async () => {
    const r = recipients[0]!;
    const message = mail.messageFor(r);
    const parsed = await simpleParser(message.raw);
    expect((parsed.from as AddressObject).value).toEqual([{ name: 'Example News', address: 'news@example.org' }]);
    expect((parsed.replyTo as AddressObject).value).toEqual([{ name: 'Desk', address: 'desk@example.org' }]);
    expect(toAddress(parsed)).toEqual([{ name: 'Ana Lima', address: 'ana@example.org' }]);
    expect(parsed.subject).toBe('Example News: 13 new articles');
    expect(parsed.date?.toISOString()).toBe(NOW.toISOString());
    expect(parsed.messageId).toBe(message.messageId);
    expect(message.messageId).toMatch(/^<7\.[0-9a-f]{24}@example\.org>$/);
    expect(message.envelope).toEqual({ from: 'news@example.org', to: 'ana@example.org' });

    const head = headerBlock(message.raw);
    const unfolded = head.replace(/\r\n[ \t]/g, ' ');
    const listUnsubscribe = /^List-Unsubscribe: (.*)$/m.exec(unfolded)![1]!;
    const [https, mailto] = listUnsubscribe.split(/,\s*/).map((s) => s.replace(/^<|>$/g, ''));
    expect(https).toBe(message.unsubscribeUrl);
    expect(https).toMatch(/^https:\/\/news\.example\.org\/api\/unsubscribe\?token=[A-Za-z0-9_.-]+$/);
    expect(verifyToken(SECRET, new URL(https!).searchParams.get('token'), 'unsubscribe', NOW)?.subscriber).toBe('ana@example.org');
    expect(mailto).toMatch(/^mailto:desk@example\.org\?subject=unsubscribe%20[A-Za-z0-9_.-]+$/);
    expect(unfolded).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(unfolded).toMatch(/^List-Id: Example News <digest\.news\.example\.org>\r?$/m);
    expect(unfolded).toMatch(/^MIME-Version: 1\.0\r?$/m);
    expect(unfolded).toMatch(/^Content-Type: multipart\/alternative; boundary="=_gz_[0-9a-f]+"\r?$/m);
    // The HTML's unsubscribe link is the header's.
    expect(parsed.html).toContain(`href="${https!.replace(/&/g, '&amp;')}"`);
    // Text first, then HTML (clients show the last alternative they can display).
    const types = [...message.raw.toString('latin1').matchAll(/^Content-Type: (text\/[a-z]+); charset=utf-8\r$/gm)].map((m) => m[1]);
    expect(types).toEqual(['text/plain', 'text/html']);
  });

  it('gives each recipient a stable Message-ID of their own', () => {
    const a1 = mail.messageFor(recipients[0]!);
    const a2 = composeDigestMail(digest, { from: FROM, replyTo: REPLY_TO, secret: SECRET }).messageFor(recipients[0]!);
    const b = mail.messageFor(recipients[2]!);
    expect(a1.messageId).toBe(a2.messageId);
    expect(a1.raw.equals(a2.raw)).toBe(true);
    expect(b.messageId).not.toBe(a1.messageId);
    expect(a1.messageId).not.toContain('ana');
  });

  it('writes a valid Message-ID for a digest id with dots', async () => {
    const dotted = await render({ digestId: '2026-11-20..1' });
    expect(dotted.web.path).toBe('digests/2026-11-20..1/index.html');
    const message = composeDigestMail(dotted, { from: FROM, secret: SECRET }).messageFor(recipients[0]!);
    expect(message.messageId).toMatch(/^<2026-11-20--1\.[0-9a-f]{24}@example\.org>$/);
    expect((await simpleParser(message.raw)).messageId).toBe(message.messageId);
  });

  it('encodes a unicode name so the client shows it as written', async () => {
    const r = recipients[1]!;
    const message = mail.messageFor(r);
    const head = headerBlock(message.raw);
    expect(head).toMatch(/^To: =\?UTF-8\?B\?/m);
    expect(toAddress(await simpleParser(message.raw))).toEqual([{ name: r.name, address: r.email }]);
  });

  it('keeps a hostile name inside the To header', async () => {
    const hostile = [
      'Eve\r\nBcc: victim@example.org',
      'Eve\nSubject: You won',
      'Mallory" <attacker@evil.example>, "x',
      'Trudy\u0000\u001b[31m\u202eevil',
      '=?UTF-8?B?QmNjOiB2aWN0aW1AZXhhbXBsZS5vcmc=?=',
    ];
    for (const name of hostile) {
      const message = mail.messageFor({ email: 'eve@example.org', name });
      const head = headerBlock(message.raw);
      expect(head).not.toMatch(/^(Bcc|Cc):/im);
      expect(head.match(/^Subject:/gm)).toHaveLength(1);
      expect(head.match(/^To:/gm)).toHaveLength(1);
      expect(head).not.toMatch(/[^\r]\n|\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]/);
      const parsed = await simpleParser(message.raw);
      expect(parsed.headers.has('bcc')).toBe(false);
      expect(parsed.subject).toBe('Example News: 13 new articles');
      const to = toAddress(parsed);
      expect(to).toHaveLength(1);
      expect(to[0]!.address).toBe('eve@example.org');
      expect(parsed.html).not.toContain('<attacker');
    }
  });

  it('refuses an address that cannot be written safely', () => {
    for (const email of ['not-an-address', 'a@b', 'eve@example.org\r\nBcc: x@example.org', 'a b@example.org', '<a@example.org>', 'ü@example.org']) {
      expect(() => mail.messageFor({ email })).toThrow(GazetteError);
    }
    // An internationalised domain is written in its ASCII form.
    const idn = mail.messageFor({ email: 'leser@bücher.example' });
    expect(idn.envelope.to).toBe('leser@xn--bcher-kva.example');
  });

  it('is 7-bit, CRLF only, with body lines of at most 76 characters and header lines of at most 998', () => {
    for (const r of recipients) {
      const raw = mail.messageFor(r).raw;
      const text = raw.toString('latin1');
      expect(text).not.toMatch(/[\x80-\xff]/);
      expect(text).not.toMatch(/[^\r]\n|\r(?!\n)/);
      const [head, ...rest] = text.split('\r\n\r\n');
      for (const line of head!.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
      for (const line of rest.join('\r\n\r\n').split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    }
  });

  it('writes bodies that are already in DKIM relaxed form', () => {
    const text = mail.messageFor(recipients[1]!).raw.toString('latin1');
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    expect(relaxedBody(body)).toBe(body);
  });

  it('keeps the decoded HTML of ten articles under 90 KB, links absolute and no script', async () => {
    const raw = mail.messageFor(recipients[1]!).raw;
    const parsed = await simpleParser(raw);
    const html = parsed.html as string;
    console.log(`message: ${(raw.length / 1024).toFixed(1)} KB raw; HTML part ${(Buffer.byteLength(html) / 1024).toFixed(1)} KB decoded`);
    expect(Buffer.byteLength(html)).toBeLessThan(90 * 1024);
    for (const m of html.matchAll(/\b(?:href|src)="([^"]*)"/g)) expect(m[1]).toMatch(/^(https:\/\/|mailto:)/);
    expect(html).not.toMatch(/<(script|iframe|form|object|embed)\b|\son[a-z]+=/i);
  });

  it('builds 10,000 recipients far faster than nodemailer\'s MailComposer', async () => {
    const n = 10_000;
    let t = performance.now();
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += mail.messageFor({ email: `reader${i}@example.org`, name: `Reader ${i}` }).raw.length;
    const ours = n / ((performance.now() - t) / 1000);

    const m = 300;
    const html = mail.htmlFor(recipients[0]!);
    const text = mail.textFor(recipients[0]!);
    t = performance.now();
    for (let i = 0; i < m; i++) {
      await new MailComposer({
        from: FROM,
        replyTo: REPLY_TO,
        to: { name: `Reader ${i}`, address: `reader${i}@example.org` },
        subject: digest.subject,
        date: NOW,
        messageId: `<7.${i}@example.org>`,
        text,
        html,
        list: { unsubscribe: [{ url: 'https://news.example.org/api/unsubscribe?token=x', comment: '' }, { url: 'mailto:desk@example.org?subject=unsubscribe', comment: '' }] },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      }).compile().build();
    }
    const composer = m / ((performance.now() - t) / 1000);
    console.log(`10,000 messages (${(bytes / n / 1024).toFixed(1)} KB each): ${ours.toFixed(0)} msgs/s; MailComposer: ${composer.toFixed(0)} msgs/s (${(ours / composer).toFixed(1)}× faster)`);
    expect(ours).toBeGreaterThan(composer * 5);
  });

  it('rejects a malformed From or Reply-To as a config error', () => {
    expect(() => composeDigestMail(digest, { from: 'Example News', secret: SECRET })).toThrow(/email\.from/);
    expect(() => composeDigestMail(digest, { from: FROM, replyTo: 'desk at example', secret: SECRET })).toThrow(/email\.replyTo/);
  });
});

describe.skipIf(!hasPythonDkim)('DKIM', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pub = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');

  it('signs every message so that python3-dkim verifies it, and a changed byte breaks it', async () => {
    const digest = await render(fullDigestInput());
    const mail = composeDigestMail(digest, { from: FROM, replyTo: REPLY_TO, secret: SECRET, dkim: dkimKey('example.org', 'gazette2026', pem) });
    const messages = recipients.map((r) => mail.messageFor(r).raw);
    const head = headerBlock(messages[0]!).replace(/\r\n[ \t]/g, ' ');
    expect(head).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example\.org; s=gazette2026; h=From:Reply-To:To:Subject:Date:Message-ID:List-Id:List-Unsubscribe:List-Unsubscribe-Post:MIME-Version:Content-Type:From; bh=/m);
    const tamperedBody = Buffer.from(messages[0]!.toString('latin1').replace('Read the article', 'Read the articIe'), 'latin1');
    const tamperedTo = Buffer.from(messages[0]!.toString('latin1').replace('To: Ana Lima <ana@example.org>', 'To: Ana Lima <eve@example.org>'), 'latin1');
    const results = pythonDkimVerify([...messages, tamperedBody, tamperedTo], 'gazette2026', 'example.org', pub);
    expect(results).toEqual([true, true, true, false, false]);
    // Signed messages still decode to the intended parts.
    expect((await simpleParser(messages[1]!)).html).toBe(mail.htmlFor(recipients[1]!));
  });

  it('signs 1,000 recipients at a useful rate', async () => {
    const digest = await render(fullDigestInput());
    const mail = composeDigestMail(digest, { from: FROM, secret: SECRET, dkim: dkimKey('example.org', 'gazette2026', pem) });
    const t = performance.now();
    for (let i = 0; i < 1000; i++) mail.messageFor({ email: `reader${i}@example.org` });
    const rate = 1000 / ((performance.now() - t) / 1000);
    console.log(`DKIM-signed messages: ${rate.toFixed(0)} msgs/s`);
    expect(rate).toBeGreaterThan(100);
  });
});
