// feed.xsl as a person meets it: a feed opened in Chromium, styled by the stylesheet it names.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFeeds, renderFeedStylesheet } from '../../src/render/feeds.js';
import { validateXmlWellFormed, writeOutputFiles, type WrittenFiles } from '../validators/index.js';
import { makeArticle, makeSite, tag } from './feeds-fixtures.js';

const hostileTitle = '<script>window.__pwned = 1</script> Q&A: "quotes" & ]]> עברית';
const summary = 'Tom & Jerry <b>not bold</b> ]]> it\'s &amp; fine';
const site = makeSite({ title: 'Example & News', description: 'Stories <from> the desk' });
const articles = [
  makeArticle(3, { title: hostileTitle, summary, authors: [{ name: 'Ann' }, { name: 'Bob' }], tags: [tag('Science')] }),
  makeArticle(2, { tags: [tag('World')], authors: [] }),
  makeArticle(1, { tags: [] }),
];

let out: WrittenFiles;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  out = writeOutputFiles([...renderFeeds(site, articles), ...renderFeeds(site, articles, { tag: tag('World') }), renderFeedStylesheet()]);
  // Browsers apply XSLT to XML served as application/xml or text/xml (not to application/rss+xml).
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const type = path.endsWith('.xsl') ? 'text/xsl' : path.endsWith('.xml') ? 'application/xml' : undefined;
    if (!type || path.includes('..')) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(out.dir, path)).then(
      (body) => res.writeHead(200, { 'content-type': type }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  out?.cleanup();
});

interface SeenPage {
  readonly lang: string | null;
  readonly title: string;
  readonly heading: string;
  readonly description: string | null;
  readonly subscribe: string;
  readonly home: string | null;
  readonly items: Array<{ title: string; href: string | null; meta: string; summary: string | null }>;
  readonly pwned: boolean;
  readonly requests: string[];
}

// Runs in the page (a string, as this project compiles without DOM types).
const READ_PAGE = `(() => {
  const text = (el) => (el ? el.textContent.replace(/\\s+/g, ' ').trim() : null);
  return {
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    heading: text(document.querySelector('h1')) ?? '',
    description: text(document.querySelector('.description')),
    subscribe: text(document.querySelector('.notice code')) ?? '',
    home: document.querySelector('main > p > a')?.getAttribute('href') ?? null,
    items: [...document.querySelectorAll('ol > li')].map((li) => ({
      title: text(li.querySelector('h2')) ?? '',
      href: li.querySelector('h2 a')?.getAttribute('href') ?? null,
      meta: text(li.querySelector('.meta')) ?? '',
      summary: text(li.querySelector('.summary')),
    })),
    pwned: window.__pwned === 1,
  };
})()`;

async function open(path: string): Promise<SeenPage> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url().replace(base, '')));
  try {
    await page.goto(`${base}/${path}`);
    await page.waitForSelector('main h1', { timeout: 15_000 });
    const seen = await page.evaluate<Omit<SeenPage, 'requests'>>(READ_PAGE);
    return { ...seen, requests: requests.filter((r) => !r.endsWith('/favicon.ico')) };
  } finally {
    await page.close();
  }
}

describe('feed.xsl', () => {
  it('is well-formed XML', () => {
    expect(validateXmlWellFormed(out.path('feed.xsl'))).toEqual([]);
  });

  it.each([
    ['RSS', 'feed.xml'],
    ['Atom', 'atom.xml'],
  ])('turns the %s feed into a readable page', async (kind, path) => {
    const seen = await open(path);
    expect(seen.lang).toBe('en');
    expect(seen.title).toBe(`Example & News (${kind} feed)`);
    expect(seen.heading).toBe('Example & News');
    expect(seen.description).toBe('Stories <from> the desk');
    expect(seen.subscribe).toBe(`https://news.example.org/${path}`);
    expect(seen.home).toBe('https://news.example.org/');
    expect(seen.items).toEqual([
      { title: hostileTitle, href: articles[0]!.url, meta: '04 Jan 2026 · Ann, Bob', summary },
      { title: 'Article number 2', href: articles[1]!.url, meta: '03 Jan 2026 · The Desk', summary: 'Summary of article 2.' },
      { title: 'Article number 1', href: articles[2]!.url, meta: '02 Jan 2026 · Ada Lovelace', summary: 'Summary of article 1.' },
    ]);
    expect(seen.pwned).toBe(false);
    // Self-contained: the feed and the stylesheet, nothing else.
    expect(seen.requests).toEqual([`/${path}`, '/feed.xsl']);
  });

  it('is found from a tag feed too', async () => {
    const seen = await open('tags/world/atom.xml');
    expect(seen.heading).toBe('Example & News: World');
    expect(seen.items.map((i) => i.title)).toEqual(['Article number 2']);
    expect(seen.requests).toEqual(['/tags/world/atom.xml', '/feed.xsl']);
  });
});
