// The digest web archive: which files it writes, the archive page a visitor sees, and its failures.
import { readdir, readFile } from 'node:fs/promises';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import type { OutputFile } from '../../src/model/index.js';
import { loadTemplates } from '../../src/output/load-templates.js';
import { renderDigestArchive, type ArchivedDigest } from '../../src/render/digest-archive.js';
import { createPageRenderer } from '../../src/render/pages.js';
import { digestUrl, makeDigest } from './digest-archive-fixtures.js';
import { builtinRenderer, copyTemplates, makeArticle, makeSite, removeTemplateCopies, SITE_URL, startTags, text, unescapeHtml } from './pages-fixtures.js';

afterAll(removeTemplateCopies);

async function archive(digests: readonly ArchivedDigest[], site = makeSite()): Promise<OutputFile[]> {
  return renderDigestArchive(await builtinRenderer(), site, digests);
}

function contentOf(files: readonly OutputFile[], path: string): string {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} in ${files.map((f) => f.path).join(', ')}`);
  return text(file.content);
}

/** The archive page's list: each entry's link text (unescaped) and href, in page order. */
function listed(html: string): Array<{ subject: string; href: string }> {
  return [...html.matchAll(/<h2><a href="([^"]*)">([^<]*)<\/a><\/h2>/g)].map((m) => ({ href: unescapeHtml(m[1]!), subject: unescapeHtml(m[2]!) }));
}

describe('renderDigestArchive: the files', () => {
  it('writes the archive page, its three feeds, then each digest’s web version, newest first', async () => {
    const files = await archive([makeDigest(1), makeDigest(3), makeDigest(2)]);
    expect(files.map((f) => f.path)).toEqual([
      'digests/index.html',
      'digests/feed.xml',
      'digests/atom.xml',
      'digests/feed.json',
      'digests/20260304-070000/index.html',
      'digests/20260303-070000/index.html',
      'digests/20260302-070000/index.html',
    ]);
  });

  it('writes each stored web version byte for byte, at the URL the email linked to', async () => {
    const d = makeDigest(1, { webHtml: '<!doctype html><p>Stored ]]> &amp; <b>exactly</b> \u00a0 ✓</p>\n' });
    const files = await archive([d]);
    expect(contentOf(files, `digests/${d.id}/index.html`)).toBe(d.webHtml);
  });

  it('gives the same bytes for the same digests, whatever order they come in', async () => {
    const digests = [makeDigest(1), makeDigest(2), makeDigest(3)];
    const a = await archive(digests);
    const b = await archive([...digests].reverse());
    expect(b.map((f) => [f.path, text(f.content)])).toEqual(a.map((f) => [f.path, text(f.content)]));
  });
});

describe('the archive page', () => {
  it('lists every digest newest first, each subject linking to its web version', async () => {
    const digests = [makeDigest(2), makeDigest(5), makeDigest(1)];
    const html = contentOf(await archive(digests), 'digests/index.html');
    expect(listed(html)).toEqual([5, 2, 1].map((n) => ({ subject: `Example News: digest number ${n}`, href: digestUrl(makeDigest(n)) })));
    expect(html).toContain('3 digests');
  });

  it('orders digests made in the same second by id, the later one first', async () => {
    const at = new Date('2026-03-05T07:00:00Z');
    const html = contentOf(await archive([makeDigest(1, { id: '20260305-070000', createdAt: at }), makeDigest(2, { id: '20260305-070000-2', createdAt: at })]), 'digests/index.html');
    expect(listed(html).map((l) => l.href)).toEqual([`${SITE_URL}digests/20260305-070000-2/`, `${SITE_URL}digests/20260305-070000/`]);
  });

  it('dates each digest in the site’s time zone, not UTC', async () => {
    // 23:30 UTC on 1 March is already 2 March in Berlin, still 1 March in New York.
    const d = makeDigest(1, { createdAt: new Date('2026-03-01T23:30:00Z') });
    const berlin = contentOf(await archive([d]), 'digests/index.html');
    expect(berlin).toContain('<time datetime="2026-03-02T00:30:00+01:00">March 2, 2026</time>');
    const newYork = contentOf(await archive([d], makeSite({ timezone: 'America/New_York' })), 'digests/index.html');
    expect(newYork).toContain('<time datetime="2026-03-01T18:30:00-05:00">March 1, 2026</time>');
  });

  it('shows a subject with markup as text: no script element, the characters escaped', async () => {
    const subject = 'Budget <script>alert(1)</script> & "quotes" <img src=x onerror=alert(2)>';
    const html = contentOf(await archive([makeDigest(1, { subject })]), 'digests/index.html');
    expect(listed(html)[0]!.subject).toBe(subject);
    expect(startTags(html, 'script')).toEqual([]);
    expect(startTags(html, 'img')).toEqual([]);
    expect(html).toContain('Budget &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;');
  });

  it('names the articles each digest showed, linked, and how many it covered', async () => {
    const d = makeDigest(1, { articleCount: 7, articles: [{ title: 'Rates <up>', url: `${SITE_URL}articles/rates/` }] });
    const html = contentOf(await archive([d]), 'digests/index.html');
    expect(html).toContain('7 articles');
    expect(html).toContain(`<a href="${SITE_URL}articles/rates/">Rates &lt;up&gt;</a>`);
  });

  it('announces the archive’s own feeds first, then the site’s, and uses the site stylesheet', async () => {
    const html = contentOf(await archive([makeDigest(1)]), 'digests/index.html');
    const alternates = startTags(html, 'link').filter((l) => l.rel === 'alternate');
    expect(alternates.map((l) => [l.type, l.href])).toEqual([
      ['application/rss+xml', `${SITE_URL}digests/feed.xml`],
      ['application/atom+xml', `${SITE_URL}digests/atom.xml`],
      ['application/feed+json', `${SITE_URL}digests/feed.json`],
      ['application/rss+xml', `${SITE_URL}feed.xml`],
      ['application/atom+xml', `${SITE_URL}atom.xml`],
      ['application/feed+json', `${SITE_URL}feed.json`],
    ]);
    expect(alternates[0]!.title).toBe('Example News: Digests (RSS)');
    expect(startTags(html, 'link')).toContainEqual(expect.objectContaining({ rel: 'stylesheet', href: `${SITE_URL}style.css` }));
    expect(startTags(html, 'link')).toContainEqual(expect.objectContaining({ rel: 'canonical', href: `${SITE_URL}digests/` }));
    expect(html).toMatch(/<title>Digest archive · Example News<\/title>/);
  });

  it('says there are no digests yet when there are none, and still offers the feeds', async () => {
    const files = await archive([]);
    expect(files.map((f) => f.path)).toEqual(['digests/index.html', 'digests/feed.xml', 'digests/atom.xml', 'digests/feed.json']);
    const html = contentOf(files, 'digests/index.html');
    expect(html).toContain('<p class="empty">No digests yet.</p>');
    expect(listed(html)).toEqual([]);
    expect(startTags(html, 'a').map((a) => a.href)).toContain(`${SITE_URL}digests/feed.xml`);
  });
});

describe('the site links the archive', () => {
  it('shows "Digest archive" in the header of every page', async () => {
    const r = await builtinRenderer();
    const pages = [r.renderArticle(makeSite(), makeArticle(1)), r.renderIndex(makeSite(), [makeArticle(1)]), r.renderDigestsIndex(makeSite(), [])];
    for (const page of pages) {
      const header = /<header class="site-header">[^]*?<\/header>/.exec(text(page.content))![0];
      expect(header, page.path).toContain(`<a href="${SITE_URL}digests/">Digest archive</a>`);
    }
  });
});

describe('digests that cannot be archived', () => {
  async function failure(digests: readonly ArchivedDigest[]): Promise<GazetteError> {
    try {
      await archive(digests);
    } catch (e) {
      if (e instanceof GazetteError) return e;
      throw e;
    }
    throw new Error('expected renderDigestArchive to fail');
  }

  it('refuses ids that are not a safe folder, or that would shadow the archive’s own files, naming each', async () => {
    const err = await failure([
      makeDigest(1, { id: '../escape' }),
      makeDigest(2, { id: 'feed.xml' }),
      makeDigest(3, { id: 'INDEX.HTML' }),
      makeDigest(4, { id: '' }),
      makeDigest(5),
    ]);
    expect(err.code).toBe('STATE');
    expect(err.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^digest "\.\.\/escape": the id is not 1-128 letters/),
      expect.stringMatching(/^digest "feed\.xml": the id is the name of the archive's own file digests\/feed\.xml/),
      expect.stringMatching(/^digest "INDEX\.HTML": the id is the name of the archive's own file digests\/index\.html/),
      expect.stringMatching(/^digest "": the id is not/),
    ]);
  });

  it('refuses two digests that would share a folder, also when only the letter case differs', async () => {
    const err = await failure([makeDigest(1, { id: 'weekly-a' }), makeDigest(2, { id: 'Weekly-A' })]);
    expect(err.message).toMatch(/digest "Weekly-A": another digest has the same id/);
  });

  it('refuses a date no feed can carry', async () => {
    const err = await failure([makeDigest(1, { id: 'nan', createdAt: new Date(Number.NaN) }), makeDigest(2, { id: 'far', createdAt: new Date(Date.UTC(10000, 0, 1)) })]);
    expect(err.problems).toHaveLength(2);
    expect(err.message).toMatch(/creation date is not a valid date between the years 1000 and 9999/);
  });
});

describe('templates/digests.liquid', () => {
  it('is the operator’s to edit', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'digests.liquid'), '{% layout "layout" %}{% block main %}<ul>{% for d in digests %}<li>{{ d.created.day }} {{ d.subject | upcase }}</li>{% endfor %}</ul>{% endblock %}\n');
    const r = createPageRenderer(await loadTemplates(dir));
    const html = text(renderDigestArchive(r, makeSite(), [makeDigest(1, { subject: 'a <b>' })])[0]!.content);
    expect(html).toContain('<li>2026-03-02 A &lt;B&gt;</li>');
  });

  it('comes from Gazette’s own templates when a site’s folder predates it', async () => {
    const dir = copyTemplates();
    rmSync(join(dir, 'digests.liquid'));
    const sources = await loadTemplates(dir);
    expect(sources.liquid['digests.liquid']).toBe(await readFile(new URL('../../templates/digests.liquid', import.meta.url), 'utf8'));
    const html = text(renderDigestArchive(createPageRenderer(sources), makeSite(), [makeDigest(1)])[0]!.content);
    expect(listed(html)).toEqual([{ subject: 'Example News: digest number 1', href: digestUrl(makeDigest(1)) }]);
  });

  it('names the file and line of a mistake in it', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'digests.liquid'), '{% layout "layout" %}\n{% block main %}\n{{ digests | nope }}\n{% endblock %}\n');
    const sources = await loadTemplates(dir);
    expect(() => createPageRenderer(sources)).toThrow(/digests\.liquid:3:\d+: undefined filter: nope/);
  });
});

describe('src/render/digest-archive*', () => {
  it('reads no file and no clock', async () => {
    const dir = new URL('../../src/render/', import.meta.url);
    const files = (await readdir(dir)).filter((f) => /^(digest-archive|archived-digest)/.test(f));
    expect(files).toEqual(expect.arrayContaining(['digest-archive.ts', 'digest-archive-feed.ts', 'digest-archive-view.ts']));
    for (const file of files) {
      const source = await readFile(new URL(file, dir), 'utf8');
      expect(source, file).not.toMatch(/new Date\(\)|Date\.now\(|performance\.now\(|from 'node:fs|from 'node:(?:http|net)/);
      for (const [, spec] of source.matchAll(/from '(\.\.\/[^']+)'/g)) expect(['../errors.js', '../model/index.js'], `${file} imports ${spec}`).toContain(spec);
    }
  });
});
