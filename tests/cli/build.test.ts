// `gazette build` and `gazette check` end to end: the real CLI on real site folders, its output
// checked by the independent validators (jing, xmllint, feedparser, the JSON Feed 1.1 schema, the
// W3C Nu Html Checker for every page).
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWithFeedparser, validateAtom, validateHtml, validateJsonFeed, validateRss, validateXmlWellFormed } from '../validators/index.js';
import { REPO, article, baseConfig, gazette, makeSite } from '../helpers/site.js';
import { mtimes, snapshot, walk } from '../helpers/tree.js';

const sites: Array<{ cleanup: () => void }> = [];
afterEach(() => sites.splice(0).forEach((s) => s.cleanup()));

function site(files: Record<string, string | Uint8Array> = {}, config = baseConfig()) {
  const s = makeSite({ files, config });
  sites.push(s);
  return s;
}

/** Every feed under out/ through every validator; returns the problems found. */
function validateFeeds(out: string): { problems: string[]; feeds: string[] } {
  const files = walk(out);
  const xml = files.filter((f) => f.endsWith('.xml') || f.endsWith('.xsl')).map((f) => join(out, f));
  const atom = files.filter((f) => f.endsWith('atom.xml')).map((f) => join(out, f));
  const rss = files.filter((f) => f.endsWith('feed.xml')).map((f) => join(out, f));
  const json = files.filter((f) => f.endsWith('feed.json')).map((f) => join(out, f));
  const problems = [
    ...validateXmlWellFormed(...xml),
    ...validateAtom(...atom),
    ...validateRss(...rss),
    ...json.flatMap((f) => validateJsonFeed(JSON.parse(readFileSync(f, 'utf8'))).map((p) => `${f}: ${p}`)),
  ];
  return { problems, feeds: [...atom, ...rss] };
}

describe('gazette build on the example site', () => {
  it('publishes the sample article with valid feeds in every format', () => {
    const s = site();
    rmSync(join(s.root, 'content'), { recursive: true });
    for (const dir of ['content', 'static', 'templates']) cpSync(join(REPO, dir), join(s.root, dir), { recursive: true });
    cpSync(join(REPO, 'gazette.config.json'), join(s.root, 'gazette.config.json'));

    const r = gazette(['--root', s.root, 'build', '--json']);
    expect(r.stderr).toMatch(/no date/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.published).toBeGreaterThanOrEqual(4);
    expect(report.heldBack).toBeGreaterThanOrEqual(1); // the example draft

    const out = join(s.root, 'out');
    const { problems, feeds } = validateFeeds(out);
    expect(problems).toEqual([]);
    for (const parsed of parseWithFeedparser(...feeds)) {
      expect(parsed.bozo, `${parsed.path}: ${parsed.bozo_exception}`).toBe(false);
      // The digest archive's feeds are empty until a digest is made; every other feed has items.
      if (!parsed.path.includes('/digests/')) expect(parsed.entries.length, parsed.path).toBeGreaterThan(0);
    }
    const [main] = parseWithFeedparser(join(out, 'atom.xml'));
    expect(main!.entries.length).toBe(report.published);
    const sample = main!.entries.find((e) => e.title?.startsWith('Kazakhstan will join the Abraham Accords'));
    expect(sample?.link).toBe('https://news.example.org/articles/000_ba9c1d656490eefb/');
    const page = readFileSync(join(out, 'articles/000_ba9c1d656490eefb/index.html'), 'utf8');
    expect(page).toContain('Jackson Richman');
    expect(page).toContain('Amel Akan');
    expect(page.match(/<p>/g)?.length).toBeGreaterThanOrEqual(16);
    expect(page).toMatch(/<link rel="alternate" type="application\/atom\+xml"/);
    // Every page valid HTML: articles, index, archive, months, tags, the digest archive.
    const pages = walk(out).filter((f) => f.endsWith('.html'));
    expect(pages).toEqual(expect.arrayContaining(['index.html', 'archive/index.html', 'tags/index.html', 'digests/index.html']));
    expect(pages.filter((f) => /^archive\/\d{4}\/\d{2}\/index\.html$/.test(f)).length).toBeGreaterThanOrEqual(2);
    expect(validateHtml(out)).toEqual([]);
  });
});

describe('gazette build output discipline', () => {
  const files = {
    'content/first.md': article('First', '2026-01-05T10:00:00Z', 'Hello [home](/) and ![x](pic.png).', 'tags: [News, Überblick]\n'),
    'content/second.md': article('Second', '2026-02-01', 'Second body.', 'tags: [News]\n'),
    'content/draft.md': article('Draft', '2026-02-02', 'Not yet.', 'draft: true\n'),
    'content/future.md': article('Future', '2999-01-01', 'Later.'),
  };

  it('is deterministic: two builds of the same content give byte-identical trees', () => {
    const a = site(files);
    const b = site(files);
    expect(gazette(['--root', a.root, 'build']).code).toBe(0);
    expect(gazette(['--root', b.root, 'build']).code).toBe(0);
    const snapA = snapshot(join(a.root, 'out'));
    expect(Object.keys(snapA)).toContain('tags/überblick/atom.xml');
    expect(snapA).toEqual(snapshot(join(b.root, 'out')));
  });

  it('holds back drafts and future articles, and leaves a no-change rebuild quiet', () => {
    const s = site(files);
    const first = gazette(['--root', s.root, '--json', 'build']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ articles: 4, published: 2, heldBack: 2 });
    const out = join(s.root, 'out');
    expect(existsSync(join(out, 'articles/draft/index.html'))).toBe(false);
    expect(existsSync(join(out, 'articles/future/index.html'))).toBe(false);
    const before = mtimes(out);
    const again = gazette(['--root', s.root, '--json', 'build']);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0, removed: 0 });
    expect(mtimes(out)).toEqual(before);
    expect(again.stdout).not.toMatch(/\.tmp/);
    expect(walk(out).filter((p) => p.includes('.tmp'))).toEqual([]);
  });

  it('removes the pages and feeds of a removed article and of a tag nobody uses any more', () => {
    const s = site(files);
    expect(gazette(['--root', s.root, 'build']).code).toBe(0);
    const out = join(s.root, 'out');
    expect(existsSync(join(out, 'tags/überblick/feed.xml'))).toBe(true);
    rmSync(join(s.root, 'content/first.md'));
    const r = gazette(['--root', s.root, '--json', 'build']);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'articles/first'))).toBe(false);
    expect(existsSync(join(out, 'tags/überblick'))).toBe(false);
    expect(readFileSync(join(out, 'feed.xml'), 'utf8')).not.toContain('First');
  });
});

describe('gazette build on adversarial content', () => {
  it('keeps every feed well-formed and valid', () => {
    const big = `${'A long paragraph with <b>markup</b> & entities, ünïcødé and 😀. '.repeat(40)}\n\n`.repeat(160);
    const s = site({
      'content/cdata.md': article('Breaking ]]> news ]]> twice', '2026-03-01T08:00:00+02:00', 'Body with ]]> and ]]> and <![CDATA[ x ]]>.'),
      'content/control.md': `---\ntitle: "Bell \u0007 and form \u000c feed"\ndate: 2026-03-02\n---\nText with \u0001 control \u001f chars.\n`,
      'content/bom.md': `\uFEFF---\r\ntitle: BOM and CRLF\r\ndate: 2026-03-03\r\n---\r\nWindows line ends.\r\n`,
      'content/script.md': article('<script>alert(1)</script> & "quotes"', '2026-03-04', '<script>alert(2)</script><img src=x onerror=alert(3)> <a href="javascript:alert(4)">x</a> <iframe src="https://evil.example"></iframe>'),
      'content/unicode.md': article('日本語のタイトル — مرحبا — Ωμέγα', '2026-03-05', 'Zalgo z̷̢a̴l̸g̵o and RTL \u202e text.', 'tags: ["Überblick", "日本", "C++"]\nslug: überblick-日本\n'),
      'content/relative.md': article('Relative', '2026-03-06', '[a](../other/) [b](/root/) [c](#frag) [d](//cdn.example/x) ![e](img.png)'),
      'content/big.md': article('Big', '2026-03-07', big),
      'content/offset.md': article('Offsets', '2026-03-08T23:30:00-05:00', 'Late.', 'updated: 2026-03-09T20:00:00+09:00\n'),
      'content/explicit-id.md': article('Explicit', '2026-03-09', 'Id.', 'id: "tag:example.org,2026:explicit"\n'),
    });
    const r = gazette(['--root', s.root, 'build']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/error/i);
    const out = join(s.root, 'out');
    const { problems, feeds } = validateFeeds(out);
    expect(problems).toEqual([]);
    for (const parsed of parseWithFeedparser(...feeds)) expect(parsed.bozo, `${parsed.path}: ${parsed.bozo_exception}`).toBe(false);
    const [atom] = parseWithFeedparser(join(out, 'atom.xml'));
    expect(atom!.entries).toHaveLength(9);
    expect(atom!.entries.map((e) => e.id)).toContain('tag:example.org,2026:explicit');
    const titles = atom!.entries.map((e) => e.title);
    expect(titles).toContain('Breaking ]]> news ]]> twice');
    expect(titles).toContain('<script>alert(1)</script> & "quotes"');
    // JSON Feed titles are plain text (a reader shows them as text), so only its HTML is markup.
    const markup = walk(out).filter((f) => !f.endsWith('.json'));
    const everything = markup.map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    expect(everything).not.toMatch(/<script>alert|onerror=|javascript:alert|<iframe/);
    const json = JSON.parse(readFileSync(join(out, 'feed.json'), 'utf8')) as { items: Array<{ title: string; content_html: string }> };
    expect(json.items.map((i) => i.content_html).join('')).not.toMatch(/<script|onerror=|javascript:|<iframe/);
    expect(json.items.map((i) => i.title)).toContain('<script>alert(1)</script> & "quotes"');
    expect(everything).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const relativePage = readFileSync(join(out, 'articles/relative/index.html'), 'utf8');
    expect(relativePage).toContain('href="https://test.example.org/articles/other/"');
    expect(relativePage).toContain('href="https://test.example.org/root/"');
    expect(relativePage).toContain('src="https://test.example.org/articles/relative/img.png"');
    // The pages too: valid HTML, whatever the titles, bodies and tags held.
    expect(walk(out).filter((f) => f.endsWith('.html')).length).toBeGreaterThan(9 + 5);
    expect(validateHtml(out)).toEqual([]);
  });
});

describe('bad input fails the build and leaves out/ exactly as it was', () => {
  const good = { 'content/good.md': article('Good', '2026-01-01', 'Fine.') };
  const cases: Array<[string, string, string | Uint8Array, RegExp]> = [
    ['invalid YAML', 'content/bad.md', '---\ntitle: [unclosed\ndate: 2026-01-01\n---\nx\n', /content\/bad\.md:\d+/],
    ['a bad date', 'content/bad.md', '---\ntitle: T\ndate: 2026-02-30\n---\nx\n', /content\/bad\.md:3.*date/],
    ['an empty file', 'content/bad.md', '', /content\/bad\.md.*empty/],
    ['a non-string title', 'content/bad.md', '---\ntitle: [1, 2]\ndate: 2026-01-01\n---\nx\n', /content\/bad\.md:2.*title/],
    ['bytes that are not UTF-8', 'content/bad.md', Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x74, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), /content\/bad\.md.*UTF-8/],
    ['a duplicate slug', 'content/sub/good.md', article('Twin', '2026-01-02', 'Same slug.'), /content\/good\.md.*content\/sub\/good\.md|content\/sub\/good\.md.*content\/good\.md/],
  ];
  it.each(cases)('%s', (_name, path, bytes, message) => {
    const s = site(good);
    expect(gazette(['--root', s.root, 'build']).code).toBe(0);
    const before = snapshot(join(s.root, 'out'), { folders: true });
    s.write(path, bytes);
    const r = gazette(['--root', s.root, 'build']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(snapshot(join(s.root, 'out'), { folders: true })).toEqual(before);
  });

  it('also when a new, valid article came with the bad one: its page, staged while parsing, and its new folders are gone', () => {
    const s = site(good);
    expect(gazette(['--root', s.root, 'build']).code).toBe(0);
    const before = snapshot(join(s.root, 'out'), { folders: true });
    s.write('content/brand-new.md', article('Brand new', '2026-01-03', 'A page that is never published.', 'tags: [fresh]\n'));
    s.write('content/bad.md', '---\ntitle: [unclosed\ndate: 2026-01-01\n---\nx\n');
    const r = gazette(['--root', s.root, 'build']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/content\/bad\.md:\d+/);
    expect(snapshot(join(s.root, 'out'), { folders: true })).toEqual(before);
    expect(readdirSync(join(s.root, '.gazette', 'staging'))).toEqual([]);
  });
});

describe('gazette check', () => {
  it('reports every problem at once and writes nothing', () => {
    const s = site({
      'content/a.md': '---\ntitle: A\ndate: 2026-13-01\n---\nx\n',
      'content/b.md': '---\ntitle: [oops\n---\nx\n',
      'content/c.md': article('C', '2026-01-01', 'fine'),
    });
    const r = gazette(['--root', s.root, 'check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/content\/a\.md:3/);
    expect(r.stdout).toMatch(/content\/b\.md:2/);
    expect(r.stdout).toMatch(/2 problems found/);
    expect(existsSync(join(s.root, 'out'))).toBe(false);
    expect(existsSync(join(s.root, '.gazette'))).toBe(false);
  });

  it('passes a valid site with exit 0 and --json', () => {
    const s = site({ 'content/c.md': article('C', '2026-01-01', 'fine') });
    const r = gazette(['--root', s.root, '--json', 'check']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, articles: 1, published: 1, problems: [] });
  });

  it('names a bad config key and exits 1', () => {
    const s = site({}, { ...baseConfig(), feeds: { limt: 5 } });
    const r = gazette(['--root', s.root, 'check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/feeds\.limt: unknown key/);
  });
});

describe('usage', () => {
  it('exits 2 on an unknown command or option, 0 on --help', () => {
    expect(gazette(['frobnicate']).code).toBe(2);
    expect(gazette(['build', '--nope']).code).toBe(2);
    const help = gazette(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/publish/);
  });

  it('prints the installed version with --version and -V, exit 0', () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      const r = gazette([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });
});
