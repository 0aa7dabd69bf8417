import { describe, expect, it } from 'vitest';
import { parse } from './fixtures.js';

const FIRST_SEEN = new Date('2026-11-01T08:00:00Z');

function txt(text: string) {
  return parse(text, { sourcePath: 'content/news/copy.txt', firstSeen: FIRST_SEEN });
}

describe('plain-text news copy', () => {
  it.each([
    ['By Ada Lovelace', ['Ada Lovelace']],
    ['By Ada Lovelace and Grace Hopper', ['Ada Lovelace', 'Grace Hopper']],
    ['By A. Smith, B. Jones and C. Brown', ['A. Smith', 'B. Jones', 'C. Brown']],
    ['By A. Smith, B. Jones, and C. Brown', ['A. Smith', 'B. Jones', 'C. Brown']],
    ['By Ada Lovelace & Grace Hopper', ['Ada Lovelace', 'Grace Hopper']],
    ['BY José Álvarez and Ludwig van Beethoven', ['José Álvarez', 'Ludwig van Beethoven']],
    ['By Martin Luther King Jr.', ['Martin Luther King Jr.']],
  ])('reads the byline "%s"', (byline, names) => {
    const { article } = txt(`\n${byline}\nThe first paragraph. And more.\nThe second.\n`);
    expect(article.authors).toEqual(names.map((name) => ({ name })));
    expect(article.html).toBe('<p>The first paragraph. And more.</p>\n<p>The second.</p>\n');
  });

  it.each([
    'By the end of the year, prices had doubled.',
    'By Monday the council will vote on it.',
    'By Friday, Kazakhstan.',
  ])('does not mistake a sentence for a byline: "%s"', (lede) => {
    const { article } = txt(`${lede}\nMore.\n`);
    expect(article.authors).toEqual([]);
    expect(article.html.startsWith(`<p>${lede}</p>`)).toBe(true);
  });

  it('escapes HTML, links addresses with a scheme, and makes one paragraph per line', () => {
    const { article } = txt('Title line.\n<script>alert(1)</script> & "quotes"\n\n\nSee https://example.com/report?a=1&b=2 for details.\nWrite to tips@example.org.\n');
    expect(article.html).toBe(
      [
        '<p>Title line.</p>',
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</p>',
        '<p>See <a href="https://example.com/report?a=1&amp;b=2">https://example.com/report?a=1&amp;b=2</a> for details.</p>',
        '<p>Write to <a href="mailto:tips@example.org">tips@example.org</a>.</p>',
        '',
      ].join('\n'),
    );
  });

  it('accepts front matter, which wins over the byline and the derived title', () => {
    const { article, warnings, needsFirstSeen } = txt('---\ntitle: Given title\nauthor: Desk\ndate: 2026-10-01T06:00:00Z\ntags: [World]\n---\nBy Someone Else\nLede.\n');
    expect(article).toMatchObject({
      title: 'Given title',
      authors: [{ name: 'Desk' }],
      date: new Date('2026-10-01T06:00:00Z'),
      tags: [{ name: 'World', slug: 'world' }],
      summary: 'Lede.',
      slug: 'copy',
    });
    expect(article.html).toBe('<p>Lede.</p>\n');
    expect(warnings).toEqual([]);
    expect(needsFirstSeen).toBe(false);
  });

  it('keeps the final period of an abbreviation in a derived title, and "?" or "!"', () => {
    expect(txt('Officials met in the U.S.\n').article.title).toBe('Officials met in the U.S.');
    expect(txt('Will the bridge open? Nobody knows.\n').article.title).toBe('Will the bridge open?');
  });

  it('a byline alone is not an article', () => {
    expect(() => txt('By Ada Lovelace\n')).toThrow(/no title, and no text/);
  });
});
