// Property: whatever text and dates the model holds, every feed is well-formed, valid and read back
// by a real reader exactly as the JSON Feed states it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/model/index.js';
import { renderFeeds } from '../../src/render/feeds.js';
import { parseWithFeedparser, validateAtom, validateJsonFeed, validateRss, validateXmlWellFormed } from '../validators/index.js';
import { makeArticle, makeSite } from './feeds-fixtures.js';
import { contentOf } from './feeds-scenarios.js';

const RUNS = 100;

/** Text pieces chosen to break naive XML writers, mixed with arbitrary code points. */
const hostilePiece = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ']]>', ']]]]>', '<![CDATA[', '&amp;', '&', '&lt;', '<script>alert(1)</script>', '</title>', '"', "'", '\r\n', '\r',
      '\t', '\u2028', '\uFEFF', '\uD800', '\uDFFF', '\uFFFE', '\uFFFF', '\u0000', '\u0085', '\u007F', '👩🏽‍💻', 'مرحبا', 'עברית',
      '中文', 'e\u0301', '\u{10FFFF}', '\u{1FFFE}',
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
);
const hostileText = fc.array(hostilePiece, { maxLength: 10 }).map((parts) => parts.join(''));
const writableDate = fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true });

const dir = mkdtempSync(join(tmpdir(), 'gazette-feed-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('feeds from arbitrary text (fast-check)', () => {
  const rssFiles: string[] = [];
  const atomFiles: string[] = [];
  const expectedTitles = new Map<string, string[]>();

  it(`are well-formed XML and valid JSON Feed 1.1 for ${RUNS} random inputs`, () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.record({
          siteTitle: hostileText,
          description: hostileText,
          title: hostileText,
          summary: hostileText,
          html: hostileText,
          tagName: hostileText,
          authorName: hostileText,
          date: writableDate,
          extraHours: fc.nat({ max: 24 * 365 }),
        }),
        (input) => {
          const site = makeSite({ title: input.siteTitle, description: input.description, author: { name: input.authorName } });
          const article: Article = makeArticle(1, {
            title: input.title,
            summary: input.summary,
            html: input.html,
            tags: [{ name: input.tagName, slug: 'random' }],
            authors: [{ name: input.authorName }],
            date: input.date,
            updated: new Date(Math.min(input.date.getTime() + input.extraHours * 3600_000, Date.UTC(9999, 11, 31))),
          });
          const files = [...renderFeeds(site, [article, makeArticle(0)]), ...renderFeeds(site, [article], { tag: { name: input.tagName, slug: 'random' } })];
          run += 1;
          const rss = join(dir, `run-${run}.rss.xml`);
          const atom = join(dir, `run-${run}.atom.xml`);
          writeFileSync(rss, contentOf(files, 'feed.xml'));
          writeFileSync(atom, contentOf(files, 'atom.xml'));
          expect(validateXmlWellFormed(rss, atom)).toEqual([]);
          for (const path of ['feed.json', 'tags/random/feed.json']) {
            const json = JSON.parse(contentOf(files, path)) as { items: Array<{ title: string }> };
            expect(validateJsonFeed(json)).toEqual([]);
            if (path === 'feed.json') expectedTitles.set(atom, json.items.map((i) => i.title));
          }
          rssFiles.push(rss);
          atomFiles.push(atom);
        },
      ),
      { numRuns: RUNS },
    );
    expect(atomFiles.length).toBeGreaterThanOrEqual(RUNS);
  });

  it('pass jing (Atom grammar + Schematron) and the RSS profile checks, all runs at once', () => {
    expect(validateAtom(...atomFiles)).toEqual([]);
    expect(validateRss(...rssFiles)).toEqual([]);
  });

  it('read back in feedparser without errors, Atom titles exactly as in JSON Feed', () => {
    const parsed = parseWithFeedparser(...rssFiles, ...atomFiles);
    for (const feed of parsed) {
      expect(feed.bozo_exception, feed.path).toBeNull();
      expect(feed.entries, feed.path).toHaveLength(2);
    }
    for (const feed of parsed.filter((f) => expectedTitles.has(f.path))) {
      expect(feed.entries.map((e) => e.title), feed.path).toEqual(expectedTitles.get(feed.path));
    }
  });
});
