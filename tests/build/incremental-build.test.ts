// A rebuild re-parses only changed files and re-renders only outputs whose inputs changed, and
// still writes exactly what a build from scratch writes, whatever changed in between.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, baseConfig, makeSite } from '../helpers/site.js';
import { article, build, mtimes, NOW, sampleFiles, scratchBuild, settle, snapshot, type TestSite } from './fixtures.js';

const sites: TestSite[] = [];
afterEach(() => sites.splice(0).forEach((s) => s.cleanup()));

function site(files: Record<string, string> = sampleFiles()): TestSite {
  const s = makeSite({ files, config: baseConfig() });
  sites.push(s);
  return s;
}

describe('an incremental build writes what a build from scratch writes', () => {
  it('after edits, additions, deletions and a tag change', async () => {
    const s = site();
    const out = join(s.root, 'out');
    const cold = await build(s.root);
    expect(cold.report).toMatchObject({ articles: 6, published: 4, parsed: 6, written: cold.report.rendered });
    expect(snapshot(out)).toEqual(await scratchBuild(s, sites));

    await settle();
    // The first paragraph (the summary) stays: only the body changes.
    s.write('content/alpha.md', article('Alpha', '2026-01-05T10:00:00Z', 'Alpha body with [a link](/x/) and ![img](pic.png).\n\nA new paragraph.', 'tags: [News, Überblick]\n'));
    const bodyEdit = await build(s.root);
    expect(bodyEdit.report.parsed).toBe(1);
    // Its page and the feeds that carry its body (site, News, Überblick); the index and the tag
    // pages show titles and summaries only.
    expect(bodyEdit.report.rendered).toBe(1 + 3 * 3);
    expect(snapshot(out)).toEqual(await scratchBuild(s, sites));

    await settle();
    s.write('content/beta.md', article('Beta, renamed', '2026-02-01', 'Beta body.\n\n- one\n- two', 'tags: [Science, Fresh]\n'));
    s.write('content/delta.md', article('Delta', '2026-03-05', 'A new one.', 'tags: [Fresh]\n'));
    rmSync(join(s.root, 'content/gamma.md'));
    const mixed = await build(s.root);
    expect(mixed.report).toMatchObject({ parsed: 2, articles: 6 });
    expect(mixed.report.removed).toBeGreaterThan(0);
    expect(snapshot(out)).toEqual(await scratchBuild(s, sites));
  });

  it('after an older article is retitled: its month page renders again, the home page does not', async () => {
    const s = makeSite({ files: sampleFiles(), config: baseConfig({ pages: { indexLimit: 2 } }) });
    sites.push(s);
    const out = join(s.root, 'out');
    await build(s.root);
    const home = readFileSync(join(out, 'index.html'), 'utf8');
    expect(home).toContain('Gamma');
    expect(home).not.toContain('Alpha'); // the oldest of four: in the archive only
    await settle();
    const before = mtimes(out);

    s.write('content/alpha.md', article('Alpha, retitled', '2026-01-05T10:00:00Z', 'Alpha body with [a link](/x/) and ![img](pic.png).', 'tags: [News, Überblick]\n'));
    const r = await build(s.root);
    // Its page, its month, its two tag pages, and the feeds that show it (site, News, Überblick).
    expect(r.report.rendered).toBe(1 + 1 + 2 + 3 * 3);
    const after = mtimes(out);
    const changed = Object.keys(after).filter((p) => after[p] !== before[p]).sort();
    expect(changed).toEqual(
      [
        'archive/2026/01/index.html',
        'articles/alpha/index.html',
        'tags/news/index.html',
        'tags/überblick/index.html',
        ...['', 'tags/news/', 'tags/überblick/'].flatMap((d) => [`${d}atom.xml`, `${d}feed.json`, `${d}feed.xml`]),
      ].sort(),
    );
    expect(readFileSync(join(out, 'archive/2026/01/index.html'), 'utf8')).toContain('Alpha, retitled');
    expect(snapshot(out)).toEqual(await scratchBuild(s, sites));
  });

  it('after a template change, a config change, a static file and the passing of time', async () => {
    const s = site();
    const out = join(s.root, 'out');
    await build(s.root);

    await settle();
    cpSync(join(REPO, 'templates'), join(s.root, 'templates'), { recursive: true });
    const layout = join(s.root, 'templates/article.liquid');
    const source = readFileSync(layout, 'utf8');
    const end = source.lastIndexOf('{%- endblock %}');
    writeFileSync(layout, `${source.slice(0, end)}<!-- edited -->\n${source.slice(end)}`);
    const templated = await build(s.root);
    expect(templated.report.parsed).toBe(0);
    expect(readFileSync(join(out, 'articles/alpha/index.html'), 'utf8')).toContain('<!-- edited -->');
    expect(snapshot(out)).toEqual(await scratchBuild(s, sites));

    await settle();
    writeFileSync(join(s.root, 'gazette.config.json'), JSON.stringify(baseConfig({ feeds: { limit: 2 } })));
    s.write('static/robots.txt', 'User-agent: *\n');
    const configured = await build(s.root);
    expect(configured.report.parsed).toBe(0);
    expect(snapshot(out)).toEqual(await scratchBuild(s, sites));

    // The future article's date comes: it is published without any file changing.
    await settle();
    const later = new Date('2026-12-25T00:00:00Z');
    const published = await build(s.root, { now: later });
    expect(published.report.published).toBe(5);
    // Only the newly published article, for its page: the feeds' other bodies come from the store.
    expect(published.report.parsed).toBe(1);
    expect(snapshot(out)).toEqual(await scratchBuild(s, sites, { now: later }));
  });
});

describe('a rebuild with nothing changed', () => {
  it('parses nothing, renders nothing, writes nothing and touches no file', async () => {
    const s = site();
    const out = join(s.root, 'out');
    await build(s.root);
    await settle();
    const before = mtimes(out);
    // The first rebuild reads back the files just written (not yet trusted on stat)...
    const first = await build(s.root);
    expect(first.report).toMatchObject({ parsed: 0, rendered: 0, written: 0, removed: 0 });
    await settle();
    // ...the next one stats them and is done.
    const again = await build(s.root);
    expect(again.report).toMatchObject({ parsed: 0, rendered: 0, written: 0, removed: 0, unchanged: Object.keys(before).length });
    expect(mtimes(out)).toEqual(before);
  });

  it('still reports the warnings the parser gave, every time', async () => {
    const s = site();
    const first = await build(s.root);
    expect(first.warnings.join('\n')).toMatch(/content\/2026\/notes\.txt:2: no title: derived from the first sentence/);
    expect(first.warnings.join('\n')).toMatch(/notes\.txt \(date\): no date/);
    await settle();
    const second = await build(s.root);
    expect(second.report.parsed).toBe(0);
    expect(second.warnings.join('\n')).toMatch(/content\/2026\/notes\.txt:2: no title: derived from the first sentence/);
    // The first-seen date was recorded by the first build: no longer news.
    expect(second.warnings.join('\n')).not.toMatch(/no date/);
  });

  it('tells of tag spellings that share a page on every build, the articles cached or not', async () => {
    const s = site({
      'content/a.md': article('A', '2026-01-01', 'A.', 'tags: [C++]\n'),
      'content/b.md': article('B', '2026-01-02', 'B.', 'tags: [C, Node.js, node js]\n'),
    });
    const across = /content\/b\.md \(tags\): tags "C\+\+" \(in content\/a\.md\) and "C" both become tags\/c\//;
    const within = /content\/b\.md:\d+ \(tags\): tags "Node\.js" and "node js" both become tags\/node-js\//;
    const first = await build(s.root);
    expect(first.report.parsed).toBe(2);
    expect(first.warnings.filter((w) => w.includes('both become'))).toEqual([expect.stringMatching(within), expect.stringMatching(across)]);
    await settle();
    const second = await build(s.root);
    expect(second.report.parsed).toBe(0);
    expect(second.warnings.filter((w) => w.includes('both become'))).toEqual([expect.stringMatching(within), expect.stringMatching(across)]);
  });

  it('keeps the first-seen date of a dateless article, cached or not', async () => {
    const s = site();
    const first = await build(s.root);
    const note = (r: typeof first) => r.report.publishedArticles.find((a) => a.sourcePath === 'content/2026/notes.txt')!;
    await settle();
    const second = await build(s.root, { now: new Date(NOW.getTime() + 86_400_000) });
    expect(second.report.parsed).toBe(0);
    expect(note(second).date).toEqual(note(first).date);
  });
});

describe('bodies of the articles the feeds show', () => {
  it('are kept in the state store: editing one article parses that one file only', async () => {
    const s = site();
    await build(s.root);
    await settle();
    s.write('content/beta.md', article('Beta', '2026-02-01', 'Beta body.\n\n- one\n- two\n- three', 'tags: [News]\n'));
    const r = await build(s.root);
    // Beta's page, and the site and News feeds (3 files each) with the bodies of alpha, gamma and
    // the note; the lists show only what did not change (title, date, tags).
    expect(r.report.rendered).toBe(1 + 2 * 3);
    expect(r.report.parsed).toBe(1);
    expect(snapshot(join(s.root, 'out'))).toEqual(await scratchBuild(s, sites));
  });

  it('are parsed from the files when the store lost them, with the same result', async () => {
    const s = site();
    await build(s.root);
    const db = new Database(join(s.root, '.gazette/gazette.db'));
    expect(db.prepare('SELECT count(*) AS n FROM parse_cache').get()).toEqual({ n: 4 });
    db.prepare("UPDATE parse_cache SET json = '{broken'").run();
    db.close();
    await settle();
    s.write('content/beta.md', article('Beta', '2026-02-01', 'Beta body, edited.', 'tags: [News]\n'));
    const r = await build(s.root);
    expect(r.report.parsed).toBe(1 + 3); // beta, and the bodies of alpha, gamma and the note
    expect(snapshot(join(s.root, 'out'))).toEqual(await scratchBuild(s, sites));
  });
});

describe('what the build hands on', () => {
  it('gives every published article its body, parsed again on demand when it came from the cache', async () => {
    const s = site();
    const first = await build(s.root);
    await settle();
    const second = await build(s.root);
    expect(second.report.parsed).toBe(0);
    const bodies = (r: typeof first) => Object.fromEntries(r.report.publishedArticles.map((a) => [a.sourcePath, a.html]));
    expect(bodies(second)).toEqual(bodies(first));
    expect(second.report.publishedArticles.map((a) => a.title)).toEqual(first.report.publishedArticles.map((a) => a.title));
  });

  it('refuses to hand on a body from a file that changed after the build read it', async () => {
    const s = site();
    await build(s.root);
    await settle();
    const second = await build(s.root);
    const alpha = second.report.publishedArticles.find((a) => a.slug === 'alpha')!;
    s.write('content/alpha.md', article('Alpha', '2026-01-05T10:00:00Z', 'Edited after the build.', 'tags: [News, Überblick]\n'));
    expect(() => alpha.html).toThrow(/content\/alpha\.md changed while the site was being built/);
  });

  it('writes nothing, not even the cache, on a dry run', async () => {
    const s = site();
    const dry = await build(s.root, { dryRun: true });
    expect(dry.report.written).toBeGreaterThan(0);
    expect(snapshot(join(s.root, 'out'))).toEqual({});
    expect(Object.keys(snapshot(join(s.root, '.gazette'))).filter((f) => !f.startsWith('gazette.db'))).toEqual([]);
  });
});

describe('content problems', () => {
  it('fail the build with out/ untouched, and the next build after the fix parses only what changed', async () => {
    const s = site();
    const out = join(s.root, 'out');
    await build(s.root);
    const before = snapshot(out);
    await settle();
    s.write('content/broken.md', '---\ntitle: [unclosed\ndate: 2026-01-01\n---\nx\n');
    await expect(build(s.root)).rejects.toThrow(/content\/broken\.md:\d+: front matter is not valid YAML/);
    expect(snapshot(out)).toEqual(before);
    s.write('content/broken.md', article('Fixed', '2026-04-01', 'Now fine.'));
    const fixed = await build(s.root);
    expect(fixed.report.parsed).toBe(1);
    expect(snapshot(out)).toEqual(await scratchBuild(s, sites));
  });
});
