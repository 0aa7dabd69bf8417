/**
 * The site pages as a reader and a crawler see them: escaped text, absolute links consistent with
 * the feeds, feed autodiscovery, dates in the site's zone, and templates the operator can edit.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convert } from 'html-to-text';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { BUILTIN_TEMPLATES_DIR, loadTemplates } from '../../src/output/load-templates.js';
import { countTags } from '../../src/render/page-tags.js';
import { createPageRenderer, renderPages } from '../../src/render/pages.js';
import { builtinRenderer, copyTemplates, makeArticle, makeSite, removeTemplateCopies, SITE_URL, startTags, tag, text } from './pages-fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});
afterAll(removeTemplateCopies);

describe('article page', () => {
  it('is a complete HTML document with the article title escaped, not interpreted', async () => {
    const r = await builtinRenderer();
    const a = makeArticle(1, { title: '<script>alert("x")</script> & <b>bold</b>', summary: 'Say "hi" & <wave>' });
    const page = r.renderArticle(makeSite(), a);
    const html = text(page.content);
    expect(page.path).toBe('articles/article-1/index.html');
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('<title>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; · Example News</title>');
    // What a reader sees: the title as literal text.
    expect(convert(html, { wordwrap: false, selectors: [{ selector: 'h1', options: { uppercase: false } }] })).toContain('<script>alert("x")</script> & <b>bold</b>');
    const description = startTags(html, 'meta').find((m) => m.name === 'description');
    expect(description?.content).toBe('Say "hi" & <wave>');
  });

  it('writes the sanitised body as HTML', async () => {
    const html = text((await builtinRenderer()).renderArticle(makeSite(), makeArticle(2, { html: '<h2 id="x">Part</h2><p>One &amp; two</p>' })).content);
    expect(html).toContain('<h2 id="x">Part</h2><p>One &amp; two</p>');
  });

  it('links the main feeds for autodiscovery, with absolute URLs', async () => {
    const html = text((await builtinRenderer()).renderArticle(makeSite(), makeArticle(1)).content);
    const alternates = startTags(html, 'link').filter((l) => l.rel === 'alternate');
    expect(alternates.map((l) => [l.type, l.href])).toEqual([
      ['application/rss+xml', `${SITE_URL}feed.xml`],
      ['application/atom+xml', `${SITE_URL}atom.xml`],
      ['application/feed+json', `${SITE_URL}feed.json`],
    ]);
    expect(alternates.every((l) => l.title?.startsWith('Example News'))).toBe(true);
    const stylesheet = startTags(html, 'link').find((l) => l.rel === 'stylesheet');
    expect(stylesheet?.href).toBe(`${SITE_URL}style.css`);
  });

  it('has a canonical link and Open Graph tags; canonical follows an external original', async () => {
    const r = await builtinRenderer();
    const own = text(r.renderArticle(makeSite(), makeArticle(1, { image: `${SITE_URL}img/a.png?w=1&h=2` })).content);
    const canonical = (h: string) => startTags(h, 'link').find((l) => l.rel === 'canonical')?.href;
    const og = (h: string, p: string) => startTags(h, 'meta').find((m) => m.property === p)?.content;
    expect(canonical(own)).toBe(`${SITE_URL}articles/article-1/`);
    expect(og(own, 'og:url')).toBe(`${SITE_URL}articles/article-1/`);
    expect(og(own, 'og:type')).toBe('article');
    expect(og(own, 'og:title')).toBe('Article number 1');
    expect(og(own, 'og:site_name')).toBe('Example News');
    expect(og(own, 'og:image')).toBe(`${SITE_URL}img/a.png?w=1&h=2`);
    expect(startTags(own, 'img').map((i) => i.src)).toContain(`${SITE_URL}img/a.png?w=1&h=2`);
    expect(own).not.toContain('First published at');

    const syndicated = text(r.renderArticle(makeSite(), makeArticle(1, { canonical: 'https://origin.example.com/post?id=1&x=2' })).content);
    expect(canonical(syndicated)).toBe('https://origin.example.com/post?id=1&x=2');
    expect(syndicated).toContain('First published at <a href="https://origin.example.com/post?id=1&amp;x=2">');
  });

  it('shows published and updated times in the site time zone, with machine-readable datetimes', async () => {
    const r = await builtinRenderer();
    // 2026-03-29 is the night Berlin moves its clocks: 00:30 UTC is 01:30 CET, 02:30 UTC is 04:30 CEST.
    const a = makeArticle(1, { date: new Date('2026-03-29T00:30:00Z'), updated: new Date('2026-03-29T02:30:00Z') });
    const html = text(r.renderArticle(makeSite(), a).content);
    const times = startTags(html, 'time').map((t) => t.datetime);
    expect(times).toEqual(['2026-03-29T01:30:00+01:00', '2026-03-29T04:30:00+02:00']);
    expect(html).toContain('>March 29, 2026</time>');
    expect(html).toContain('article:published_time" content="2026-03-29T01:30:00+01:00"');

    const utc = text(r.renderArticle(makeSite({ timezone: 'UTC', language: 'de' }), a).content);
    expect(startTags(utc, 'time').map((t) => t.datetime)).toEqual(['2026-03-29T00:30:00Z', '2026-03-29T02:30:00Z']);
    expect(utc).toContain('>29. März 2026</time>');
  });

  it('says "Updated" only when the article was updated after publication', async () => {
    const r = await builtinRenderer();
    const html = text(r.renderArticle(makeSite(), makeArticle(1)).content);
    expect(html).not.toContain('Updated');
    expect(html).not.toContain('article:modified_time');
  });

  it('credits the authors in the site language, or the site author when there are none', async () => {
    const r = await builtinRenderer();
    const three = makeArticle(1, { authors: [{ name: 'Ana' }, { name: 'Ben <Jr>', url: 'https://ben.example/' }, { name: 'Chloé' }] });
    const en = convert(text(r.renderArticle(makeSite(), three).content), { wordwrap: false });
    expect(en).toMatch(/By Ana, Ben <Jr> \[https:\/\/ben\.example\/\],? and Chloé/);
    const de = convert(text(r.renderArticle(makeSite({ language: 'de' }), three).content), { wordwrap: false });
    expect(de).toMatch(/By Ana, Ben <Jr> \[https:\/\/ben\.example\/\] und Chloé/);
    const none = text(r.renderArticle(makeSite(), makeArticle(1, { authors: [] })).content);
    expect(convert(none, { wordwrap: false })).toContain('By The Desk');
    const nobody = text(r.renderArticle(makeSite({ author: undefined }), makeArticle(1, { authors: [] })).content);
    expect(nobody).not.toContain('class="authors"');
  });

  it('links every tag to its tag page with an absolute, encoded URL', async () => {
    const r = await builtinRenderer();
    const a = makeArticle(1, { tags: [tag('World'), tag('Überblick', 'überblick'), tag('C & C++', 'c-cpp')] });
    const html = text(r.renderArticle(makeSite(), a).content);
    const links = startTags(html, 'a').filter((l) => l.rel === 'tag').map((l) => l.href);
    expect(links).toEqual([`${SITE_URL}tags/world/`, `${SITE_URL}tags/%C3%BCberblick/`, `${SITE_URL}tags/c-cpp/`]);
    expect(html).toContain('>C &amp; C++</a>');
  });

  it('never writes control characters or lone surrogates, whatever the content holds', async () => {
    const r = await builtinRenderer();
    const a = makeArticle(1, { title: 'Bell\u0007 and\u0000 nul \uD800 alone', html: '<p>form\u000Bfeed \u0085 ok 😀</p>' });
    const html = text(r.renderArticle(makeSite(), a).content);
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/);
    expect(html).toContain('Bell and nul \uFFFD alone');
    expect(html).toContain('😀');
    expect(Buffer.from(html, 'utf8').toString('utf8')).toBe(html);
  });

  it('is deterministic and reads no clock', async () => {
    const r = await builtinRenderer();
    const render = () => renderPages(r, makeSite(), [makeArticle(1), makeArticle(2)], countTags([makeArticle(1), makeArticle(2)]));
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const first = render();
    vi.setSystemTime(new Date('1999-06-01T12:00:00Z'));
    const second = render();
    expect(second).toEqual(first);
    expect(JSON.stringify(first)).not.toMatch(/2030|1999/);
  });
});

describe('index, tag and tags pages', () => {
  it('lists articles newest first, with summaries for the latest and one line for the rest', async () => {
    const r = await builtinRenderer();
    const articles = Array.from({ length: 25 }, (_, i) => makeArticle(i + 1, { summary: `Summary ${i + 1} <b>` }));
    const page = r.renderIndex(makeSite(), articles.slice().reverse().concat([]).sort(() => 0));
    const html = text(page.content);
    expect(page.path).toBe('index.html');
    const hrefs = startTags(html, 'a').map((a) => a.href).filter((h) => h?.startsWith(`${SITE_URL}articles/`));
    expect(hrefs).toEqual(Array.from({ length: 25 }, (_, i) => `${SITE_URL}articles/article-${25 - i}/`));
    expect(html).toContain('Summary 25 &lt;b&gt;');
    expect(html).toContain('Summary 6 &lt;b&gt;');
    expect(html).not.toContain('Summary 5 &lt;b&gt;'); // the 21st and older: title and date only
    const canonical = startTags(html, 'link').find((l) => l.rel === 'canonical')?.href;
    expect(canonical).toBe(SITE_URL);
    expect(startTags(html, 'title').length).toBe(1);
    expect(html).toContain('<title>Example News</title>');
  });

  it('shows only the newest site.indexLimit articles, and links the archive with the count of all', async () => {
    const r = await builtinRenderer();
    const articles = Array.from({ length: 12 }, (_, i) => makeArticle(i + 1));
    const html = text(r.renderIndex(makeSite({ indexLimit: 5 }), articles).content);
    const listed = startTags(html, 'a').map((a) => a.href).filter((h) => h?.startsWith(`${SITE_URL}articles/`));
    expect(listed).toEqual([12, 11, 10, 9, 8].map((n) => `${SITE_URL}articles/article-${n}/`));
    const archive = startTags(html, 'a').filter((a) => a.href === `${SITE_URL}archive/`);
    expect(archive.length).toBe(2); // the site header's link and the one under the list
    expect(convert(html, { wordwrap: false })).toContain('All 12 articles, by month');
    // Given just the newest (as the build does) and the total: the same page.
    expect(r.renderIndex(makeSite({ indexLimit: 5 }), articles.slice(7), 12).content).toEqual(r.renderIndex(makeSite({ indexLimit: 5 }), articles).content);
    // Everything fits: no archive line under the list.
    expect(convert(text(r.renderIndex(makeSite(), articles).content), { wordwrap: false })).not.toContain('by month');
  });

  it('files articles by month in the site time zone, newest month first, each month newest first', async () => {
    const r = await builtinRenderer();
    const site = makeSite({ timezone: 'Europe/Berlin', language: 'de' });
    // 23:30 UTC on 31 January is already February in Berlin.
    const late = makeArticle(1, { slug: 'late', date: new Date('2026-01-31T23:30:00Z') });
    const early = makeArticle(2, { slug: 'early', date: new Date('2026-01-31T22:30:00Z') });
    const march = makeArticle(3, { slug: 'march', date: new Date('2026-03-02T10:00:00Z') });
    const files = renderPages(r, site, [early, march, late], countTags([early, march, late]));
    const page = (path: string) => text(files.find((f) => f.path === path)!.content);
    const archive = page('archive/index.html');
    const months = startTags(archive, 'a').map((a) => a.href).filter((h) => h?.startsWith(`${SITE_URL}archive/2`));
    expect(months).toEqual([`${SITE_URL}archive/2026/03/`, `${SITE_URL}archive/2026/02/`, `${SITE_URL}archive/2026/01/`]);
    expect(convert(archive, { wordwrap: false })).toMatch(/März 2026 \[[^\]]+\] 1\s+\* Februar 2026 \[[^\]]+\] 1\s+\* Januar 2026 \[[^\]]+\] 1/);
    expect(archive).toContain('<title>Archive · Example News</title>');
    const february = page('archive/2026/02/index.html');
    expect(startTags(february, 'a').map((a) => a.href).filter((h) => h?.includes('/articles/'))).toEqual([`${SITE_URL}articles/late/`]);
    expect(february).toContain('<time datetime="2026-02-01T00:30:00+01:00">2026-02-01</time>');
    expect(february).toContain('<title>Februar 2026 · Example News</title>');
    expect(startTags(february, 'link').find((l) => l.rel === 'canonical')?.href).toBe(`${SITE_URL}archive/2026/02/`);
    // Within a month, newest first.
    const two = renderPages(r, site, [makeArticle(4, { slug: 'a', date: new Date('2026-05-02T10:00:00Z') }), makeArticle(5, { slug: 'b', date: new Date('2026-05-20T10:00:00Z') })]);
    const may = text(two.find((f) => f.path === 'archive/2026/05/index.html')!.content);
    expect(startTags(may, 'a').map((a) => a.href).filter((h) => h?.includes('/articles/'))).toEqual([`${SITE_URL}articles/b/`, `${SITE_URL}articles/a/`]);
    expect(convert(may, { wordwrap: false })).toContain('2 articles');
  });

  it('shows an empty archive plainly', async () => {
    const html = text((await builtinRenderer()).renderArchive(makeSite(), []).content);
    expect(html).toContain('Nothing published yet.');
  });

  it('orders articles of the same date by slug, whatever order they arrive in', async () => {
    const r = await builtinRenderer();
    const date = new Date('2026-05-01T10:00:00Z');
    const a = [makeArticle(1, { slug: 'b', date }), makeArticle(2, { slug: 'a', date }), makeArticle(3, { slug: 'c', date })];
    expect(r.renderIndex(makeSite(), a).content).toBe(r.renderIndex(makeSite(), [a[2]!, a[0]!, a[1]!]).content);
  });

  it('shows an empty site plainly', async () => {
    const html = text((await builtinRenderer()).renderIndex(makeSite(), []).content);
    expect(html).toContain('Nothing published yet.');
  });

  it("renders a tag page with the tag's own feeds first, then the site's", async () => {
    const r = await builtinRenderer();
    const science = tag('Science & Tech', 'science-tech');
    const articles = [makeArticle(1, { tags: [science] }), makeArticle(2, { tags: [tag('World')] }), makeArticle(3, { tags: [science] })];
    const page = r.renderTag(makeSite(), science, articles);
    const html = text(page.content);
    expect(page.path).toBe('tags/science-tech/index.html');
    const alternates = startTags(html, 'link').filter((l) => l.rel === 'alternate').map((l) => l.href);
    expect(alternates).toEqual([
      `${SITE_URL}tags/science-tech/feed.xml`,
      `${SITE_URL}tags/science-tech/atom.xml`,
      `${SITE_URL}tags/science-tech/feed.json`,
      `${SITE_URL}feed.xml`,
      `${SITE_URL}atom.xml`,
      `${SITE_URL}feed.json`,
    ]);
    const listed = startTags(html, 'a').map((a) => a.href).filter((h) => h?.includes('/articles/'));
    expect(listed).toEqual([`${SITE_URL}articles/article-3/`, `${SITE_URL}articles/article-1/`]);
    expect(convert(html, { wordwrap: false })).toContain('2 articles');
    expect(startTags(html, 'meta').find((m) => m.name === 'description')?.content).toBe('Articles tagged “Science & Tech” on Example News');
    expect(html).toContain('<title>Science &amp; Tech · Example News</title>');
  });

  it('lists every tag with its count, sorted by name in the site language', async () => {
    const r = await builtinRenderer();
    const articles = [
      makeArticle(1, { tags: [tag('zebra'), tag('Äpfel', 'aepfel')] }),
      makeArticle(2, { tags: [tag('Äpfel', 'aepfel'), tag('Birnen')] }),
      makeArticle(3, { tags: [tag('Äpfel', 'aepfel'), tag('Äpfel', 'aepfel')] }),
    ];
    const counts = countTags(articles);
    expect(counts.map((c) => [c.tag.slug, c.count])).toEqual([['aepfel', 3], ['birnen', 1], ['zebra', 1]]);
    const page = r.renderTagsIndex(makeSite({ language: 'de' }), counts);
    expect(page.path).toBe('tags/index.html');
    const html = text(page.content);
    const links = startTags(html, 'a').filter((a) => a.rel === 'tag').map((a) => a.href);
    expect(links).toEqual([`${SITE_URL}tags/aepfel/`, `${SITE_URL}tags/birnen/`, `${SITE_URL}tags/zebra/`]);
    expect(convert(html, { wordwrap: false })).toMatch(/Äpfel \[[^\]]+\] 3/);
    expect(html).toContain('<title>Tags · Example News</title>');
  });

  it('renders the whole site: one page per article, tag and month, the index, the tags page, the archive and the stylesheet', async () => {
    const r = await builtinRenderer();
    const articles = [makeArticle(1), makeArticle(2, { tags: [tag('Solo')] }), makeArticle(40)];
    const files = renderPages(r, makeSite(), articles, countTags(articles));
    expect(files.map((f) => f.path).sort()).toEqual(
      [
        'archive/2026/01/index.html',
        'archive/2026/02/index.html',
        'archive/index.html',
        'articles/article-1/index.html',
        'articles/article-2/index.html',
        'articles/article-40/index.html',
        'index.html',
        'style.css',
        'tags/index.html',
        'tags/science/index.html',
        'tags/solo/index.html',
        'tags/world/index.html',
      ].sort(),
    );
  });

  it('serves the stylesheet from the templates folder, with a dark scheme', async () => {
    const css = text((await builtinRenderer()).renderStylesheet().content);
    expect(css).toBe(readFileSync(join(BUILTIN_TEMPLATES_DIR, 'style.css'), 'utf8'));
    expect(css).toContain('@media (prefers-color-scheme: dark)');
  });
});

describe('templates the operator edits', () => {
  it('uses the edited template', async () => {
    const dir = copyTemplates();
    const file = join(dir, 'article.liquid');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Permalink', 'Link to this story: {{ article.extra.kicker | upcase }}'));
    const r = createPageRenderer(await loadTemplates(dir));
    const html = text(r.renderArticle(makeSite(), makeArticle(1, { extra: { kicker: 'exclusive <now>' } })).content);
    expect(html).toContain('Link to this story: EXCLUSIVE &lt;NOW&gt;');
  });

  it('takes Gazette’s own archive templates when a site’s folder predates them, and uses edited ones', async () => {
    const dir = copyTemplates();
    rmSync(join(dir, 'archive.liquid'));
    rmSync(join(dir, 'month.liquid'));
    const sources = await loadTemplates(dir);
    for (const name of ['archive.liquid', 'month.liquid']) expect(sources.liquid[name]).toBe(readFileSync(join(BUILTIN_TEMPLATES_DIR, name), 'utf8'));
    const r = createPageRenderer(sources);
    const may = text(r.renderMonth(makeSite(), '2026-05', [makeArticle(130)]).content);
    expect(startTags(may, 'a').map((a) => a.href)).toContain(`${SITE_URL}articles/article-130/`);

    writeFileSync(join(dir, 'month.liquid'), '{% layout "layout" %}{% block main %}<h1>{{ month.name | upcase }}: {{ month.count }}</h1>{% endblock %}\n');
    const edited = text(createPageRenderer(await loadTemplates(dir)).renderMonth(makeSite({ language: 'fr' }), '2026-05', [makeArticle(130)]).content);
    expect(edited).toContain('<h1>MAI 2026: 1</h1>');
  });

  it('names the file and line of a syntax error', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'tag.liquid'), '{% layout "layout" %}\n{% block main %}\n<p>{{ tag.name </p>\n{% endblock %}\n');
    const sources = await loadTemplates(dir);
    const err = (() => {
      try {
        createPageRenderer(sources);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GazetteError);
    expect((err as GazetteError).code).toBe('TEMPLATE');
    expect((err as GazetteError).message).toMatch(/tag\.liquid:3:\d+: /);
    expect((err as GazetteError).problems[0]).toMatchObject({ line: 3 });
  });

  it('reports an unknown filter when the templates are compiled, not halfway through a build', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'site-footer.liquid'), '<footer>\n{{ site.title | shout }}\n</footer>\n');
    const sources = await loadTemplates(dir);
    expect(() => createPageRenderer(sources)).toThrow(/site-footer\.liquid:2:\d+: undefined filter: shout/);
  });

  it('reports every broken template at once', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'index.liquid'), '{% for a in articles %}');
    writeFileSync(join(dir, 'tags.liquid'), '{{ tags | nope }}');
    const sources = await loadTemplates(dir);
    expect(() => createPageRenderer(sources)).toThrow(/2 templates do not compile[^]*index\.liquid:1[^]*tags\.liquid:1/);
  });

  it('names the template, line and page when rendering fails', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'article.liquid'), '{% layout "layout" %}\n{% block main %}\n{% render "no-such-partial" %}\n{% endblock %}\n');
    const r = createPageRenderer(await loadTemplates(dir));
    expect(() => r.renderArticle(makeSite(), makeArticle(7))).toThrow(/article\.liquid:3:\d+: .*no-such-partial.*\(rendering articles\/article-7\/index\.html\)/);
  });

  it('renders an include_cached partial once per site, with nothing but `site` in scope', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'site-footer.liquid'), '<footer>{{ site.title }}|{{ article.title }}|{{ page.url }}</footer>\n');
    const r = createPageRenderer(await loadTemplates(dir));
    const site = makeSite();
    const one = text(r.renderArticle(site, makeArticle(1)).content);
    const two = text(r.renderArticle(site, makeArticle(2)).content);
    expect(one).toContain('<footer>Example News||</footer>');
    expect(two).toContain('<footer>Example News||</footer>');
    const other = text(r.renderArticle(makeSite({ title: 'Other' }), makeArticle(1)).content);
    expect(other).toContain('<footer>Other||</footer>');
  });

  it('rejects an include_cached of a partial that does not exist, when compiling', async () => {
    const dir = copyTemplates();
    const file = join(dir, 'layout.liquid');
    writeFileSync(file, readFileSync(file, 'utf8').replace('{%- include_cached "site-footer" -%}', '{% include_cached "site-foter" %}'));
    const sources = await loadTemplates(dir);
    expect(() => createPageRenderer(sources)).toThrow(/layout\.liquid:\d+:\d+: .*site-foter/);
  });

  it('never lets a template read a file', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'index.liquid'), '{% render "../../package.json" %}{% include "/etc/hostname" %}');
    const r = createPageRenderer(await loadTemplates(dir));
    expect(() => r.renderIndex(makeSite(), [])).toThrow(GazetteError);
  });

  it('does not accept a missing page template', () => {
    const sources = { origin: 'templates', liquid: { 'layout.liquid': '{% block main %}{% endblock %}' }, stylesheet: '' };
    expect(() => createPageRenderer(sources)).toThrow(/templates\/article\.liquid: template missing/);
  });
});
