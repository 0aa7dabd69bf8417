/**
 * The digest in a real browser (Chromium through playwright-core): phone and desktop widths, light
 * and dark schemes. What a reader would notice: sideways scrolling, a title cut off or hidden, text
 * too faint against its background.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personalise, type RenderedDigest } from '../../src/digest/index.js';
import { article, render, withImage } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const LONG_WORD = 'Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt';

/** A wide picture, so images must scale down to fit a phone. */
const PICTURE = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="1200" height="630" fill="#88a"/></svg>`;

describe.skipIf(!existsSync(CHROMIUM))('the digest in a browser', () => {
  let browser: Browser;
  let digest: RenderedDigest;
  let titles: string[];

  beforeAll(async () => {
    const shown = [
      withImage(article(1)),
      article(2, { title: `A title with a very long word: ${LONG_WORD}` }),
      withImage(article(3, { title: 'Zoë’s 🎉 café — 東京の図書館 — مكتبة المدينة', summary: `${LONG_WORD} https://news.example.org/a/very/long/path/that/does/not/break/anywhere/at/all/really` })),
      article(4),
    ];
    titles = shown.map((a) => a.title);
    digest = await render({ shown, more: [article(5)] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const cases = [375, 800, 320].flatMap((width) => (['light', 'dark'] as const).map((scheme) => ({ width, scheme })));

  it.each(cases)('reads well at $width px in the $scheme scheme', async ({ width, scheme }) => {
    const html = personalise(digest.html, { unsubscribeUrl: 'https://news.example.org/api/unsubscribe?token=t.s', email: 'ana@example.org', name: 'Ana' }, 'html');
    const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
    try {
      // No network: images are answered locally, anything else is refused.
      await page.route('**/*', (route) =>
        /\.jpg$/.test(route.request().url()) ? route.fulfill({ contentType: 'image/svg+xml', body: PICTURE }) : route.abort(),
      );
      await page.setContent(html, { waitUntil: 'load' });
      const layout = (await page.evaluate(LAYOUT)) as Layout;
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
      expect(layout.bodyScrollWidth).toBeLessThanOrEqual(layout.clientWidth);
      expect(layout.images).toHaveLength(2);
      for (const img of layout.images) {
        expect(img.natural).toBe(1200);
        expect(img.right).toBeLessThanOrEqual(width);
      }

      for (const title of titles) {
        const link = page.getByText(title, { exact: true });
        await expect(link.isVisible()).resolves.toBe(true);
        const box = (await link.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        const contrast = await link.evaluate(contrastOf);
        expect(contrast, `contrast of "${title}"`).toBeGreaterThanOrEqual(4.5);
      }
      for (const text of ['After a long debate', '1 Example Street, Springfield', 'Unsubscribe', 'View in browser', 'And 1 more article on Example News']) {
        const el = page.getByText(text).first();
        await expect(el.isVisible()).resolves.toBe(true);
        expect(await el.evaluate(contrastOf), `contrast of "${text}"`).toBeGreaterThanOrEqual(4.5);
      }
      // The dark scheme really is dark, not a light page in a dark browser.
      const pageLuminance = (await page.evaluate(PAGE_LUMINANCE)) as number;
      if (scheme === 'dark') expect(pageLuminance).toBeLessThan(0.05);
      else expect(pageLuminance).toBeGreaterThan(0.8);
    } finally {
      await page.close();
    }
  });

  it('shows the web version without overflow on a phone', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 900 } });
    try {
      await page.route('**/*', (route) => route.abort());
      await page.setContent(String(digest.web.content));
      const layout = (await page.evaluate(LAYOUT)) as Layout;
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
      await expect(page.getByText(titles[0]!, { exact: true }).isVisible()).resolves.toBe(true);
      await expect(page.getByText('Unsubscribe').count()).resolves.toBe(0);
    } finally {
      await page.close();
    }
  });
});

// Browser-side code as strings: the project's TypeScript has no DOM types, and these run in Chromium.

interface Layout {
  scrollWidth: number;
  clientWidth: number;
  bodyScrollWidth: number;
  images: Array<{ natural: number; right: number }>;
}

const LAYOUT = `({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  bodyScrollWidth: document.body.scrollWidth,
  images: [...document.images].map((img) => ({ natural: img.naturalWidth, right: img.getBoundingClientRect().right })),
})`;

const LUMINANCE = `(([r, g, b]) => {
  const lin = [r, g, b].map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
})`;

const PAGE_LUMINANCE = `${LUMINANCE}(getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number))`;

/** WCAG contrast ratio of an element's text colour against the first opaque background behind it. */
const CONTRAST_SOURCE = `(el) => {
  const luminance = ${LUMINANCE};
  const parse = (c) => c.match(/[\\d.]+/g).map(Number);
  const fg = parse(getComputedStyle(el).color);
  let bg = [255, 255, 255];
  for (let node = el; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) { bg = c; break; }
  }
  const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}`;
// Playwright serialises a function by its source; one built from a string keeps DOM code out of tsc.
const contrastOf = new Function('el', `return (${CONTRAST_SOURCE})(el);`) as (el: unknown) => number;
