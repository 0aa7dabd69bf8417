/**
 * Site pages in a real browser (Chromium through playwright-core): what the parser makes of them,
 * whether a hostile title runs, and how they read on a phone and a desktop in both colour schemes.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputFile } from '../../src/model/index.js';
import { countTags } from '../../src/render/page-tags.js';
import { renderPages } from '../../src/render/pages.js';
import { renderDigestArchive } from '../../src/render/digest-archive.js';
import { makeDigest } from './digest-archive-fixtures.js';
import { builtinRenderer, makeArticle, makeSite, SITE_URL, tag, text } from './pages-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = 'Budget <script>window.__pwned = 1</script> & "quotes" <img src=x onerror="window.__pwned = 2">';
const LONG_WORD = 'Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt';

describe.skipIf(!existsSync(CHROMIUM))('site pages in a browser', () => {
  let browser: Browser;
  let files: Map<string, string>;

  beforeAll(async () => {
    const r = await builtinRenderer();
    const articles = [
      makeArticle(1, {
        title: HOSTILE,
        summary: `A summary with ${LONG_WORD}`,
        html: `<p>Body text with a long word ${LONG_WORD} and a <a href="${SITE_URL}articles/other/">link</a>.</p><pre><code>${'x'.repeat(300)}</code></pre><table><tr>${'<td>cell</td>'.repeat(30)}</tr></table>`,
        image: `${SITE_URL}img/wide.svg`,
        tags: [tag('World'), tag('Überblick', 'überblick')],
        updated: new Date('2026-01-05T12:00:00Z'),
        authors: [{ name: 'Ana' }, { name: 'Ben', url: 'https://ben.example/' }],
      }),
      ...Array.from({ length: 24 }, (_, i) => makeArticle(i + 2)),
    ];
    // The pages and the digest archive their header links to, as the build writes them.
    const archive = renderDigestArchive(r, makeSite(), [makeDigest(1, { subject: HOSTILE }), makeDigest(2, { subject: LONG_WORD })]);
    files = new Map([...renderPages(r, makeSite(), articles, countTags(articles)), ...archive].map((f: OutputFile) => [f.path, text(f.content)]));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Open `path` as if served at its absolute URL; the site's files answer, the network does not. */
  async function open(path: string, options: { width?: number; scheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1024, height: 900 }, colorScheme: options.scheme ?? 'light' });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === `${SITE_URL}img/wide.svg`) {
        return route.fulfill({ contentType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"><rect width="1600" height="900" fill="#88a"/></svg>' });
      }
      if (!url.startsWith(SITE_URL)) return route.abort();
      let local = decodeURIComponent(url.slice(SITE_URL.length));
      if (local === '' || local.endsWith('/')) local += 'index.html';
      const body = files.get(local);
      if (body === undefined) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ contentType: local.endsWith('.css') ? 'text/css' : 'text/html; charset=utf-8', body });
    });
    await page.goto(`${SITE_URL}${path.replace(/index\.html$/, '')}`, { waitUntil: 'load' });
    return page;
  }

  it('parses the article page as intended and never runs markup from a title', async () => {
    const page = await open('articles/article-1/index.html');
    try {
      const dom = (await page.evaluate(`({
        title: document.title,
        h1: [...document.querySelectorAll('h1')].map((h) => h.textContent),
        pwned: window.__pwned ?? null,
        scripts: document.scripts.length,
        lang: document.documentElement.lang,
        charset: document.characterSet,
        canonical: document.querySelector('link[rel=canonical]').href,
        alternates: [...document.querySelectorAll('link[rel=alternate]')].map((l) => [l.type, l.href]),
        description: document.querySelector('meta[name=description]').content,
        ogTitle: document.querySelector('meta[property="og:title"]').content,
        times: [...document.querySelectorAll('article time')].map((t) => t.dateTime),
        tags: [...document.querySelectorAll('a[rel=tag]')].map((a) => [a.textContent, a.href]),
        authors: document.querySelector('.authors').textContent,
        stylesheetRules: document.styleSheets[0]?.cssRules.length ?? 0,
      })`)) as Record<string, unknown>;
      expect(dom.pwned).toBeNull();
      expect(dom.scripts).toBe(0);
      expect(dom.title).toBe(`${HOSTILE} · Example News`);
      expect(dom.h1).toEqual([HOSTILE]);
      expect(dom.ogTitle).toBe(HOSTILE);
      expect(dom.lang).toBe('en');
      expect(dom.charset).toBe('UTF-8');
      expect(dom.canonical).toBe(`${SITE_URL}articles/article-1/`);
      expect(dom.alternates).toEqual([
        ['application/rss+xml', `${SITE_URL}feed.xml`],
        ['application/atom+xml', `${SITE_URL}atom.xml`],
        ['application/feed+json', `${SITE_URL}feed.json`],
      ]);
      expect(dom.description).toBe(`A summary with ${LONG_WORD}`);
      expect(dom.times).toEqual(['2026-01-02T09:00:00+01:00', '2026-01-05T13:00:00+01:00']);
      expect(dom.tags).toEqual([
        ['World', `${SITE_URL}tags/world/`],
        ['Überblick', `${SITE_URL}tags/%C3%BCberblick/`],
      ]);
      expect(dom.authors).toBe('By Ana and Ben');
      expect(dom.stylesheetRules).toBeGreaterThan(20);
    } finally {
      await page.close();
    }
  });

  it('links resolve to pages the build produced', async () => {
    const page = await open('index.html');
    try {
      const hrefs = (await page.evaluate(`[...document.querySelectorAll('a[href]')].map((a) => a.href)`)) as string[];
      const internal = [...new Set(hrefs.filter((h) => h.startsWith(SITE_URL)))];
      expect(internal.length).toBeGreaterThan(25);
      const feeds = new Set(['feed.xml', 'atom.xml', 'feed.json']);
      for (const href of internal) {
        let local = decodeURIComponent(href.slice(SITE_URL.length));
        if (feeds.has(local)) continue; // written by the feed renderer, not by the pages
        if (local === '' || local.endsWith('/')) local += 'index.html';
        expect(files.has(local), href).toBe(true);
      }
    } finally {
      await page.close();
    }
  });

  const cases = [320, 375, 1280].flatMap((width) => (['light', 'dark'] as const).map((scheme) => ({ width, scheme })));

  it.each(cases)('reads well at $width px in the $scheme scheme', async ({ width, scheme }) => {
    for (const path of ['articles/article-1/index.html', 'index.html', 'tags/index.html', 'tags/world/index.html', 'archive/index.html', 'archive/2026/01/index.html', 'digests/index.html']) {
      const page = await open(path, { width, scheme });
      try {
        const m = (await page.evaluate(MEASURE)) as Measure;
        expect(m.scrollWidth, `${path}: no sideways scrolling`).toBeLessThanOrEqual(m.clientWidth);
        for (const c of m.contrasts) expect(c.ratio, `${path}: contrast of "${c.text}"`).toBeGreaterThanOrEqual(4.5);
        if (scheme === 'dark') expect(m.background, `${path}: dark background`).toBeLessThan(0.05);
        else expect(m.background, `${path}: light background`).toBeGreaterThan(0.8);
        expect(m.bodyFontPx).toBeGreaterThanOrEqual(16);
        for (const img of m.images) expect(img.right).toBeLessThanOrEqual(width);
      } finally {
        await page.close();
      }
    }
  });
});

interface Measure {
  scrollWidth: number;
  clientWidth: number;
  background: number;
  bodyFontPx: number;
  contrasts: { text: string; ratio: number }[];
  images: { right: number }[];
}

// Browser-side code as a string: the project's TypeScript has no DOM types.
const MEASURE = `(() => {
  const lum = ([r, g, b]) => {
    const lin = [r, g, b].map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  };
  const parse = (c) => c.match(/[\\d.]+/g).map(Number);
  const bgOf = (el) => {
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const ratio = (el) => {
    const [a, b] = [lum(parse(getComputedStyle(el).color)), lum(bgOf(el))].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  };
  const sample = [...document.querySelectorAll('h1, h2, p, a, time, li, label, button, td, code')]
    .filter((el) => el.textContent.trim() && el.getClientRects().length);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    background: lum(parse(getComputedStyle(document.body).backgroundColor)),
    bodyFontPx: parseFloat(getComputedStyle(document.body).fontSize),
    contrasts: sample.map((el) => ({ text: el.textContent.trim().slice(0, 40), ratio: ratio(el) })),
    images: [...document.images].map((img) => ({ right: img.getBoundingClientRect().right })),
  };
})()`;
