import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import type { Article, Site } from '../../src/model/index.js';
import { EMPTY_FEED_UPDATED, feedPaths, renderFeeds, type FeedScope } from '../../src/render/feeds.js';
import { makeArticle, makeArticles, makeSite, SITE_URL, tag } from './feeds-fixtures.js';
import { contentOf, FeedScenarios, type Scenario } from './feeds-scenarios.js';

const scenarios = new FeedScenarios();
const check = (site: Site, articles: readonly Article[], scope?: FeedScope): Scenario => scenarios.add(site, articles, scope);

beforeAll(() => {
  scenarios.validate();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('renderFeeds: the site feeds', () => {
  const site = makeSite();
  const articles = makeArticles(3);
  const r = check(site, articles);

  it('writes feed.xml, atom.xml and feed.json at the top of out/', () => {
    expect(r.files.map((f) => f.path)).toEqual(['feed.xml', 'atom.xml', 'feed.json']);
    expect(feedPaths()).toEqual({ rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' });
  });

  it('passes xmllint, the RSS profile checks, jing (RELAX NG + Schematron) and the JSON Feed 1.1 schema', () => {
    expect(r.problems).toEqual([]);
  });

  it('reads in feedparser as RSS 2.0 and Atom 1.0 without errors, every item with its title, link and id', () => {
    expect(r.readers.rss.bozo_exception).toBeNull();
    expect(r.readers.atom.bozo_exception).toBeNull();
    expect(r.readers.rss.version).toBe('rss20');
    expect(r.readers.atom.version).toBe('atom10');
    for (const reader of [r.readers.rss, r.readers.atom]) {
      expect(reader.entries.map((e) => [e.title, e.link, e.id])).toEqual(articles.map((a) => [a.title, a.url, a.id]));
    }
    expect(r.json.items.map((i) => [i.title, i.url, i.id])).toEqual(articles.map((a) => [a.title, a.url, a.id]));
  });

  it('describes the channel: title, home page, description, language, self link and generator', () => {
    for (const reader of [r.readers.rss, r.readers.atom]) {
      expect(reader.feed.title).toBe('Example News');
      expect(reader.feed.subtitle).toBe('News from the example desk');
      expect(reader.feed.link).toBe(SITE_URL);
      expect(reader.feed.language).toBe('en');
    }
    expect(r.readers.rss.feed.links).toContainEqual(expect.objectContaining({ rel: 'self', href: `${SITE_URL}feed.xml` }));
    expect(r.readers.atom.feed.links).toContainEqual(expect.objectContaining({ rel: 'self', href: `${SITE_URL}atom.xml` }));
    expect(r.readers.atom.feed.id).toBe(site.id);
    expect(r.rss).toContain('<generator>Gazette</generator>');
    expect(r.atom).toContain('<generator>Gazette</generator>');
    expect(r.json).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Example News',
      home_page_url: SITE_URL,
      feed_url: `${SITE_URL}feed.json`,
      description: 'News from the example desk',
      language: 'en',
      authors: [{ name: 'The Desk' }],
    });
    expect(r.json).not.toHaveProperty('author');
  });

  it('dates the feed by its newest update, never by the clock', () => {
    const newest = articles[0]!.updated;
    expect(r.readers.rss.feed.updated).toBe(newest.toISOString().replace('.000', ''));
    expect(r.readers.atom.feed.updated).toBe(newest.toISOString().replace('.000', ''));
    expect(r.rss).toContain(`<lastBuildDate>${newest.toUTCString()}</lastBuildDate>`);
  });

  it('gives each item its publication and update dates in every format', () => {
    const a = articles[0]!;
    const iso = (d: Date): string => d.toISOString().replace('.000', '');
    expect(r.readers.rss.entries[0]!.published).toBe(iso(a.date));
    expect(r.rss).toContain(`<pubDate>${a.date.toUTCString()}</pubDate>`);
    expect(r.readers.atom.entries[0]!.published).toBe(iso(a.date));
    expect(r.readers.atom.entries[0]!.updated).toBe(iso(a.updated));
    expect(r.json.items[0]).toMatchObject({ date_published: iso(a.date), date_modified: iso(a.updated) });
  });

  it('carries summary, full HTML, authors and tags', () => {
    const a = articles[0]!;
    for (const reader of [r.readers.rss, r.readers.atom]) {
      const e = reader.entries[0]!;
      expect(e.summary_text).toBe(a.summary);
      expect(e.content.join('')).toContain('Body of article 3 with <a href="https://news.example.org/articles/other/">a link</a>.');
      expect(e.authors).toEqual(['Ada Lovelace']);
    }
    expect(r.readers.rss.entries[0]!.tags.map((t) => t.term)).toEqual(['World', 'Science']);
    expect(r.readers.atom.entries[0]!.tags).toEqual([
      { term: 'world', label: 'World' },
      { term: 'science', label: 'Science' },
    ]);
    expect(r.rss).toContain('<dc:creator>Ada Lovelace</dc:creator>');
    expect(r.rss).not.toMatch(/<author>/);
    expect(r.rss).toContain(`<guid isPermaLink="false">${a.id}</guid>`);
    expect(r.atom).toContain('<uri>https://ada.example.org/</uri>');
    expect(r.json.items[0]).toMatchObject({
      summary: a.summary,
      content_html: a.html,
      authors: [{ name: 'Ada Lovelace', url: 'https://ada.example.org/' }],
      tags: ['World', 'Science'],
      language: 'en',
    });
  });

  it('declares every namespace prefix it uses and points browsers at the stylesheet', () => {
    expect(r.rss).toMatch(/<rss version="2\.0"[^>]* xmlns:dc="http:\/\/purl\.org\/dc\/elements\/1\.1\/"/);
    expect(r.rss).toMatch(/<rss [^>]*xmlns:content="http:\/\/purl\.org\/rss\/1\.0\/modules\/content\/"/);
    expect(r.rss).toMatch(/<rss [^>]*xmlns:atom="http:\/\/www\.w3\.org\/2005\/Atom"/);
    expect(r.rss).toContain('<?xml-stylesheet href="/feed.xsl" type="text/xsl"?>');
    expect(r.atom).toContain('<?xml-stylesheet href="/feed.xsl" type="text/xsl"?>');
  });

  it('writes JSON Feed keys in the specification order, pretty-printed with a final newline', () => {
    const raw = contentOf(r.files, 'feed.json');
    expect(raw.endsWith('}\n')).toBe(true);
    expect(raw).toContain('\n  "items": [\n');
    expect(Object.keys(r.json)).toEqual(['version', 'title', 'home_page_url', 'feed_url', 'description', 'language', 'authors', 'items']);
    expect(Object.keys(r.json.items[0]!)).toEqual([
      'id', 'url', 'title', 'content_html', 'summary', 'date_published', 'date_modified', 'authors', 'tags', 'language',
    ]);
  });
});

describe('renderFeeds: selection and order', () => {
  const eight = makeArticles(8);
  const shuffled = [eight[5]!, eight[0]!, eight[7]!, eight[2]!, eight[1]!, eight[6]!, eight[3]!, eight[4]!];
  const limited = check(makeSite({ feedLimit: 5 }), shuffled);
  const threeArticles = makeArticles(3);
  const olderButUpdated = check(makeSite(), [threeArticles[0]!, threeArticles[1]!, { ...threeArticles[2]!, updated: new Date(Date.UTC(2026, 5, 1)) }]);

  it('takes the newest site.feedLimit articles, newest first, whatever order they come in', () => {
    const articles = eight;
    const r = limited;
    expect(r.problems).toEqual([]);
    const expected = articles.slice(0, 5).map((a) => a.id);
    expect(r.readers.rss.entries.map((e) => e.id)).toEqual(expected);
    expect(r.readers.atom.entries.map((e) => e.id)).toEqual(expected);
    expect(r.json.items.map((i) => i.id)).toEqual(expected);
  });

  it('keeps the given order of articles published at the same instant', () => {
    const same = new Date(Date.UTC(2026, 2, 1, 9));
    const articles = ['b', 'a', 'c'].map((slug, i) => makeArticle(i, { slug, id: `urn:x:${slug}`, date: same, updated: same }));
    const files = renderFeeds(makeSite(), articles);
    const json = JSON.parse(contentOf(files, 'feed.json')) as { items: Array<{ id: string }> };
    expect(json.items.map((i) => i.id)).toEqual(['urn:x:b', 'urn:x:a', 'urn:x:c']);
  });

  it('dates the feed by the latest update among its items, even one older by publication', () => {
    const r = olderButUpdated;
    expect(r.problems).toEqual([]);
    expect(r.readers.atom.feed.updated).toBe('2026-06-01T00:00:00Z');
    expect(r.rss).toContain('<lastBuildDate>Mon, 01 Jun 2026 00:00:00 GMT</lastBuildDate>');
  });
});

describe('renderFeeds: a tag scope', () => {
  const science = tag('Science');
  const articles = [
    makeArticle(4, { tags: [tag('World')] }),
    makeArticle(3, { tags: [science] }),
    makeArticle(2, { tags: [tag('World'), science] }),
    makeArticle(1, { tags: [] }),
  ];
  const scienceFeeds = check(makeSite(), articles, { tag: science });
  const urnSite = makeSite({ id: 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66' });
  const urnScience = check(urnSite, articles, { tag: science });
  const urnWorld = check(urnSite, articles, { tag: tag('World') });
  const ueberblick = tag('Überblick', 'überblick');
  const unicodeTag = check(makeSite(), [makeArticle(1, { tags: [ueberblick] })], { tag: ueberblick });
  const subfolderSite = makeSite({ url: 'https://example.org/news/', id: 'https://example.org/news/' });
  const subfolder = check(subfolderSite, [makeArticle(1, { url: 'https://example.org/news/articles/article-1/' })], { tag: tag('World') });

  it('writes under tags/<slug>/ with self links, ids and home page of its own, and only its articles', () => {
    const r = scienceFeeds;
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual(['tags/science/feed.xml', 'tags/science/atom.xml', 'tags/science/feed.json']);
    expect(r.readers.rss.entries.map((e) => e.id)).toEqual([articles[1]!.id, articles[2]!.id]);
    expect(r.readers.atom.entries.map((e) => e.id)).toEqual([articles[1]!.id, articles[2]!.id]);
    expect(r.json.items.map((i) => i.id)).toEqual([articles[1]!.id, articles[2]!.id]);
    expect(r.readers.rss.feed.title).toBe('Example News: Science');
    expect(r.readers.rss.feed.link).toBe(`${SITE_URL}tags/science/`);
    expect(r.readers.rss.feed.links).toContainEqual(expect.objectContaining({ rel: 'self', href: `${SITE_URL}tags/science/feed.xml` }));
    expect(r.readers.atom.feed.links).toContainEqual(expect.objectContaining({ rel: 'self', href: `${SITE_URL}tags/science/atom.xml` }));
    expect(r.json.feed_url).toBe(`${SITE_URL}tags/science/feed.json`);
    expect(r.json.home_page_url).toBe(`${SITE_URL}tags/science/`);
    expect(r.readers.atom.feed.id).toBe(`${SITE_URL}tags/science/`);
    expect(r.readers.atom.feed.id).not.toBe(makeSite().id);
    // Root-relative, so it resolves from tags/science/ as well.
    expect(r.rss).toContain('<?xml-stylesheet href="/feed.xsl" type="text/xsl"?>');
  });

  it('derives a distinct, stable Atom id from a site id that is not a URL', () => {
    const [a, b] = [urnScience, urnWorld];
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    expect(a.readers.atom.feed.id).toBe('urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66#tags/science');
    expect(b.readers.atom.feed.id).toBe('urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66#tags/world');
  });

  it('percent-encodes a unicode slug in URLs but keeps it as the folder name', () => {
    const r = unicodeTag;
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual(['tags/überblick/feed.xml', 'tags/überblick/atom.xml', 'tags/überblick/feed.json']);
    expect(r.json.feed_url).toBe(`${SITE_URL}tags/%C3%BCberblick/feed.json`);
    expect(r.readers.atom.entries[0]!.tags).toEqual([{ term: 'überblick', label: 'Überblick' }]);
  });

  it('points at the stylesheet under the site path when the site lives in a subfolder', () => {
    const r = subfolder;
    expect(r.problems).toEqual([]);
    expect(r.rss).toContain('<?xml-stylesheet href="/news/feed.xsl" type="text/xsl"?>');
    expect(r.atom).toContain('<?xml-stylesheet href="/news/feed.xsl" type="text/xsl"?>');
    expect(r.json.feed_url).toBe('https://example.org/news/tags/world/feed.json');
  });

  it('refuses a slug that would leave tags/', () => {
    for (const slug of ['..', 'a/b', '', 'a\\b']) {
      expect(() => renderFeeds(makeSite(), articles, { tag: { name: 'Bad', slug } })).toThrow(GazetteError);
    }
  });
});

describe('renderFeeds: authors', () => {
  const { author: _, ...withoutAuthor } = makeSite();
  const siteAuthorFallback = check(makeSite(), [makeArticle(1, { authors: [] })]);
  const twoAuthors = check(makeSite(), [makeArticle(1, { authors: [{ name: 'Ann' }, { name: 'Bob', url: 'https://bob.example/' }] })]);
  const nobody = check(withoutAuthor, [makeArticle(2, { authors: [] }), makeArticle(1)]);
  const everyEntryCredited = check(withoutAuthor, makeArticles(2));

  it('credits the site author on items without authors, in every format', () => {
    const r = siteAuthorFallback;
    expect(r.problems).toEqual([]);
    expect(r.readers.rss.entries[0]!.authors).toEqual(['The Desk']);
    expect(r.readers.atom.entries[0]!.authors).toEqual(['The Desk']);
    expect(r.json.items[0]!.authors).toEqual([{ name: 'The Desk' }]);
  });

  it('lists several authors as several dc:creator, atom:author and JSON authors', () => {
    const r = twoAuthors;
    expect(r.problems).toEqual([]);
    expect(r.readers.rss.entries[0]!.authors).toEqual(['Ann', 'Bob']);
    expect(r.readers.atom.entries[0]!.authors).toEqual(['Ann', 'Bob']);
    expect(r.json.items[0]!.authors).toEqual([{ name: 'Ann' }, { name: 'Bob', url: 'https://bob.example/' }]);
  });

  it('names the site as the Atom feed author when neither site nor article has one (RFC 4287 §4.1.1)', () => {
    const r = nobody;
    expect(r.problems).toEqual([]);
    expect(r.readers.atom.feed.authors).toEqual(['Example News']);
    expect(r.readers.atom.entries[0]!.authors).toEqual([]);
    expect(r.rss.match(/<dc:creator>/g)).toHaveLength(1);
    expect(r.json).not.toHaveProperty('authors');
    expect(r.json.items[0]).not.toHaveProperty('authors');
  });

  it('writes no feed-level Atom author when every entry has its own and the site has none', () => {
    const r = everyEntryCredited;
    expect(r.problems).toEqual([]);
    expect(r.readers.atom.feed.authors).toEqual([]);
  });
});

describe('renderFeeds: ids, links and images', () => {
  const ids = ['urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a', 'tag:news.example.org,2026:überblick/Ä', 'HTTPS://Example.ORG/a?b=1&c=2'];
  const explicitIds = check(makeSite(), ids.map((id, i) => makeArticle(3 - i, { id })));
  const images = check(makeSite(), [
    makeArticle(2, { image: 'https://cdn.example.org/photos/harbour.JPG?w=800&h=600' }),
    makeArticle(1, { image: 'https://cdn.example.org/render?id=7' }),
  ]);
  const canonical = check(makeSite(), [makeArticle(1, { canonical: 'https://elsewhere.example.com/story' })]);
  const noBody = check(makeSite(), [makeArticle(1, { html: '', summary: 'Only a <summary> & no body' })]);

  it('keeps explicit ids exactly, even ones a URL parser would rewrite', () => {
    const r = explicitIds;
    expect(r.problems).toEqual([]);
    expect(r.readers.rss.entries.map((e) => e.id)).toEqual(ids);
    expect(r.readers.atom.entries.map((e) => e.id)).toEqual(ids);
    expect(r.json.items.map((i) => i.id)).toEqual(ids);
  });

  it('announces an image with a known type as an enclosure, and any image in JSON Feed', () => {
    const r = images;
    expect(r.problems).toEqual([]);
    const expected = { href: 'https://cdn.example.org/photos/harbour.JPG?w=800&h=600', type: 'image/jpeg' };
    expect(r.readers.rss.entries[0]!.enclosures).toEqual([{ ...expected, length: '0' }]);
    expect(r.readers.atom.entries[0]!.enclosures).toEqual([expected]);
    expect(r.atom).toContain('<link rel="enclosure" type="image/jpeg" href="https://cdn.example.org/photos/harbour.JPG?w=800&amp;h=600"/>');
    expect(r.readers.rss.entries[1]!.enclosures).toEqual([]);
    expect(r.readers.atom.entries[1]!.enclosures).toEqual([]);
    expect(r.json.items.map((i) => i.image)).toEqual([expected.href, 'https://cdn.example.org/render?id=7']);
  });

  it('links a canonical copy elsewhere as Atom rel="via" and JSON external_url', () => {
    const r = canonical;
    expect(r.problems).toEqual([]);
    expect(r.readers.atom.entries[0]!.links).toContainEqual(expect.objectContaining({ rel: 'via', href: 'https://elsewhere.example.com/story' }));
    expect(r.readers.atom.entries[0]!.link).toBe(makeArticle(1).url);
    expect(r.json.items[0]!.external_url).toBe('https://elsewhere.example.com/story');
  });

  it('gives an article without a body its summary as content, so every format has one', () => {
    const r = noBody;
    expect(r.problems).toEqual([]);
    expect(r.json.items[0]!.content_html).toBe('<p>Only a &lt;summary&gt; &amp; no body</p>');
    expect(r.readers.atom.entries[0]!.content).toEqual(['<p>Only a &lt;summary&gt; &amp; no body</p>']);
  });
});

describe('renderFeeds: determinism and empty feeds', () => {
  const empty = check(makeSite(), []);
  const zeroLimit = check(makeSite({ feedLimit: 0 }), makeArticles(3));

  it('gives byte-identical files for the same input, whatever the clock says', () => {
    const articles = makeArticles(5);
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-07-04T12:00:00Z'));
    const first = renderFeeds(makeSite(), articles, { tag: tag('World') });
    vi.setSystemTime(new Date('2040-02-29T23:59:59Z'));
    const second = renderFeeds(makeSite(), articles, { tag: tag('World') });
    expect(second).toEqual(first);
    for (const f of first) expect(String(f.content)).not.toMatch(/2031|2040/);
  });

  it('does not change its input', () => {
    const articles = makeArticles(3);
    const snapshot = structuredClone(articles);
    renderFeeds(makeSite({ feedLimit: 2 }), articles);
    expect(articles).toEqual(snapshot);
  });

  it('writes valid feeds with no items: RSS without lastBuildDate, Atom dated by a fixed rule', () => {
    const r = empty;
    expect(r.problems).toEqual([]);
    expect(r.readers.rss.entries).toEqual([]);
    expect(r.rss).not.toContain('lastBuildDate');
    expect(r.readers.atom.feed.updated).toBe(EMPTY_FEED_UPDATED.toISOString().replace('.000', ''));
    expect(r.json.items).toEqual([]);
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2033-03-03T03:03:03Z'));
    expect(renderFeeds(makeSite(), [])).toEqual(r.files);
  });

  it('writes empty feeds when feedLimit is 0', () => {
    const r = zeroLimit;
    expect(r.problems).toEqual([]);
    expect(r.json.items).toEqual([]);
  });
});

describe('renderFeeds: refuses what cannot be written correctly', () => {
  function failure(fn: () => unknown): GazetteError {
    try {
      fn();
    } catch (e) {
      if (e instanceof GazetteError) return e;
      throw e;
    }
    throw new Error('expected a GazetteError');
  }

  it('names every article with an invalid date or an id that is not a URI', () => {
    const e = failure(() =>
      renderFeeds(makeSite(), [
        makeArticle(3, { slug: 'bad-date', date: new Date('nonsense') }),
        makeArticle(2, { slug: 'bad-id', id: 'just some words' }),
        makeArticle(1, { slug: 'far-future', updated: new Date(Date.UTC(12000, 0, 1)) }),
      ]),
    );
    expect(e.code).toBe('CONTENT');
    expect(e.problems.map((p) => [p.file, p.key])).toEqual([
      ['content/bad-date.md', 'date'],
      ['content/far-future.md', 'updated'],
    ]);
    expect(e.message).toContain('content/bad-date.md (date): the date is not a valid date');
  });

  it('checks the dates of articles beyond feedLimit too, since they decide what is newest', () => {
    const e = failure(() => renderFeeds(makeSite({ feedLimit: 1 }), [makeArticle(2), makeArticle(1, { date: new Date(Number.NaN) })]));
    expect(e.problems.map((p) => p.file)).toEqual(['content/article-1.md']);
  });

  it('names every article whose id is not a URI or whose URL is not absolute', () => {
    const e = failure(() =>
      renderFeeds(makeSite(), [
        makeArticle(3, { slug: 'bad-id', id: 'just some words' }),
        makeArticle(2, { slug: 'bad-url', url: 'articles/bad-url/' }),
        makeArticle(1),
      ]),
    );
    expect(e.code).toBe('CONTENT');
    expect(e.problems.map((p) => p.file)).toEqual(['content/bad-id.md', 'content/bad-url.md']);
    expect(e.message).toContain('content/bad-id.md (id): the id "just some words" is not an absolute URI');
  });

  it('names both files when two articles share an id', () => {
    const e = failure(() => renderFeeds(makeSite(), [makeArticle(2, { id: 'urn:x:same' }), makeArticle(1, { id: 'urn:x:same' })]));
    expect(e.message).toContain('content/article-1.md (id): the id "urn:x:same" is also used by content/article-2.md');
  });

  it('asks for a site.id that is a URI', () => {
    const e = failure(() => renderFeeds(makeSite({ id: 'my site' }), makeArticles(1)));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toMatch(/^site\.id: /);
  });
});
