// Unsubscribe: RFC 8058 one-click from the List-Unsubscribe header of a real digest message, the
// GET page that changes nothing, and tokens that do not work.
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { composeDigestMail, loadDigestTemplates, renderDigest } from '../../src/digest/index.js';
import type { Article, Site } from '../../src/model/index.js';
import { confirmUrl, unsubscribeUrl } from '../../src/tokens/index.js';
import { REPO } from '../helpers/site.js';
import { rawRequest, TEST_SECRET } from './helpers.js';
import { CLOCK_START, postForm, startHarness, type Harness } from './subscription-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

function article(site: Site, n: number): Article {
  const date = new Date(CLOCK_START.getTime() - n * 3600_000);
  return {
    sourcePath: `content/news-${n}.md`,
    slug: `news-${n}`,
    id: `urn:gazette:news-${n}`,
    title: `News number ${n}`,
    date,
    updated: date,
    dateSource: 'front-matter',
    authors: [{ name: 'Desk' }],
    summary: `Summary of news ${n}.`,
    tags: [],
    url: `${site.url}articles/news-${n}/`,
    html: `<p>Body of news ${n}.</p>`,
    draft: false,
    extra: {},
  };
}

/** The https/http URL of a message's List-Unsubscribe header, as a mail provider reads it. */
async function listUnsubscribeUrl(raw: Buffer): Promise<{ url: string; post: string | undefined }> {
  const parsed = await simpleParser(raw);
  const header = parsed.headerLines.find((l) => l.key === 'list-unsubscribe')?.line ?? '';
  const url = /<(https?:[^>]+)>/.exec(header.replace(/\r?\n\s+/g, ''))?.[1];
  if (!url) throw new Error(`no http URL in ${header}`);
  const post = parsed.headerLines.find((l) => l.key === 'list-unsubscribe-post')?.line.replace(/^[^:]+:\s*/, '');
  return { url, post };
}

async function digestFor(email: string): Promise<Buffer> {
  const digest = await renderDigest({
    site: h.site,
    digestId: '2026-05-04-1',
    createdAt: CLOCK_START,
    shown: [article(h.site, 1), article(h.site, 2)],
    more: [],
    postalAddress: '1 Test Street, Springfield',
    subject: '{{ site.title }}: {{ count }} new articles',
    templates: loadDigestTemplates(REPO, join('templates', 'digest.mjml')),
  });
  const mail = composeDigestMail(digest, { from: 'Test Gazette <news@test.example.org>', secret: TEST_SECRET });
  return mail.messageFor({ email }).raw;
}

describe('one-click unsubscribe (RFC 8058)', () => {
  it('unsubscribes at once from a real digest\'s List-Unsubscribe header, with 200 and no redirect or cookie', async () => {
    h = await startHarness();
    h.store.addSubscriber({ email: 'reader@example.org', source: 'cli', at: CLOCK_START });
    const { url, post } = await listUnsubscribeUrl(await digestFor('reader@example.org'));
    expect(post).toBe('List-Unsubscribe=One-Click');
    expect(url.startsWith(`${h.base}api/unsubscribe?token=`)).toBe(true);

    // What Gmail and Yahoo do: a POST with exactly this body, no cookies, no redirects followed.
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('You are unsubscribed');
    const subscriber = h.store.getSubscriber('reader@example.org')!;
    expect(subscriber.status).toBe('unsubscribed');
    expect(subscriber.unsubscribedAt?.toISOString()).toBe(CLOCK_START.toISOString());
    expect(h.store.subscriberHistory(subscriber.id).at(-1)).toMatchObject({ status: 'unsubscribed', source: 'web:unsubscribe' });

    // Again: still 200, nothing new recorded.
    expect((await fetch(url, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) })).status).toBe(200);
    expect(h.store.subscriberHistory(subscriber.id)).toHaveLength(2);
  });

  it('accepts the one-click body as multipart/form-data', async () => {
    h = await startHarness();
    h.store.addSubscriber({ email: 'multi@example.org', source: 'cli', at: CLOCK_START });
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const res = await fetch(unsubscribeUrl(h.base, TEST_SECRET, 'multi@example.org'), { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(h.store.getSubscriber('multi@example.org')?.status).toBe('unsubscribed');
  });
});

describe('GET shows a page and changes nothing', () => {
  it('asks with a button that posts the one-click body', async () => {
    h = await startHarness();
    h.store.addSubscriber({ email: 'scan@example.org', source: 'cli', at: CLOCK_START });
    const url = unsubscribeUrl(h.base, TEST_SECRET, 'scan@example.org');
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('scan@example.org');
      expect(html).toMatch(/<form method="post" action="unsubscribe\?token=[A-Za-z0-9_.-]+">/);
      expect(html).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
      expect(html).toContain('<button class="gz-button" type="submit">Unsubscribe</button>');
    }
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(h.store.getSubscriber('scan@example.org')?.status).toBe('active');
    expect(h.store.subscriberHistory('scan@example.org')).toHaveLength(1);
  });
});

describe('bad tokens change nothing and say so politely', () => {
  it.each([
    ['tampered', (t: string) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A')],
    ['truncated', (t: string) => t.slice(0, 20)],
    ['empty', () => ''],
    ['garbage', () => '%00%0d%0a<script>'],
  ])('%s', async (_name, mutate) => {
    h = await startHarness();
    h.store.addSubscriber({ email: 'safe@example.org', source: 'cli', at: CLOCK_START });
    const token = new URL(unsubscribeUrl(h.base, TEST_SECRET, 'safe@example.org')).searchParams.get('token')!;
    const url = `${h.base}api/unsubscribe?token=${mutate(token)}`;
    const get = await fetch(url);
    const post = await postForm(h.base, url, { 'List-Unsubscribe': 'One-Click' });
    for (const res of [get, post]) {
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('Sorry, this link is not valid, so nothing has been changed.');
      expect(html).not.toContain('<script>');
    }
    expect(h.store.getSubscriber('safe@example.org')?.status).toBe('active');
  });

  it('refuses a confirm token, and a token signed with another secret', async () => {
    h = await startHarness();
    h.store.addSubscriber({ email: 'safe@example.org', source: 'cli', at: CLOCK_START });
    const confirm = confirmUrl(h.base, TEST_SECRET, 'safe@example.org', CLOCK_START).replace('api/confirm', 'api/unsubscribe');
    const foreign = unsubscribeUrl(h.base, 'another-secret-of-enough-length-0123456789', 'safe@example.org');
    for (const url of [confirm, foreign]) {
      expect((await postForm(h.base, url, { 'List-Unsubscribe': 'One-Click' })).status).toBe(400);
    }
    expect(h.store.getSubscriber('safe@example.org')?.status).toBe('active');
  });
});

describe('resubscribing and limits', () => {
  it('lets an unsubscribed reader subscribe again through the form', async () => {
    h = await startHarness();
    h.store.addSubscriber({ email: 'again@example.org', source: 'cli', at: CLOCK_START });
    await postForm(h.base, unsubscribeUrl(h.base, TEST_SECRET, 'again@example.org'), { 'List-Unsubscribe': 'One-Click' });
    expect(h.store.getSubscriber('again@example.org')?.status).toBe('unsubscribed');
    await postForm(h.base, 'api/subscribe', { email: 'again@example.org' });
    const [mail] = await h.smtp.waitFor(1);
    const link = /https?:\/\/\S+/.exec(mail!.parsed.text ?? '')![0];
    expect((await fetch(link)).status).toBe(200);
    expect(h.store.getSubscriber('again@example.org')?.status).toBe('active');
  });

  it('rate-limits the token routes per IP with 429', async () => {
    h = await startHarness({ rateLimits: { tokens: { max: 2, windowMs: 60_000 } } });
    const url = unsubscribeUrl(h.base, TEST_SECRET, 'x@example.org');
    const path = new URL(url).pathname + new URL(url).search;
    const ip = { 'x-forwarded-for': '192.0.2.44' };
    expect((await rawRequest(h.port, path, { headers: ip })).status).toBe(200);
    expect((await rawRequest(h.port, path, { headers: ip })).status).toBe(200);
    const limited = await rawRequest(h.port, path, { method: 'POST', headers: { ...ip, 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
