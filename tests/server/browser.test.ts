// A real browser (Debian's chromium through playwright-core) on a built page that embeds the
// site's own subscribe form partial: fill it in, follow the link from the mail the SMTP server
// received, and later press the unsubscribe button. No JavaScript on any of these pages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid } from 'liquidjs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { unsubscribeUrl } from '../../src/tokens/index.js';
import { REPO } from '../helpers/site.js';
import { firstLink, TEST_SECRET } from './helpers.js';
import { startHarness, type Harness } from './subscription-harness.js';

let browser: Browser;
let h: Harness;

/** The home page of a built site, with templates/subscribe-form.liquid rendered into it. */
function builtSite(base: string): Record<string, string> {
  const liquid = new Liquid({ root: join(REPO, 'templates'), extname: '.liquid' });
  const form = liquid.renderFileSync('subscribe-form', { site: { url: base, title: 'Test Gazette' } }) as string;
  return {
    'out/index.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test Gazette</title>
<link rel="stylesheet" href="${base}style.css"></head><body><main><h1>Test Gazette</h1></main>
<footer>${form}</footer></body></html>`,
    'out/style.css': readFileSync(join(REPO, 'templates/style.css'), 'utf8'),
  };
}

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  h = await startHarness({ files: builtSite });
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

it('subscribes with the form, confirms from the mail, and unsubscribes with the button', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // 404s of page resources are caught below; chromium's own favicon probe is not the page's.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });

  await page.goto(h.base);
  await page.getByLabel('Email address').fill('browser.reader@example.org');
  await page.getByLabel('Name').fill('Bea Browser');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.locator('h1', { hasText: 'Check your inbox' }).waitFor();
  expect(page.url()).toBe(`${h.base}api/subscribe`);
  expect(h.store.getSubscriber('browser.reader@example.org')?.status).toBe('pending');

  const [mail] = await h.smtp.waitFor(1);
  const link = firstLink(mail!.parsed.text ?? '');
  await page.goto(link);
  expect(await page.locator('h1').textContent()).toBe('You are subscribed');
  expect(h.store.getSubscriber('browser.reader@example.org')?.status).toBe('active');

  // Later, from a digest: the link opens a page; only the button unsubscribes.
  await page.goto(unsubscribeUrl(h.base, TEST_SECRET, 'browser.reader@example.org'));
  expect(await page.locator('h1').textContent()).toBe('Unsubscribe');
  expect(await page.locator('main').textContent()).toContain('browser.reader@example.org');
  expect(h.store.getSubscriber('browser.reader@example.org')?.status).toBe('active');
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await page.locator('h1', { hasText: 'You are unsubscribed' }).waitFor();
  expect(h.store.getSubscriber('browser.reader@example.org')?.status).toBe('unsubscribed');

  // The pages' stylesheet loaded, nothing was blocked by the CSP, and no cookie was ever set.
  expect(problems).toEqual([]);
  expect(await context.cookies()).toEqual([]);
  await context.close();
});
