// Nasty input must give clean, valid feeds that show readers exactly the text that was meant.
import { beforeAll, describe, expect, it } from 'vitest';
import { renderFeeds } from '../../src/render/feeds.js';
import { makeArticle, makeSite, tag } from './feeds-fixtures.js';
import { FeedScenarios } from './feeds-scenarios.js';

// Removed everywhere: C0 controls (not tab/LF/CR), DEL, C1, lone surrogates, noncharacters.
// (Low half first: `\uD800\uDFFF` would be a valid pair.)
const JUNK = '\u0000\u0001\u0008\u000B\u000C\u001B\u001F\u007F\u0085\u009F\uDFFF\uD800\uFDD0\uFFFE\uFFFF';

const scenarios = new FeedScenarios();
beforeAll(() => scenarios.validate());

describe('hostile text in every field', () => {
  const emoji = tag('👩🏽‍💻 Dev', 'dev');
  const rtl = tag('مرحبا עברית', 'rtl');
  const cjk = tag(`中文${JUNK}新闻`, 'cjk');
  const combining = tag('Cafe\u0301 <b>&amp;</b>', 'cafe');
  const scriptTitle = `Breaking ]]> news ]]> <script>alert("x")</script> & <b>bold</b>${JUNK} 👩🏽‍💻 مرحبا עברית 中文 e\u0301\r\nline two`;
  const scriptTitleShown = 'Breaking ]]> news ]]> <script>alert("x")</script> & <b>bold</b> 👩🏽‍💻 مرحبا עברית 中文 e\u0301 line two';
  const entityTitle = 'AT&amp;T &lt;not a tag&gt; &copy;';
  const summary = `Sum ]]> mary${JUNK} with <i>markup</i> & "quotes" ]]>\r\nand a second line`;
  const summaryShown = 'Sum ]]> mary with <i>markup</i> & "quotes" ]]>\nand a second line';
  const bigBody = `<p>BEGIN</p>${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit &amp; more.</p>'.repeat(5600)}<p>END</p>`;
  const body = `<p>a]]>b${JUNK}</p><p title="x]]>y">c ]]> d &lt;![CDATA[ e</p>`;
  const bodyClean = '<p>a]]>b</p><p title="x]]>y">c ]]> d &lt;![CDATA[ e</p>';

  const site = makeSite({
    title: `Example ${JUNK}& <Friends> ]]>`,
    description: `Desc ]]> ${JUNK}<script>`,
    author: { name: `Desk ${JUNK}<desk@example.org>`, email: 'desk@example.org' },
  });
  const articles = [
    makeArticle(5, { title: scriptTitle, summary, html: body, tags: [emoji, rtl, cjk, combining], authors: [{ name: `Ann${JUNK} <Annie> & Co` }] }),
    makeArticle(4, { title: entityTitle, summary: '', html: bigBody }),
    makeArticle(3, { slug: 'only-junk', title: `${JUNK}\r\n\t `, summary: JUNK, html: JUNK }),
    makeArticle(2, { id: `urn:x:${JUNK}trimmed`, authors: [{ name: JUNK }] }),
  ];
  const main = scenarios.add(site, articles);
  const byTag = scenarios.add(site, articles, { tag: cjk });

  it('passes every validator and every reader parses it without complaint', () => {
    expect(main.problems).toEqual([]);
    expect(byTag.problems).toEqual([]);
  });

  it('shows titles as the text that was written, markup and `]]>` included, junk removed', () => {
    const expected = [scriptTitleShown, entityTitle, 'only-junk', 'Article number 2'];
    expect(main.readers.atom.entries.map((e) => e.title)).toEqual(expected);
    expect(main.readers.atom.entries.map((e) => e.title_type)).toEqual(expected.map(() => 'text/plain'));
    expect(main.readers.rss.entries.map((e) => e.title)).toEqual(expected);
    expect(main.json.items.map((i) => i.title)).toEqual(expected);
    // The markup is character data, never an element: no reader can run it.
    expect(main.rss).not.toContain('<script>');
    expect(main.atom).not.toContain('<script>');
    expect(main.rss).not.toContain('<b>');
  });

  it('shows summaries as plain text in every format', () => {
    expect(main.readers.atom.entries[0]!.summary_text).toBe(summaryShown);
    expect(main.readers.rss.entries[0]!.summary_text).toBe(summaryShown);
    expect(main.json.items[0]!.summary).toBe(summaryShown);
  });

  it('keeps the body HTML meaning, with `]]>` twice, in every format', () => {
    expect(main.json.items[0]!.content_html).toBe(bodyClean);
    const escaped = bodyClean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(main.atom).toContain(`<content type="html">${escaped}</content>`);
    // feedparser sanitises what it shows (and writes `>` in attributes as `&gt;`).
    expect(main.readers.atom.entries[0]!.content).toEqual(['<p>a]]>b</p><p title="x]]&gt;y">c ]]> d &lt;![CDATA[ e</p>']);
    // RSS carries the body in CDATA, where `]]>` is written `]]&gt;`: the same HTML to a reader.
    const gt = (html: string | undefined): string | undefined => html?.replace(/&gt;/g, '>');
    expect(gt(main.readers.rss.entries[0]!.content[0])).toBe(gt(main.readers.atom.entries[0]!.content[0]));
    expect(main.rss).toContain('<content:encoded><![CDATA[<p>a]]&gt;b</p><p title="x]]&gt;y">c ]]&gt; d &lt;![CDATA[ e</p>]]></content:encoded>');
  });

  it('delivers a 400 KB body whole', () => {
    expect(bigBody.length).toBeGreaterThan(400_000);
    expect(main.json.items[1]!.content_html).toBe(bigBody);
    expect(main.readers.atom.entries[1]!.content).toEqual([bigBody]);
    const rssBody = main.readers.rss.entries[1]!.content[0]!;
    expect(rssBody.startsWith('<p>BEGIN</p>')).toBe(true);
    expect(rssBody.endsWith('<p>END</p>')).toBe(true);
    expect(rssBody.length).toBe(bigBody.length);
  });

  it('keeps unicode tag names intact and strips junk from them', () => {
    const names = ['👩🏽‍💻 Dev', 'مرحبا עברית', '中文新闻', 'Cafe\u0301 <b>&amp;</b>'];
    expect(main.readers.atom.entries[0]!.tags.map((t) => t.label)).toEqual(names);
    expect(main.readers.rss.entries[0]!.tags.map((t) => t.term)).toEqual(names);
    expect(main.json.items[0]!.tags).toEqual(names);
    expect(byTag.readers.atom.feed.title).toBe('Example & <Friends> ]]>: 中文新闻');
    expect(byTag.json.items.map((i) => i.id)).toEqual([articles[0]!.id]);
  });

  it('cleans site-level text and author names the same way', () => {
    for (const reader of [main.readers.rss, main.readers.atom]) {
      expect(reader.feed.title).toBe('Example & <Friends> ]]>');
    }
    expect(main.readers.atom.feed.subtitle).toBe('Desc ]]> <script>');
    expect(main.readers.atom.feed.authors).toEqual(['Desk <desk@example.org>']);
    expect(main.readers.atom.entries[0]!.authors).toEqual(['Ann <Annie> & Co']);
    expect(main.readers.rss.entries[0]!.authors).toEqual(['Ann <Annie> & Co']);
    // An author whose name is only junk is no author; the site's author stands in.
    expect(main.json.items[3]!.authors).toEqual([{ name: 'Desk <desk@example.org>' }]);
  });

  it('gives an article whose text is all junk its slug as title and a body still', () => {
    const junk = main.json.items[2]!;
    expect(junk.title).toBe('only-junk');
    expect(junk.content_html).toBe('<p>only-junk</p>');
    expect(junk).not.toHaveProperty('summary');
  });

  it('strips junk from ids but keeps the rest of them', () => {
    expect(main.json.items[3]!.id).toBe('urn:x:trimmed');
    expect(main.readers.rss.entries[3]!.id).toBe('urn:x:trimmed');
    expect(main.readers.atom.entries[3]!.id).toBe('urn:x:trimmed');
  });

  it('renders byte-identical output twice', () => {
    expect(renderFeeds(site, articles)).toEqual(main.files);
  });

  it('writes no character XML forbids or discourages, in any file', () => {
    for (const f of [...main.files, ...byTag.files]) {
      expect(String(f.content)).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/);
      expect(String(f.content)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });
});
