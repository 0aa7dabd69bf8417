import { describe, expect, it } from 'vitest';
import { bodyHtml, makeSite, markdownFile, parse } from './fixtures.js';

const PAGE = 'https://news.example.org/articles/test-article/';

describe('Markdown bodies are sanitised', () => {
  it('drops script, style, iframe, object, embed, form controls, svg and their content', () => {
    const html = bodyHtml(
      [
        'Before <script>alert("x")</script> after.',
        '',
        '<style>body { display: none }</style>',
        '<iframe src="https://evil.example/"></iframe>',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<form action="/steal"><input name="q"><button>Go</button><textarea>t</textarea></form>',
        '<svg><script>alert(2)</script><circle r="1"/></svg>',
        '<noscript><img src="/pixel.gif"></noscript>',
        '',
        'End.',
      ].join('\n'),
    );
    expect(html).not.toMatch(/<(script|style|iframe|object|embed|form|input|button|textarea|svg|noscript)\b/i);
    expect(html).not.toMatch(/alert|display: none|pixel/);
    expect(html).toContain('Before  after.');
    expect(html).toContain('End.');
  });

  it('drops event handlers and javascript:, vbscript: and data: URLs', () => {
    const html = bodyHtml(
      [
        '<img src="x.png" onerror="alert(1)" alt="x">',
        '<a href="javascript:alert(1)" onclick="alert(2)">js</a>',
        '<a href="JaVaScRiPt&#58;alert(1)">entity</a>',
        '<a href="java\tscript:alert(1)">tab</a>',
        '<a href="vbscript:msgbox(1)">vb</a>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="d">',
        '<p style="position:fixed" class="evil" data-x="1">styled</p>',
        '',
        '[md js](javascript:alert(1)) and [md data](data:text/html;base64,PHNjcmlwdD4=) and ![i](data:image/png;base64,iVBOR)',
      ].join('\n'),
    );
    expect(html).not.toMatch(/onerror|onclick|javascript:|vbscript:|data:|style=|class="evil"|data-x/i);
    expect(html).toContain(`<img src="${PAGE}x.png" alt="x" />`);
    expect(html).toContain('<a>js</a>');
    expect(html).toContain('<a>vb</a>');
    expect(html).toContain('<p>styled</p>');
    // Unsafe Markdown links lose their URL the same way: the text stays, the link goes; an image
    // becomes its description (an img without src is not HTML). A raw img without one goes.
    expect(html).toContain('<p><a>md js</a> and <a>md data</a> and i</p>');
    expect(html).not.toMatch(/<img alt="d"|<img(?![^>]*src=)/);
  });

  it('keeps ordinary HTML that authors write by hand', () => {
    const html = bodyHtml('<figure><img src="/a.png" alt="A"><figcaption>Caption</figcaption></figure>\n\n<details><summary>More</summary>Hidden</details>\n');
    expect(html).toContain('<figure><img src="https://news.example.org/a.png" alt="A" /><figcaption>Caption</figcaption></figure>');
    expect(html).toContain('<details><summary>More</summary>Hidden</details>');
  });

  it('closes tags an author left open', () => {
    const html = bodyHtml('<div><em>open\n\ntext\n');
    expect(html.match(/<div>/g)?.length).toBe(html.match(/<\/div>/g)?.length);
    expect(html.match(/<em>/g)?.length).toBe(html.match(/<\/em>/g)?.length);
  });
});

describe('every URL in a body is absolute', () => {
  const site = makeSite({ url: 'https://news.example.org/blog/' });
  const page = 'https://news.example.org/blog/articles/test-article/';
  const cases: [string, string][] = [
    ['../other/', 'https://news.example.org/blog/articles/other/'],
    ['img/pic.png', `${page}img/pic.png`],
    ['/images/x.png', 'https://news.example.org/blog/images/x.png'],
    ['/', 'https://news.example.org/blog/'],
    ['//cdn.example.com/a.js', 'https://cdn.example.com/a.js'],
    ['#section', `${page}#section`],
    ['?page=2', `${page}?page=2`],
    ['https://example.com/a b', 'https://example.com/a%20b'],
    ['https://example.com/ü?q=ä#ö', 'https://example.com/%C3%BC?q=%C3%A4#%C3%B6'],
    ['mailto:desk@example.org', 'mailto:desk@example.org'],
  ];

  for (const [written, absolute] of cases) {
    it(`${written} → ${absolute}, the same from Markdown and from raw HTML`, () => {
      const markdownLink = bodyHtml(`[x](<${written}>)\n`, { site });
      const htmlLink = bodyHtml(`<a href="${written}">x</a>\n`, { site });
      const escaped = absolute.replace(/&/g, '&amp;');
      expect(markdownLink).toBe(`<p><a href="${escaped}">x</a></p>\n`);
      expect(htmlLink).toBe(`<p><a href="${escaped}">x</a></p>\n`);
    });
  }

  it('images, srcset, video poster and source in raw HTML too', () => {
    const html = bodyHtml(
      '<img src="a.png" srcset="a-2x.png 2x, /b.png 3x, javascript:x 4x" alt="">\n\n<video src="v.mp4" poster="/p.jpg" controls></video>\n\n<picture><source srcset="//cdn.example.com/w.webp" type="image/webp"></picture>\n',
      { site },
    );
    expect(html).toContain(`src="${page}a.png"`);
    expect(html).toContain(`srcset="${page}a-2x.png 2x, https://news.example.org/blog/b.png 3x"`);
    expect(html).toContain(`<video src="${page}v.mp4" poster="https://news.example.org/blog/p.jpg" controls>`);
    expect(html).toContain('srcset="https://cdn.example.com/w.webp"');
  });

  it('autolinks, linkified text and footnote links', () => {
    const html = bodyHtml('See <https://example.com/x>, https://example.org/y, desk@example.org and a note.[^n]\n\n[^n]: The note.\n');
    expect(html).toContain('<a href="https://example.com/x">https://example.com/x</a>');
    expect(html).toContain('<a href="https://example.org/y">https://example.org/y</a>');
    expect(html).toContain('<a href="mailto:desk@example.org">desk@example.org</a>');
    expect(html).toContain(`<a href="${PAGE}#fn-test-article-1" id="fnref-test-article-1">[1]</a>`);
    expect(html).toContain(`<li id="fn-test-article-1" class="footnote-item">`);
    expect(html).toContain(`<a href="${PAGE}#fnref-test-article-1" class="footnote-backref">`);
    expect(html).not.toMatch(/href="(?!https?:|mailto:)/);
  });

  it('a body without raw HTML renders byte-identically with sanitize-html in the path', () => {
    const body = [
      'Para with [rel](../x.png "T"), [root](/y?a=1&b=2), ![img "q"](pic.png) and a note[^1], "quotes" & \'apostrophes\'.',
      '',
      '- [x] done',
      '- [ ] todo',
      '',
      '| a | b |',
      '|--:|:-:|',
      '| 1 | 2 |',
      '',
      '> quote',
      '',
      '```js',
      'const a = "<x>" && \'&amp;\';',
      '```',
      '',
      'Line  ',
      'break *em* **strong** ~~del~~ `code`',
      '',
      '***',
      '',
      '[^1]: The note.',
      '',
    ].join('\n');
    const plain = bodyHtml(body, { site });
    const marker = '<p><span>marker</span></p>\n';
    const sanitised = bodyHtml(`<span>marker</span>\n\n${body}`, { site });
    expect(sanitised.startsWith(marker)).toBe(true);
    expect(sanitised.slice(marker.length)).toBe(plain);
  });
});

describe('Markdown structure', () => {
  it('renders GFM tables, fenced code, footnotes and task lists', () => {
    const html = bodyHtml('| Feed | Type |\n|:--|--:|\n| RSS | xml |\n\n```ts\nconst x = 1 < 2;\n```\n\n- [x] done\n- [ ] open\n\nText.[^a]\n\n[^a]: Note.\n');
    expect(html).toContain('<th style="text-align:left">Feed</th>');
    expect(html).toContain('<pre><code class="language-ts">const x = 1 &lt; 2;\n</code></pre>');
    expect(html).toContain('<ul class="contains-task-list">\n<li class="task-list-item">☑ done</li>\n<li class="task-list-item">☐ open</li>');
    expect(html).toContain('<section class="footnotes">');
  });

  it('takes a leading # heading as the title when there is none, and removes it', () => {
    const { article, warnings } = parse(markdownFile('date: 2026-01-01', '# The *real* title\n\nFirst paragraph.\n'));
    expect(article.title).toBe('The real title');
    expect(article.html).toBe('<p>First paragraph.</p>\n');
    expect(warnings).toEqual([]);
    const kept = parse(markdownFile('title: Given\ndate: 2026-01-01', '# Heading\n\nText.\n')).article;
    expect(kept.html).toContain('<h1>Heading</h1>');
  });

  it('derives a missing title from the first sentence, cut at a word past 140 characters, with a warning', () => {
    const { article, warnings } = parse(markdownFile('date: 2026-01-01', 'Dr. Smith met Mr. Jones in the U.S. capital today. He said more.\n'));
    expect(article.title).toBe('Dr. Smith met Mr. Jones in the U.S. capital today');
    expect(warnings).toEqual([
      { file: 'content/test-article.md', line: 4, message: 'no title: derived from the first sentence; add "title:" to choose one' },
    ]);
    expect(article.summary).toBe('He said more.');

    const long = `${'word '.repeat(60)}end.`;
    const title = parse(markdownFile('date: 2026-01-01', `${long}\n`)).article.title;
    expect(title.endsWith('word…')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(141);
  });

  it('derives the summary from the first paragraph as plain text, cut past 280 characters', () => {
    const first = `An *important* [story](/x) with \`code\` <b>and</b> ${'detail '.repeat(60)}`;
    const { article } = parse(markdownFile('title: T\ndate: 2026-01-01', `![cover](c.png)\n\n${first}\n\nSecond.\n`));
    expect(article.summary.startsWith('An important story with code and detail')).toBe(true);
    expect(article.summary.endsWith('detail…')).toBe(true);
    expect(article.summary.length).toBeLessThanOrEqual(281);
  });

  it('keeps unicode in titles, tags and slugs', () => {
    const { article } = parse(
      markdownFile('title: "Ünïcødé — 東京 «news» 🚀"\ndate: 2026-01-01\ntags: [Überblick, "Café Culture", 東京, हिन्दी]\nslug: Grüße-aus-Köln'),
    );
    expect(article.title).toBe('Ünïcødé — 東京 «news» 🚀');
    expect(article.tags.map((t) => t.slug)).toEqual(['überblick', 'café-culture', '東京', 'हिन्दी']);
    expect(article.slug).toBe('grüße-aus-köln');
    expect(article.url).toBe('https://news.example.org/articles/gr%C3%BC%C3%9Fe-aus-k%C3%B6ln/');
  });

  it('normalises decomposed unicode (NFD) in tags and slugs to NFC', () => {
    const nfd = 'Übersicht'.normalize('NFD');
    const { article } = parse(markdownFile(`title: T\ndate: 2026-01-01\ntags: ["${nfd}", "Übersicht"]\nslug: "${nfd}"`));
    expect(article.tags).toEqual([{ name: 'Übersicht', slug: 'übersicht' }]);
    expect(article.slug).toBe('übersicht');
  });

  it('slugs from file names like tags, keeping "_"; rejects unsafe explicit slugs', () => {
    expect(parse(markdownFile('title: T\ndate: 2026-01-01'), { sourcePath: 'content/2026/My First Post!.md' }).article.slug).toBe('my-first-post');
    expect(parse(markdownFile('title: T\ndate: 2026-01-01'), { sourcePath: 'content/Über_uns.markdown' }).article.slug).toBe('über_uns');
    expect(parse(markdownFile('title: T\ndate: 2026-01-01'), { sourcePath: 'content/Ärger über Öl.md' }).article.slug).toBe('ärger-über-öl');
    expect(() => parse(markdownFile('title: T\ndate: 2026-01-01'), { sourcePath: 'content/!!!.md' })).toThrow(
      /cannot make a slug from the file name "!!!".*set "slug:"/,
    );
    for (const bad of ['a/b', '..', 'has space', '-lead', 'dots.in.it']) {
      expect(() => parse(markdownFile(`title: T\ndate: 2026-01-01\nslug: "${bad}"`))).toThrow(/slug/);
    }
  });
});
