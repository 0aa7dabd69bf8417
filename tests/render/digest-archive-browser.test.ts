/**
 * The archive page in a real browser (Chromium through playwright-core): what a visitor sees of a
 * hostile subject, the dates and the links, with the site's own files answering every request.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDigestArchive } from '../../src/render/digest-archive.js';
import { makeDigest } from './digest-archive-fixtures.js';
import { builtinRenderer, makeArticle, makeSite, SITE_URL, text } from './pages-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = 'Weekly <script>window.__pwned = 1</script> & "more" <img src=x onerror="window.__pwned = 2">';

describe.skipIf(!existsSync(CHROMIUM))('the digest archive in a browser', () => {
  let browser: Browser;
  const files = new Map<string, string>();

  beforeAll(async () => {
    const r = await builtinRenderer();
    const digests = [makeDigest(1), makeDigest(2, { subject: HOSTILE, articles: [{ title: 'Rates <b>up</b>', url: `${SITE_URL}articles/article-1/` }] })];
    for (const f of [...renderDigestArchive(r, makeSite(), digests), r.renderArticle(makeSite(), makeArticle(1)), r.renderStylesheet()]) files.set(f.path, text(f.content));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows subjects as text, runs nothing, and links each digest, newest first', async () => {
    const page = await browser.newPage();
    try {
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (!url.startsWith(SITE_URL)) return route.abort();
        let local = decodeURIComponent(url.slice(SITE_URL.length));
        if (local === '' || local.endsWith('/')) local += 'index.html';
        const body = files.get(local);
        if (body === undefined) return route.fulfill({ status: 404, body: 'not found' });
        return route.fulfill({ contentType: local.endsWith('.css') ? 'text/css' : 'text/html; charset=utf-8', body });
      });
      await page.goto(`${SITE_URL}articles/article-1/`, { waitUntil: 'load' });
      // From any page, the header's "Digest archive" link leads to the archive.
      await page.getByRole('link', { name: 'Digest archive' }).click();
      await page.waitForURL(`${SITE_URL}digests/`);
      const dom = (await page.evaluate(`({
        title: document.title,
        pwned: window.__pwned ?? null,
        scripts: document.scripts.length,
        images: document.images.length,
        digests: [...document.querySelectorAll('main h2 a')].map((a) => [a.textContent, a.href]),
        times: [...document.querySelectorAll('main time')].map((t) => [t.dateTime, t.textContent]),
        articles: [...document.querySelectorAll('main .p-summary a')].map((a) => a.textContent),
        alternates: [...document.querySelectorAll('link[rel=alternate]')].map((l) => l.href),
        styled: getComputedStyle(document.querySelector('.article-list')).listStyleType,
      })`)) as Record<string, unknown>;
      expect(dom.pwned).toBeNull();
      expect(dom.scripts).toBe(0);
      expect(dom.images).toBe(0);
      expect(dom.title).toBe('Digest archive · Example News');
      expect(dom.digests).toEqual([
        [HOSTILE, `${SITE_URL}digests/20260303-070000/`],
        ['Example News: digest number 1', `${SITE_URL}digests/20260302-070000/`],
      ]);
      expect(dom.times).toEqual([
        ['2026-03-03T08:00:00+01:00', 'March 3, 2026'],
        ['2026-03-02T08:00:00+01:00', 'March 2, 2026'],
      ]);
      expect((dom.articles as string[])[0]).toBe('Rates <b>up</b>');
      expect((dom.alternates as string[]).slice(0, 3)).toEqual(['feed.xml', 'atom.xml', 'feed.json'].map((f) => `${SITE_URL}digests/${f}`));
      expect(dom.styled).toBe('none');
      // The digest link opens the stored web version.
      await page.getByRole('link', { name: 'Example News: digest number 1' }).click();
      await page.waitForURL(`${SITE_URL}digests/20260302-070000/`);
      expect(await page.textContent('h1')).toBe('Digest 1');
    } finally {
      await page.close();
    }
  });
});
