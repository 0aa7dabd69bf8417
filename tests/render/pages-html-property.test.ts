// Property: whatever text an article holds (titles, summaries, tags, Markdown bodies with hostile
// characters and the raw HTML authors commonly write), its page, its tag page, its month page and
// the home page are valid HTML by the W3C Nu Html Checker.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArticleFile } from '../../src/content/load-content.js';
import type { Article } from '../../src/model/index.js';
import { countTags } from '../../src/render/page-tags.js';
import { renderPages } from '../../src/render/pages.js';
import { validateHtml } from '../validators/index.js';
import { builtinRenderer, makeSite } from './pages-fixtures.js';

const RUNS = 40;

const hostilePiece = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '<', '>', '&', '&amp;', '&nbsp;', '"', "'", ']]>', '<script>alert(1)</script>', '</title>', '\t', '\u00a0', '\u2028', '\uFEFF',
      '\u0000', '\u0007', '\u0085', '\u007F', '\uFFFE', '👩🏽‍💻', 'مرحبا', 'עברית', '中文', 'e\u0301', '{{ site.title }}', '{% raw %}', '\\',
    ),
  },
);
const hostileText = fc.array(hostilePiece, { maxLength: 8 }).map((parts) => parts.join(''));

/** Markdown blocks an author writes, with hostile text inside, and raw HTML the sanitiser must leave valid. */
const block = fc.oneof(
  hostileText.map((t) => t.replace(/^[#>*+\-\d\s|`~=]+/, '') || 'text'),
  hostileText.map((t) => `## ${t}`),
  fc.tuple(hostileText, hostileText).map(([a, b]) => `- ${a}\n- ${b}\n  - nested ${a}`),
  fc.tuple(hostileText, hostileText).map(([a, b]) => `1. ${a}\n2. [${b}](https://example.org/${encodeURIComponent(a)})`),
  hostileText.map((t) => `> ${t}`),
  hostileText.map((t) => `\`\`\`js\n${t}\n\`\`\``),
  fc.tuple(hostileText, hostileText).map(([a, b]) => `| a | b |\n| :-- | --: |\n| ${a.replace(/\|/g, '')} | ${b.replace(/\|/g, '')} |`),
  hostileText.map((t) => `![${t}](pic.png) and ![](javascript:alert(1)) and <${'https://example.org/x'}>`),
  hostileText.map((t) => `Footnote[^1].\n\n[^1]: ${t}`),
  fc.constantFrom(
    '<img src="a.png" onerror="alert(1)">',
    '<img srcset="b.png 2x">',
    '<img src="javascript:alert(1)" alt="x">',
    '<picture><source srcset="c.png 1x"><img src="c.png" alt="C"></picture>',
    '<video controls><source src="v.mp4" type="video/mp4"><track src="t.vtt" kind="captions" srclang="en"></video>',
    '<details><summary>More</summary>\n\nHidden *text*.\n\n</details>',
    '<figure><img src="f.png" alt="F"><figcaption>Cap</figcaption></figure>',
    '<p style="color:red" class="x">styled</p>',
    '<iframe src="https://evil.example"></iframe>',
    '- [ ] task\n- [x] done',
    'Line with a break  \nand more',
    '***',
  ),
);
const body = fc.array(block, { minLength: 1, maxLength: 6 }).map((blocks) => blocks.join('\n\n'));

const dir = mkdtempSync(join(tmpdir(), 'gazette-pages-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pages from arbitrary articles (fast-check)', () => {
  it(`are valid HTML for ${RUNS} random articles`, async () => {
    const renderer = await builtinRenderer();
    const site = makeSite();
    const files: string[] = [];
    const articles: Article[] = [];
    let run = 0;
    fc.assert(
      fc.property(fc.record({ title: hostileText, summary: hostileText, tag: hostileText, body }), (input) => {
        run += 1;
        const source = [
          '---',
          `title: ${JSON.stringify(input.title.trim() || 'Untitled')}`,
          `date: 2026-0${1 + (run % 9)}-1${run % 10}T08:00:00Z`,
          `summary: ${JSON.stringify(input.summary)}`,
          `tags: [${JSON.stringify(input.tag.trim() || 'tag')}, "fixed"]`,
          `slug: run-${run}`,
          '---',
          input.body,
          '',
        ].join('\n');
        const outcome = parseArticleFile(`content/run-${run}.md`, Buffer.from(source, 'utf8'), site, new Date('2027-01-01T00:00:00Z'));
        // Text that makes no article (a title that is blank once cleaned, say) is reported, not paged.
        if (!outcome.article) {
          expect(outcome.problems.length).toBeGreaterThan(0);
          return;
        }
        articles.push(outcome.article);
        const page = join(dir, `run-${run}.html`);
        writeFileSync(page, renderer.renderArticle(site, outcome.article).content);
        files.push(page);
      }),
      { numRuns: RUNS, seed: 20261127 },
    );
    expect(files.length).toBeGreaterThan(RUNS / 2);
    // The lists of all of them: home page, archive, months, tags.
    for (const f of renderPages(renderer, site, articles, countTags(articles))) {
      if (!f.path.endsWith('.html') || f.path.startsWith('articles/')) continue;
      const file = join(dir, f.path.replace(/\//g, '_'));
      writeFileSync(file, f.content);
      files.push(file);
    }
    expect(validateHtml(...files)).toEqual([]);
  }, 120_000);
});
