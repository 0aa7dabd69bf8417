import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isPublished,
  loadContent,
  PARSER_VERSION,
  parseFingerprint,
  type FirstSeenLedger,
  type ParseCache,
} from '../../src/content/index.js';
import type { Article } from '../../src/model/index.js';
import { bytes, makeSite, markdownFile, NOW, tempSite } from './fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function site(files: Record<string, string | Uint8Array>) {
  const s = await tempSite(files);
  cleanups.push(s.cleanup);
  return s.root;
}

function ledger(entries: Record<string, Date> = {}): FirstSeenLedger {
  return { firstSeen: (id) => entries[id] };
}

/** The simplest real ParseCache: a Map, plus counters of what happened. */
function memoryCache() {
  const entries = new Map<string, Article>();
  const stats = { hits: 0, misses: 0, sets: 0 };
  const cache: ParseCache = {
    get(sourcePath, fingerprint) {
      const found = entries.get(`${sourcePath}\0${fingerprint}`);
      if (found) stats.hits++;
      else stats.misses++;
      return found;
    },
    set(sourcePath, fingerprint, article) {
      stats.sets++;
      entries.set(`${sourcePath}\0${fingerprint}`, article);
    },
  };
  return { cache, entries, stats };
}

const article = (title: string, date: string, extra = '') => markdownFile(`title: ${title}\ndate: ${date}${extra}`, `${title} text.\n`);

describe('loadContent', () => {
  it('walks the folder recursively, in order, skipping hidden, "_" and non-article files', async () => {
    const root = await site({
      'content/b.md': article('B', '2026-01-02'),
      'content/a.markdown': article('A', '2026-01-01'),
      'content/2026/c.txt': 'C lede.\n',
      'content/2026/nested/d.MD': article('D', '2026-01-04'),
      'content/.hidden.md': article('Hidden', '2026-01-05'),
      'content/.git/e.md': article('Git', '2026-01-05'),
      'content/_drafts/f.md': article('Draft folder', '2026-01-05'),
      'content/_g.md': article('Underscore', '2026-01-05'),
      'content/notes.html': '<p>not an article</p>',
      'content/image.png': Uint8Array.from([0x89, 0x50, 0x4e, 0x47]),
    });
    const result = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW });
    expect(result.problems).toEqual([]);
    expect(result.articles.map((a) => a.sourcePath)).toEqual([
      'content/2026/c.txt', // dateless: first seen now, the newest
      'content/2026/nested/d.MD',
      'content/b.md',
      'content/a.markdown',
    ]);
  });

  it('sorts newest first, then by slug', async () => {
    const root = await site({
      'content/zeta.md': article('Zeta', '2026-03-01'),
      'content/alpha.md': article('Alpha', '2026-03-01'),
      'content/old.md': article('Old', '2025-12-31'),
      'content/new.md': article('New', '2026-06-01T10:00:00Z'),
    });
    const { articles } = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW });
    expect(articles.map((a) => a.slug)).toEqual(['new', 'alpha', 'zeta', 'old']);
  });

  it('collects every problem of every file instead of stopping at the first', async () => {
    const root = await site({
      'content/bad-yaml.md': '---\ntitle: [unclosed\n---\nText\n',
      'content/bad-title.md': markdownFile('title: 42\ndate: 2026-01-01'),
      'content/empty.md': '',
      'content/latin1.txt': Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x0a]),
      'content/good.md': article('Good', '2026-01-01'),
    });
    const result = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW });
    expect(result.articles.map((a) => a.slug)).toEqual(['good']);
    expect(result.problems.map((p) => [p.file, p.line])).toEqual([
      ['content/bad-title.md', 2],
      ['content/bad-yaml.md', 2],
      ['content/empty.md', undefined],
      ['content/latin1.txt', 1],
    ]);
    expect(result.problems[2]!.message).toMatch(/^empty file/);
  });

  it('reports a duplicate slug naming both files', async () => {
    const root = await site({
      'content/2025/launch.md': article('One', '2025-01-01'),
      'content/2026/launch.md': article('Two', '2026-01-01'),
      'content/other.md': article('Three', '2026-01-01', '\nslug: Launch'),
    });
    const { problems, articles } = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW });
    const dupes = problems.filter((p) => p.key === 'slug');
    expect(dupes).toHaveLength(2);
    expect(dupes[0]).toMatchObject({ file: 'content/2026/launch.md', message: expect.stringContaining('content/2025/launch.md and content/2026/launch.md') });
    expect(dupes[1]).toMatchObject({ file: 'content/other.md', message: expect.stringContaining('content/2025/launch.md and content/other.md') });
    expect(articles.map((a) => a.sourcePath)).toEqual(['content/2025/launch.md']);
  });

  it('reports a duplicate id naming both files', async () => {
    const root = await site({
      'content/a.md': article('A', '2026-01-01', '\nid: urn:uuid:11111111-2222-5333-8444-555555555555'),
      'content/b.md': article('B', '2026-01-02', '\nid: urn:uuid:11111111-2222-5333-8444-555555555555'),
    });
    const { problems } = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW });
    expect(problems).toEqual([
      expect.objectContaining({ file: 'content/b.md', key: 'id', message: expect.stringContaining('content/a.md and content/b.md') }),
    ]);
  });

  it('warns once for each other spelling of a tag page, naming both files; case alone is one tag', async () => {
    const root = await site({
      'content/a.md': article('A', '2026-01-01', '\ntags: [C++, AI]'),
      'content/b.md': article('B', '2026-01-02', '\ntags: [C, ai]'),
      'content/c.md': article('C', '2026-01-03', '\ntags: [c, "C#"]'),
      'content/d.md': article('D', '2026-01-04', '\ntags:\n  - Node.js\n  - node js\n  - Node-JS'),
    });
    const { problems, warnings, articles } = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW });
    expect(problems).toEqual([]);
    const tagWarnings = warnings.filter((w) => w.key === 'tags').map((w) => [w.file, w.line, w.message]);
    expect(tagWarnings).toEqual([
      // Across articles: the first file to use another spelling, naming the first spelling's file
      // ("ai" is "AI" in another case: no warning).
      ['content/b.md', undefined, expect.stringMatching(/^tags "C\+\+" \(in content\/a\.md\) and "C" both become tags\/c\/: they are shown as one tag/)],
      // Within one article, with the line of the spelling that is dropped. "c" itself is the
      // spelling b.md already used, so it is not reported again.
      ['content/c.md', 4, expect.stringMatching(/^tags "c" and "C#" both become tags\/c\//)],
      ['content/d.md', 6, expect.stringMatching(/^tags "Node\.js" and "node js" both become tags\/node-js\//)],
      ['content/d.md', 7, expect.stringMatching(/^tags "Node\.js" and "Node-JS" both become tags\/node-js\//)],
    ]);
    // The articles keep one tag per page, the first spelling each one wrote.
    expect(articles.find((a) => a.slug === 'd')!.tags).toEqual([{ name: 'Node.js', slug: 'node-js' }]);
    expect(articles.find((a) => a.slug === 'c')!.tags.map((t) => t.slug)).toEqual(['c']);
  });

  it('dates a dateless article by the ledger, or by now when it is new (and then warns once)', async () => {
    const root = await site({ 'content/known.txt': 'Known lede.\n', 'content/fresh.txt': 'Fresh lede.\n' });
    const first = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW });
    const known = first.articles.find((a) => a.slug === 'known')!;
    expect(first.newlySeen).toEqual([
      { id: first.articles.find((a) => a.slug === 'fresh')!.id, sourcePath: 'content/fresh.txt', at: NOW },
      { id: known.id, sourcePath: 'content/known.txt', at: NOW },
    ]);
    expect(first.warnings.filter((w) => w.message.startsWith('no date'))).toEqual([
      { file: 'content/fresh.txt', key: 'date', message: 'no date: using the first time Gazette saw it (2026-11-20T12:00:00.000Z)' },
      { file: 'content/known.txt', key: 'date', message: 'no date: using the first time Gazette saw it (2026-11-20T12:00:00.000Z)' },
    ]);

    const recorded = new Date('2026-10-01T07:00:00Z');
    const later = new Date('2026-11-21T00:00:00Z');
    const second = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger({ [known.id]: recorded }), now: later });
    const again = second.articles.find((a) => a.slug === 'known')!;
    expect(again).toMatchObject({ date: recorded, updated: recorded, dateSource: 'first-seen' });
    expect(second.newlySeen.map((n) => n.sourcePath)).toEqual(['content/fresh.txt']);
    expect(second.warnings.filter((w) => w.file === 'content/known.txt' && w.key === 'date')).toEqual([]);
  });

  it('refuses files over 10 MB, naming them', async () => {
    const root = await site({ 'content/huge.md': new Uint8Array(10 * 1024 * 1024 + 1).fill(0x61), 'content/ok.md': article('Ok', '2026-01-01') });
    const { problems, articles } = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW });
    expect(problems).toEqual([{ file: 'content/huge.md', message: 'the file is 10.0 MB; articles may be at most 10 MB' }]);
    expect(articles).toHaveLength(1);
  });

  it('reports a missing content folder as a problem', async () => {
    const root = await site({ 'README.md': 'x' });
    const result = await loadContent({ root, dir: 'articles', site: makeSite(), ledger: ledger(), now: NOW });
    expect(result.articles).toEqual([]);
    expect(result.problems).toEqual([{ file: 'articles', message: expect.stringContaining('does not exist') }]);
  });
});

describe('the parse cache', () => {
  it('misses, stores, then hits for unchanged bytes and misses again after an edit', async () => {
    const root = await site({ 'content/a.md': article('A', '2026-01-01'), 'content/b.md': article('B', '2026-01-02') });
    const { cache, stats } = memoryCache();
    const opts = { root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW, cache };

    const cold = await loadContent(opts);
    expect(stats).toEqual({ hits: 0, misses: 2, sets: 2 });

    const warm = await loadContent(opts);
    expect(stats).toEqual({ hits: 2, misses: 2, sets: 2 });
    expect(warm.articles).toEqual(cold.articles);

    await writeFile(join(root, 'content/a.md'), article('A edited', '2026-01-01'));
    const edited = await loadContent(opts);
    expect(stats).toEqual({ hits: 3, misses: 3, sets: 3 });
    expect(edited.articles.find((a) => a.slug === 'a')!.title).toBe('A edited');
  });

  it('returns what the cache holds on a hit (the parser is not run)', async () => {
    const root = await site({ 'content/a.md': article('A', '2026-01-01') });
    const { cache, entries } = memoryCache();
    const opts = { root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW, cache };
    await loadContent(opts);
    for (const [key, value] of entries) entries.set(key, { ...value, title: 'From the cache' });
    expect((await loadContent(opts)).articles[0]!.title).toBe('From the cache');
  });

  it('re-dates a cached dateless article from the ledger', async () => {
    const root = await site({ 'content/n.txt': 'News lede.\n' });
    const { cache, stats } = memoryCache();
    const first = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW, cache });
    const id = first.articles[0]!.id;
    const recorded = new Date('2026-11-02T00:00:00Z');
    const second = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger({ [id]: recorded }), now: new Date('2026-11-25T00:00:00Z'), cache });
    expect(stats.hits).toBe(1);
    expect(second.articles[0]!.date).toEqual(recorded);
    expect(second.newlySeen).toEqual([]);
  });

  it('fingerprints bytes, parser version and the site settings that change parsing', () => {
    const b = bytes(article('A', '2026-01-01'));
    const base = parseFingerprint(b, makeSite());
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(parseFingerprint(b, makeSite())).toBe(base);
    expect(parseFingerprint(bytes(article('A', '2026-01-02')), makeSite())).not.toBe(base);
    expect(parseFingerprint(b, makeSite({ url: 'https://elsewhere.example/' }))).not.toBe(base);
    expect(parseFingerprint(b, makeSite({ timezone: 'Europe/Berlin' }))).not.toBe(base);
    expect(parseFingerprint(b, makeSite({ title: 'Renamed site' }))).toBe(base);
    expect(PARSER_VERSION).toMatch(/\S/);
  });
});

describe('isPublished', () => {
  it('publishes dated articles once their time has come, never drafts', async () => {
    const root = await site({
      'content/past.md': article('Past', '2026-11-20T11:59:59Z'),
      'content/exact.md': article('Exact', '2026-11-20T12:00:00Z'),
      'content/future.md': article('Future', '2026-11-20T12:00:01Z'),
      'content/draft.md': article('Draft', '2026-01-01', '\ndraft: true'),
    });
    const { articles } = await loadContent({ root, dir: 'content', site: makeSite(), ledger: ledger(), now: NOW });
    const published = Object.fromEntries(articles.map((a) => [a.slug, isPublished(a, NOW)]));
    expect(published).toEqual({ past: true, exact: true, future: false, draft: false });
    expect(isPublished(articles.find((a) => a.slug === 'future')!, new Date('2026-11-21T00:00:00Z'))).toBe(true);
  });
});
