// Subscribe → confirmation mail in a real SMTP server → confirm link → active; and everything that
// must not happen on the way (enumeration, header injection, floods, oversize bodies).
import { afterEach, describe, expect, it } from 'vitest';
import { confirmUrl, unsubscribeUrl } from '../../src/tokens/index.js';
import { firstLink, rawRequest, TEST_SECRET } from './helpers.js';
import { CLOCK_START, postForm, startHarness, type Harness } from './subscription-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function subscribe(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await postForm(h.base, 'api/subscribe', fields, headers);
  return { status: res.status, body: await res.text() };
}

describe('double opt-in', () => {
  it('sends a plain confirmation mail whose link activates the subscriber and records consent', async () => {
    h = await startHarness();
    const answer = await subscribe({ email: 'Ann.Reader@Example.ORG', name: 'Ann Reader' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Check your inbox');
    expect(h.store.getSubscriber('ann.reader@example.org')?.status).toBe('pending');

    const [mail] = await h.smtp.waitFor(1);
    const parsed = mail!.parsed;
    expect(mail!.envelope.to).toEqual(['Ann.Reader@example.org']);
    expect(mail!.envelope.from).toBe('news@test.example.org');
    expect(parsed.subject).toBe('Confirm your subscription to Test Gazette');
    expect(parsed.from?.text).toBe('"Test Gazette" <news@test.example.org>');
    expect(parsed.replyTo?.text).toBe('desk@test.example.org');
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0] : undefined).toEqual({ address: 'Ann.Reader@example.org', name: 'Ann Reader' });
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]+@test\.example\.org>$/);
    expect(parsed.date?.toISOString()).toBe(CLOCK_START.toISOString());
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.headers.has('list-unsubscribe')).toBe(false);
    const text = parsed.text ?? '';
    expect(text).toContain('Hello Ann Reader,');
    expect(text).toContain('1 Test Street, Springfield');
    expect(text.length).toBeLessThan(1200);

    const link = firstLink(text);
    expect(link.startsWith(`${h.base}api/confirm?token=`)).toBe(true);
    h.advance(60_000);
    const confirmed = await fetch(link);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You are subscribed');

    const subscriber = h.store.getSubscriber('ann.reader@example.org')!;
    expect(subscriber.status).toBe('active');
    expect(subscriber.source).toBe('web');
    expect(subscriber.name).toBe('Ann Reader');
    expect(subscriber.subscribedAt?.toISOString()).toBe(new Date(CLOCK_START.getTime() + 60_000).toISOString());
    expect(h.store.subscriberHistory(subscriber.id).map((e) => [e.status, e.source])).toEqual([
      ['pending', 'web'],
      ['active', 'web:confirm'],
    ]);

    // Opening the link again (a second click, a scanner) is harmless.
    expect((await fetch(link)).status).toBe(200);
    expect(h.store.subscriberHistory(subscriber.id)).toHaveLength(2);
  });

  it('accepts a multipart form too', async () => {
    h = await startHarness();
    const form = new FormData();
    form.set('email', 'multi@example.org');
    const res = await fetch(new URL('api/subscribe', h.base), { method: 'POST', body: form });
    expect(res.status).toBe(200);
    await h.smtp.waitFor(1);
    expect(h.store.getSubscriber('multi@example.org')?.status).toBe('pending');
  });

  it('answers the same for a new, pending, active and unsubscribed address', async () => {
    h = await startHarness({ addressIntervalMs: 0 });
    h.store.addSubscriber({ email: 'active@example.org', source: 'cli', at: CLOCK_START });
    h.store.addSubscriber({ email: 'gone@example.org', status: 'unsubscribed', source: 'cli', at: CLOCK_START });
    const answers = [];
    for (const email of ['new@example.org', 'new@example.org', 'active@example.org', 'gone@example.org']) {
      answers.push(await subscribe({ email }));
    }
    for (const a of answers) expect(a).toEqual(answers[0]);
    // The active subscriber got nothing; the others got a confirmation each.
    await h.subscriptions.idle();
    const recipients = h.smtp.mails.map((m) => m.envelope.to[0]).sort();
    expect(recipients).toEqual(['gone@example.org', 'new@example.org', 'new@example.org']);
    // Asking to subscribe changes no one's status: only confirming does.
    expect(h.store.getSubscriber('gone@example.org')?.status).toBe('unsubscribed');
    expect(h.store.getSubscriber('active@example.org')?.status).toBe('active');
  });

  it('lets an unsubscribed reader come back by subscribing and confirming', async () => {
    h = await startHarness();
    h.store.addSubscriber({ email: 'back@example.org', status: 'unsubscribed', source: 'cli', at: CLOCK_START });
    await subscribe({ email: 'back@example.org' });
    const [mail] = await h.smtp.waitFor(1);
    expect((await fetch(firstLink(mail!.parsed.text ?? ''))).status).toBe(200);
    expect(h.store.getSubscriber('back@example.org')?.status).toBe('active');
  });
});

describe('refusals that change nothing', () => {
  it('shows the form again, with the reason, for a missing or malformed address', async () => {
    h = await startHarness();
    const empty = await subscribe({ email: '  ', name: 'No One' });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('Please enter your email address.');
    expect(empty.body).toContain('value="No One"');
    const bad = await subscribe({ email: 'not-an-address<script>' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('That address cannot receive mail');
    expect(bad.body).toContain('value="not-an-address&lt;script&gt;"');
    expect(bad.body).not.toContain('<script>');
    expect(h.store.listSubscribers()).toEqual([]);
    await h.subscriptions.idle();
    expect(h.smtp.mails).toHaveLength(0);
  });

  it('keeps CR/LF in a name from injecting headers', async () => {
    h = await startHarness();
    await subscribe({ email: 'eve@example.org', name: 'Eve\r\nBcc: victim@evil.example\r\nSubject: hacked' });
    const [mail] = await h.smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['eve@example.org']);
    expect(mail!.parsed.bcc).toBeUndefined();
    expect(mail!.parsed.subject).toBe('Confirm your subscription to Test Gazette');
    expect(mail!.raw.toString('latin1')).not.toMatch(/\r\n(Bcc|Subject: hacked)/i);
    expect(h.store.getSubscriber('eve@example.org')?.name).toBe('Eve Bcc: victim@evil.example Subject: hacked');
  });

  it('does nothing for a tampered, foreign-purpose or missing confirm token', async () => {
    h = await startHarness();
    await subscribe({ email: 'tamper@example.org' });
    const [mail] = await h.smtp.waitFor(1);
    const link = firstLink(mail!.parsed.text ?? '');
    const token = new URL(link).searchParams.get('token')!;
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    const [body] = token.split('.');
    const otherBody = Buffer.from(JSON.stringify({ p: 'confirm', s: 'someone-else@example.org', e: 9_999_999_999 })).toString('base64url');
    const unsubscribeToken = new URL(unsubscribeUrl(h.base, TEST_SECRET, 'tamper@example.org')).searchParams.get('token')!;
    for (const bad of [flipped, `${otherBody}.${token.split('.')[1]}`, `${body}.`, unsubscribeToken, '', 'x'.repeat(5000)]) {
      const res = await fetch(`${h.base}api/confirm?token=${encodeURIComponent(bad)}`);
      expect(res.status, bad.slice(0, 40)).toBe(400);
      expect(await res.text()).toContain('this link is not valid, so nothing has been changed');
    }
    expect((await fetch(`${h.base}api/confirm`)).status).toBe(400);
    expect(h.store.getSubscriber('tamper@example.org')?.status).toBe('pending');
    expect(h.store.getSubscriber('someone-else@example.org')).toBeUndefined();
  });

  it('says an expired link has expired, offers the form, and changes nothing', async () => {
    h = await startHarness();
    h.store.addSubscriber({ email: 'late@example.org', status: 'pending', source: 'web', at: CLOCK_START });
    const old = confirmUrl(h.base, TEST_SECRET, 'late@example.org', new Date(CLOCK_START.getTime() - 49 * 3600_000));
    const res = await fetch(old);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain('This link has expired');
    expect(html).toContain('action="subscribe"');
    expect(h.store.getSubscriber('late@example.org')?.status).toBe('pending');
  });
});

describe('limits', () => {
  it('sends at most one confirmation per address per interval, silently', async () => {
    h = await startHarness({ addressIntervalMs: 10 * 60_000 });
    const first = await subscribe({ email: 'flood@example.org' }, { 'x-forwarded-for': '198.51.100.1' });
    const second = await subscribe({ email: 'FLOOD@example.org' }, { 'x-forwarded-for': '198.51.100.2' });
    expect(second).toEqual(first);
    await h.subscriptions.idle();
    expect(h.smtp.mails).toHaveLength(1);
    h.advance(10 * 60_000);
    await subscribe({ email: 'flood@example.org' }, { 'x-forwarded-for': '198.51.100.3' });
    await h.smtp.waitFor(2);
  });

  it('answers 429 with Retry-After past the per-IP limit, per client IP', async () => {
    h = await startHarness({ rateLimits: { subscribe: { max: 3, windowMs: 60_000 } }, addressIntervalMs: 0 });
    const ip = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 3; i++) expect((await subscribe({ email: `r${i}@example.org` }, ip)).status).toBe(200);
    const limited = await postForm(h.base, 'api/subscribe', { email: 'r9@example.org' }, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await limited.text()).toContain('too many requests');
    expect(h.store.getSubscriber('r9@example.org')).toBeUndefined();
    // Another client is not affected.
    expect((await subscribe({ email: 'other@example.org' }, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
  });

  it('refuses oversize bodies, urlencoded and multipart', async () => {
    h = await startHarness();
    const big = await subscribe({ email: 'big@example.org', name: 'x'.repeat(10_000) });
    expect(big.status).toBe(413);
    const boundary = 'gz-boundary';
    const multipart =
      `--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\nbig2@example.org\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${'y'.repeat(20_000)}\r\n--${boundary}--\r\n`;
    const res = await rawRequest(h.port, '/api/subscribe', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(Buffer.byteLength(multipart)) },
      body: multipart,
    });
    expect(res.status).toBe(413);
    // A file in the form (no Content-Length, chunked) is refused by the multipart limits.
    const withFile =
      `--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\nbig3@example.org\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`;
    const file = await rawRequest(h.port, '/api/subscribe', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
      body: withFile,
    });
    expect(file.status).toBe(413);
    expect(h.store.listSubscribers()).toEqual([]);
  });

  it('sets no cookie and keeps its pages out of caches and frames', async () => {
    h = await startHarness();
    const res = await postForm(h.base, 'api/subscribe', { email: 'c@example.org' });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('the sign-up page', () => {
  it('serves /subscribe/ with a form that works without JavaScript', async () => {
    h = await startHarness();
    const res = await fetch(`${h.base}subscribe/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form class="gz-form" method="post" action="../api/subscribe">');
    expect(html).toContain('name="email"');
    expect(html).not.toContain('<script');
    const redirect = await fetch(`${h.base}subscribe`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('./subscribe/');
    // Reloading the answer page (GET /api/subscribe) shows the form, posting to the same place.
    const reload = await fetch(`${h.base}api/subscribe`);
    expect(reload.status).toBe(200);
    expect(await reload.text()).toContain('action="subscribe"');
  });

  it('prefers the site\'s own subscribe page when out/ has one', async () => {
    h = await startHarness({ files: { 'out/subscribe/index.html': '<p>Our own sign-up page</p>' } });
    expect(await (await fetch(`${h.base}subscribe/`)).text()).toBe('<p>Our own sign-up page</p>');
  });
});
