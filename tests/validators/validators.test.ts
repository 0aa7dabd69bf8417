// The validators themselves must catch what they claim to: each one is shown a broken file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFeedFiles, parseWithFeedparser, validateAtom, validateHtml, validateJsonFeed, validateRss, validateXmlWellFormed } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'gazette-validators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const RSS_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><link>https://a.example/</link><description>D</description><atom:link href="https://a.example/feed.xml" rel="self" type="application/rss+xml"/>';
const goodItem = '<item><title>One</title><link>https://a.example/1</link><guid isPermaLink="false">urn:x:1</guid><pubDate>Thu, 01 Jan 2026 08:00:00 GMT</pubDate><description>S</description><content:encoded><![CDATA[<p>B</p>]]></content:encoded><dc:creator>Ann</dc:creator></item>';
const rss = (items: string): string => `${RSS_HEAD}${items}</channel></rss>\n`;

const atom = (feedExtra: string, entry: string): string =>
  `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x:feed</id><title>T</title><updated>2026-01-01T00:00:00Z</updated>${feedExtra}<entry>${entry}</entry></feed>\n`;
const goodEntry = '<id>urn:x:1</id><title type="text">One</title><link rel="alternate" href="https://a.example/1"/><updated>2026-01-01T00:00:00Z</updated><author><name>Ann</name></author>';

describe('validateXmlWellFormed (xmllint)', () => {
  it('accepts well-formed XML and reports ill-formed files by name', () => {
    const good = file('good.xml', '<a>fine &amp; dandy</a>');
    const cdataEnd = file('cdata-end.xml', '<a>text ]]> more</a>');
    const control = file('control.xml', '<a>bell \u0007</a>');
    expect(validateXmlWellFormed(good)).toEqual([]);
    const errors = validateXmlWellFormed(good, cdataEnd, control).join('\n');
    expect(errors).toContain(cdataEnd);
    expect(errors).toContain(control);
    expect(errors).not.toContain(`${good}:`);
  });
});

describe('validateHtml (W3C Nu Html Checker)', () => {
  it('accepts a valid page and reports each error with its file and line', () => {
    const good = file('good.html', '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>T</title></head>\n<body><p>Fine &amp; dandy</p></body>\n</html>\n');
    const bad = file('bad.html', '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>T</title></head>\n<body>\n<ul><p>not a list item</p></ul>\n<a href="x" href="y">twice</a>\n</body>\n</html>\n');
    expect(validateHtml(good)).toEqual([]);
    const errors = validateHtml(good, bad);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.every((e) => e.file === bad)).toBe(true);
    expect(errors.map((e) => e.line)).toEqual(expect.arrayContaining([5, 6]));
  });
});

describe('validateRss (RSS 2.0 + RSS Advisory Board profile)', () => {
  it('accepts a minimal valid feed', () => {
    expect(validateRss(file('ok.rss', rss(goodItem)))).toEqual([]);
  });

  it.each([
    ['no guid', goodItem.replace(/<guid[^]*?<\/guid>/, ''), 'no guid'],
    ['content without description', goodItem.replace('<description>S</description>', ''), 'content:encoded without a description'],
    ['wrong weekday', goodItem.replace('Thu, 01 Jan', 'Mon, 01 Jan'), 'wrong day of the week'],
    ['two-digit year', goodItem.replace('Jan 2026', 'Jan 26'), 'not an RFC 822 date'],
    ['author without e-mail', goodItem.replace('<dc:creator>Ann</dc:creator>', '<author>Ann</author>'), 'is not "email (Name)"'],
    ['empty element', goodItem.replace('<description>S</description>', '<description></description>'), 'empty element'],
    ['relative link', goodItem.replace('https://a.example/1', '/1'), 'not an absolute http(s) URL'],
    ['guessed enclosure type', goodItem.replace('</item>', '<enclosure url="https://a.example/i.jpg" length="0" type="image"/></item>'), 'not a MIME type'],
    ['unknown element', goodItem.replace('</item>', '<creator>Ann</creator></item>'), 'undefined item element'],
    ['C1 control', goodItem.replace('<title>One', '<title>One \u0085'), 'C1 control'],
    ['duplicate guid', `${goodItem}${goodItem}`, 'duplicate guid'],
  ])('reports %s', (_, items, message) => {
    const errors = validateRss(file('bad.rss', rss(items)));
    expect(errors.join('\n')).toContain(message);
  });

  it('reports an undeclared prefix as not well-formed', () => {
    const undeclared = rss(goodItem).replace(' xmlns:dc="http://purl.org/dc/elements/1.1/"', '');
    expect(validateRss(file('undeclared.rss', undeclared)).join('\n')).toContain('not well-formed');
  });

  it('needs a self link and a channel description', () => {
    const bare = rss(goodItem).replace(/<atom:link[^>]*\/>/, '').replace('<description>D</description>', '');
    const errors = validateRss(file('bare.rss', bare)).join('\n');
    expect(errors).toContain('atom:link rel="self"');
    expect(errors).toContain('needs exactly one <description>');
  });
});

describe('validateAtom (jing: atom.rnc + RFC 4287 Schematron rules)', () => {
  it('accepts a valid feed', () => {
    expect(validateAtom(file('ok.atom', atom('', goodEntry)))).toEqual([]);
  });

  it('reports a grammar error (entry without id) with the file and line', () => {
    const path = file('no-id.atom', atom('', goodEntry.replace('<id>urn:x:1</id>', '')));
    expect(validateAtom(path).join('\n')).toMatch(new RegExp(`${path}:\\d+:\\d+: error: .*"id"`));
  });

  it('runs both Schematron rules and says which file broke them', () => {
    const ok = file('ok2.atom', atom('', goodEntry));
    const noAuthor = file('no-author.atom', atom('', goodEntry.replace('<author><name>Ann</name></author>', '')));
    const noLink = file('no-link.atom', atom('<author><name>Desk</name></author>', goodEntry.replace(/<link[^>]*\/>/, '')));
    const errors = validateAtom(ok, noAuthor, noLink);
    expect(errors.filter((e) => e.startsWith(`${noAuthor}:`)).join('\n')).toContain('must have an atom:author');
    expect(errors.filter((e) => e.startsWith(`${noLink}:`)).join('\n')).toContain("rel attribute of 'alternate'");
    expect(errors.filter((e) => e.startsWith(`${ok}:`))).toEqual([]);
  });
});

describe('validateJsonFeed (jsonfeed-schema 1.1 with ajv, strict)', () => {
  const good = {
    version: 'https://jsonfeed.org/version/1.1',
    title: 'T',
    home_page_url: 'https://a.example/',
    feed_url: 'https://a.example/feed.json',
    items: [{ id: 'urn:x:1', url: 'https://a.example/1', content_html: '<p>B</p>', date_published: '2026-01-01T00:00:00Z' }],
  };

  it('accepts a valid 1.1 feed', () => {
    expect(validateJsonFeed(good)).toEqual([]);
  });

  it.each([
    ['version 1', { ...good, version: 'https://jsonfeed.org/version/1' }, 'not 1.1'],
    ['the deprecated author', { ...good, author: { name: 'A' } }, 'deprecated'],
    ['an item without content', { ...good, items: [{ id: 'urn:x:1' }] }, 'content_html'],
    ['a date that is not RFC 3339', { ...good, items: [{ ...good.items[0], date_published: 'Thu, 01 Jan 2026' }] }, 'date-time'],
    ['a relative URL', { ...good, items: [{ ...good.items[0], url: '/1' }] }, 'uri'],
    ['an unknown key', { ...good, items: [{ ...good.items[0], guid: 'x' }] }, 'additional properties'],
    ['duplicate ids', { ...good, items: [good.items[0], good.items[0]] }, 'not unique'],
    ['no feed_url', { ...good, feed_url: undefined }, 'feed_url is missing'],
  ])('reports %s', (_, feed, message) => {
    const cleaned = JSON.parse(JSON.stringify(feed)) as unknown;
    expect(validateJsonFeed(cleaned).join('\n')).toContain(message);
  });
});

describe('parseWithFeedparser and checkFeedFiles', () => {
  it('shows what a reader sees, and flags a broken feed as bozo', () => {
    const ok = file('reader-ok.rss', rss(goodItem));
    const broken = file('reader-broken.rss', rss(goodItem).replace('<title>One</title>', '<title>One & two</title>'));
    const [a, b] = parseWithFeedparser(ok, broken);
    expect(a).toMatchObject({ bozo: false, version: 'rss20', entries: [{ title: 'One', id: 'urn:x:1', link: 'https://a.example/1', authors: ['Ann'] }] });
    expect(b!.bozo).toBe(true);
  });

  it('sorts every finding back to its feed set', () => {
    const okRss = file('set-ok.rss', rss(goodItem));
    const okAtom = file('set-ok.atom', atom('', goodEntry));
    const badAtom = file('set-bad.atom', atom('', goodEntry.replace('<author><name>Ann</name></author>', '')));
    const json = file('set.json', '{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": []}');
    const [first, second] = checkFeedFiles([{ rss: okRss, atom: okAtom }, { atom: badAtom, json }]);
    expect(first!.problems).toEqual([]);
    expect(first!.rss?.entries).toHaveLength(1);
    expect(second!.problems.join('\n')).toContain(`${badAtom}: `);
    expect(second!.problems.join('\n')).toContain(`${json}: /home_page_url is missing`);
  });
});
