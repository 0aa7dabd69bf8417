// The digest archive's own feeds, read by the real validators and by feedparser as a reader would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputFile, Site } from '../../src/model/index.js';
import { renderDigestArchive, type ArchivedDigest } from '../../src/render/digest-archive.js';
import { checkFeedFiles, writeOutputFiles, type FeedCheck, type ParsedFeed, type WrittenFiles } from '../validators/index.js';
import { digestUrl, makeDigest } from './digest-archive-fixtures.js';
import { builtinRenderer, makeSite, SITE_URL, text } from './pages-fixtures.js';

type JsonFeed = Record<string, unknown> & { items: Array<Record<string, unknown>> };

interface Archive {
  readonly files: OutputFile[];
  readonly atom: string;
  readonly rss: string;
  readonly json: JsonFeed;
  check?: FeedCheck;
}

const PATHS = { rss: 'digests/feed.xml', atom: 'digests/atom.xml', json: 'digests/feed.json' } as const;
const archives: Archive[] = [];
const written: WrittenFiles[] = [];

function contentOf(files: readonly OutputFile[], path: string): string {
  return text(files.find((f) => f.path === path)!.content);
}

/** Renders now; the validators run once for every archive in beforeAll. */
function archiveOf(digests: readonly ArchivedDigest[], site: Site = makeSite()): Archive {
  const files = renderDigestArchive(pages, site, digests);
  const a: Archive = { files, rss: contentOf(files, PATHS.rss), atom: contentOf(files, PATHS.atom), json: JSON.parse(contentOf(files, PATHS.json)) as JsonFeed };
  archives.push(a);
  return a;
}

function readers(a: Archive): { rss: ParsedFeed; atom: ParsedFeed } {
  return { rss: a.check!.rss!, atom: a.check!.atom! };
}

const pages = await builtinRenderer();

const NASTY = 'Weekly <script>alert(1)</script> & "friends" ]]> \u0001\u0008\uFFFE caf\u00e9 \u{1F600} \u05e9\u05dc\u05d5\u05dd\r\nsecond line';
const digests = [makeDigest(1), makeDigest(3, { subject: NASTY, articleCount: 5 }), makeDigest(2, { articles: [], articleCount: 1 })];
const full = archiveOf(digests);
const empty = archiveOf([]);
const limited = archiveOf(digests, makeSite({ feedLimit: 2 }));
const noAuthor = archiveOf([makeDigest(1)], makeSite({ author: undefined, id: 'tag:news.example.org,2026:site' }));

beforeAll(() => {
  const sets = archives.map((a) => {
    const w = writeOutputFiles(a.files);
    written.push(w);
    return { rss: w.path(PATHS.rss), atom: w.path(PATHS.atom), json: w.path(PATHS.json) };
  });
  checkFeedFiles(sets).forEach((c, i) => (archives[i]!.check = c));
});

afterAll(() => {
  for (const w of written) w.cleanup();
});

describe('the digest feeds', () => {
  it('pass xmllint, the RSS profile, jing (RELAX NG + RFC 4287 Schematron), the JSON Feed 1.1 schema and feedparser', () => {
    for (const a of archives) expect(a.check!.problems).toEqual([]);
    expect(readers(full).rss.version).toBe('rss20');
    expect(readers(full).atom.version).toBe('atom10');
  });

  it('have one item per digest, newest first: title = subject, link = the web version', () => {
    const expected = [3, 2, 1].map((n) => digestUrl(makeDigest(n)));
    for (const reader of [readers(full).rss, readers(full).atom]) {
      expect(reader.entries.map((e) => e.link)).toEqual(expected);
      expect(reader.entries.slice(1).map((e) => e.title)).toEqual(['Example News: digest number 2', 'Example News: digest number 1']);
    }
    expect(full.json.items.map((i) => i.url)).toEqual(expected);
  });

  it('show a subject with markup, controls and `]]>` as exactly its text, on one line', () => {
    const shown = 'Weekly <script>alert(1)</script> & "friends" ]]> café \u{1F600} \u05e9\u05dc\u05d5\u05dd second line';
    expect(readers(full).atom.entries[0]!.title).toBe(shown);
    expect(readers(full).rss.entries[0]!.title).toBe(shown);
    expect(full.json.items[0]!.title).toBe(shown);
    expect(readers(full).atom.entries[0]!.title_type).toBe('text/plain');
  });

  it('date each item by when the digest was made, and the feed by the newest', () => {
    const iso = (d: Date): string => d.toISOString().replace('.000', '');
    const newest = makeDigest(3).createdAt;
    expect(readers(full).atom.entries.map((e) => e.published)).toEqual([3, 2, 1].map((n) => iso(makeDigest(n).createdAt)));
    expect(readers(full).rss.entries.map((e) => e.published)).toEqual([3, 2, 1].map((n) => iso(makeDigest(n).createdAt)));
    expect(readers(full).atom.feed.updated).toBe(iso(newest));
    expect(full.rss).toContain(`<lastBuildDate>${newest.toUTCString()}</lastBuildDate>`);
    expect(full.json.items[0]!.date_published).toBe(iso(newest));
  });

  it('describe themselves as the archive: title, home page, self links, an id apart from the site’s', () => {
    for (const reader of [readers(full).rss, readers(full).atom]) {
      expect(reader.feed.title).toBe('Example News: Digests');
      expect(reader.feed.link).toBe(`${SITE_URL}digests/`);
    }
    expect(readers(full).rss.feed.links).toContainEqual(expect.objectContaining({ rel: 'self', href: `${SITE_URL}digests/feed.xml` }));
    expect(readers(full).atom.feed.links).toContainEqual(expect.objectContaining({ rel: 'self', href: `${SITE_URL}digests/atom.xml` }));
    expect(readers(full).atom.feed.id).toBe(`${SITE_URL}digests/`);
    expect(readers(noAuthor).atom.feed.id).toBe('tag:news.example.org,2026:site#digests');
    expect(full.json).toMatchObject({ home_page_url: `${SITE_URL}digests/`, feed_url: `${SITE_URL}digests/feed.json`, title: 'Example News: Digests' });
  });

  it('list the articles each digest showed, linked, and how many more it had', () => {
    const content = readers(full).atom.entries[2]!.content[0]!;
    expect(content).toContain(`<a href="${SITE_URL}articles/d1-first/">First story of digest 1</a>`);
    expect(content).toContain('<p>and 1 more.</p>');
    expect(content).toContain(`<a href="${digestUrl(makeDigest(1))}">Read the digest</a>`);
    expect(readers(full).atom.entries[2]!.summary).toBe('3 articles: First story of digest 1 · Second story of digest 1 · and 1 more');
    // A digest whose articles are no longer published still says what it was.
    expect(full.json.items[1]).toMatchObject({ summary: '1 article.' });
  });

  it('hold the newest `feeds.limit` digests (the page lists them all)', () => {
    expect(readers(limited).atom.entries.map((e) => e.link)).toEqual([3, 2].map((n) => digestUrl(makeDigest(n))));
    expect(limited.json.items).toHaveLength(2);
    expect(contentOf(limited.files, 'digests/index.html')).toContain(digestUrl(makeDigest(1)));
  });

  it('are valid and empty when no digest was made yet', () => {
    expect(readers(empty).atom.entries).toEqual([]);
    expect(readers(empty).rss.entries).toEqual([]);
    expect(empty.json.items).toEqual([]);
    expect(empty.rss).not.toContain('lastBuildDate');
  });
});

describe('digest GUIDs', () => {
  const guids = (site: Site, ds: readonly ArchivedDigest[]): string[] => (JSON.parse(contentOf(renderDigestArchive(pages, site, ds), PATHS.json)) as JsonFeed).items.map((i) => String(i.id));

  it('are urn:uuid values, the same in every format and every build', () => {
    const ids = guids(makeSite(), digests);
    for (const id of ids) expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
    expect(readers(full).atom.entries.map((e) => e.id)).toEqual(ids);
    expect(readers(full).rss.entries.map((e) => e.id)).toEqual(ids);
    expect(guids(makeSite(), digests)).toEqual(ids);
    // Fixed here so a change to how they are derived cannot pass unnoticed: readers would see every digest again.
    expect(guids(makeSite(), [makeDigest(1)])).toEqual(['urn:uuid:ae2686bc-a6b3-531c-b29a-144121305b02']);
  });

  it('survive a move of the site to a new URL when site.id stays, and differ between sites', () => {
    const before = guids(makeSite(), digests);
    const moved = guids(makeSite({ url: 'https://example.net/news/' }), digests);
    expect(moved).toEqual(before);
    expect(guids(makeSite({ id: 'tag:other.example,2026:news' }), digests)).not.toContain(before[0]);
  });

  it('do not change when the subject, date or articles of a digest are corrected', () => {
    const d = makeDigest(1);
    const [a] = guids(makeSite(), [d]);
    const [b] = guids(makeSite(), [{ ...d, subject: 'Corrected', createdAt: new Date('2026-03-09T10:00:00Z'), articleCount: 9, articles: [] }]);
    expect(b).toBe(a);
  });
});
