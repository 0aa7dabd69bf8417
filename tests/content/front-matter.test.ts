import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { makeSite, markdownFile, parse, parseError } from './fixtures.js';

const FILE = 'content/test-article.md';

describe('front matter keys', () => {
  it('reads every known key', () => {
    const { article, warnings } = parse(
      markdownFile(
        [
          'title: "  A   title\twith  spaces "',
          'date: 2026-05-04T10:00:00Z',
          'updated: 2026-05-06T08:30:00+02:00',
          'authors:',
          '  - Ada Lovelace',
          '  - name: Grace Hopper',
          '    email: grace@example.org',
          '    url: /people/grace',
          'summary: "A <em>short</em>   summary."',
          'tags: [Science, "Machine Learning", science]',
          'slug: My-Article',
          'id: tag:news.example.org,2026:my-article',
          'image: /images/cover.png',
          'draft: true',
          'canonical: https://elsewhere.example.com/original',
          'series: Computing pioneers',
          'weight: 3',
        ].join('\n'),
        'The body.\n',
      ),
    );
    expect(warnings).toEqual([]);
    expect(article).toMatchObject({
      sourcePath: FILE,
      title: 'A title with spaces',
      slug: 'my-article',
      id: 'tag:news.example.org,2026:my-article',
      date: new Date('2026-05-04T10:00:00Z'),
      updated: new Date('2026-05-06T06:30:00Z'),
      dateSource: 'front-matter',
      authors: [
        { name: 'Ada Lovelace' },
        { name: 'Grace Hopper', email: 'grace@example.org', url: 'https://news.example.org/people/grace' },
      ],
      summary: 'A short summary.',
      tags: [
        { name: 'Science', slug: 'science' },
        { name: 'Machine Learning', slug: 'machine-learning' },
      ],
      image: 'https://news.example.org/images/cover.png',
      canonical: 'https://elsewhere.example.com/original',
      url: 'https://news.example.org/articles/my-article/',
      draft: true,
      extra: { series: 'Computing pioneers', weight: 3 },
    });
  });

  it('accepts a single author as text or as an object, and tags as "a, b, c"', () => {
    const one = parse(markdownFile('title: T\ndate: 2026-01-01\nauthor: Desk Editor\ntags: "News, Überblick, , Politics ,"')).article;
    expect(one.authors).toEqual([{ name: 'Desk Editor' }]);
    expect(one.tags.map((t) => t.slug)).toEqual(['news', 'überblick', 'politics']);
    const obj = parse(markdownFile('title: T\ndate: 2026-01-01\nauthor: {name: Desk, email: desk@example.org}')).article;
    expect(obj.authors).toEqual([{ name: 'Desk', email: 'desk@example.org' }]);
  });

  it('leaves authors empty when none are given (renderers fall back to the site author)', () => {
    expect(parse(markdownFile('title: T\ndate: 2026-01-01')).article.authors).toEqual([]);
  });

  it('defaults: updated = date, draft = false, no image, no canonical, extra = {}', () => {
    const { article } = parse(markdownFile('title: T\ndate: 2026-01-01'));
    expect(article.updated).toEqual(article.date);
    expect(article.draft).toBe(false);
    expect(article).not.toHaveProperty('image');
    expect(article).not.toHaveProperty('canonical');
    expect(article.extra).toEqual({});
  });

  it('keeps YAML 1.2 semantics: "no" is text and dates are strings until Gazette parses them', () => {
    const { article } = parse(markdownFile('title: no\ndate: 2026-01-01\ncountry: NO\nwhen: 2026-01-02'));
    expect(article.title).toBe('no');
    expect(article.extra).toEqual({ country: 'NO', when: '2026-01-02' });
  });

  it('treats a key without a value as absent', () => {
    const { article } = parse(markdownFile('title: T\ndate: 2026-01-01\nsummary:\ntags:\nimage:'));
    expect(article.tags).toEqual([]);
    expect(article).not.toHaveProperty('image');
    expect(article.summary).toBe('Some text.');
  });

  it('keeps an unknown key called __proto__ as data', () => {
    const { article } = parse(markdownFile('title: T\ndate: 2026-01-01\n__proto__: {polluted: true}'));
    expect(Object.keys(article.extra)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps HTML in a title as literal text', () => {
    const { article } = parse(markdownFile('title: "<script>alert(1)</script> & <b>bold</b> ]]>"\ndate: 2026-01-01'));
    expect(article.title).toBe('<script>alert(1)</script> & <b>bold</b> ]]>');
  });

  it('explicit id must be an absolute URI', () => {
    expect(parse(markdownFile('title: T\ndate: 2026-01-01\nid: urn:uuid:2f1c0a2e-7b1e-4c3e-9f1a-2b3c4d5e6f70')).article.id).toBe(
      'urn:uuid:2f1c0a2e-7b1e-4c3e-9f1a-2b3c4d5e6f70',
    );
    const err = parseError(() => parse(markdownFile('title: T\ndate: 2026-01-01\nid: my-article-1')));
    expect(err.problems).toEqual([
      expect.objectContaining({ file: FILE, line: 4, key: 'id', message: expect.stringContaining('urn:uuid:') }),
    ]);
    expect(err.problems[0]!.message).toContain('tag:');
  });

  it('derives the id from the slug only: the same for any site URL, different per slug', () => {
    const a = parse(markdownFile('title: T\ndate: 2026-01-01\nslug: same')).article;
    const moved = parse(markdownFile('title: T\ndate: 2026-01-01\nslug: same'), {
      site: makeSite({ url: 'https://new-home.example.net/news/' }),
    }).article;
    const other = parse(markdownFile('title: T\ndate: 2026-01-01\nslug: other')).article;
    expect(moved.id).toBe(a.id);
    expect(moved.url).toBe('https://new-home.example.net/news/articles/same/');
    expect(other.id).not.toBe(a.id);
  });
});

describe('front matter errors name the file, the line and the key', () => {
  it('a non-string title', () => {
    const err = parseError(() => parse(markdownFile('date: 2026-01-01\ntitle: 1984')));
    expect(err.code).toBe('CONTENT');
    expect(err.problems).toEqual([
      { file: FILE, line: 3, key: 'title', message: 'expected text, got a number (1984); put the value in quotes' },
    ]);
    expect(err.message).toContain(`${FILE}:3 (title): expected text`);
  });

  it('invalid YAML, with the line counted in the file (after the opening ---)', () => {
    const err = parseError(() => parse(markdownFile('title: ok\ndate: 2026-01-01\ntags: [a, b\nsummary: x')));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ file: FILE, line: 5 });
    expect(err.problems[0]!.message).toMatch(/^front matter is not valid YAML: /);
  });

  it('an unclosed quote is reported where the quote opens', () => {
    const err = parseError(() => parse(markdownFile('date: 2026-01-01\ntitle: "unclosed\nsummary: x')));
    expect(err.problems[0]).toMatchObject({ file: FILE, line: 3 });
  });

  it('a duplicate key', () => {
    const err = parseError(() => parse(markdownFile('title: a\ndate: 2026-01-01\ntitle: b')));
    expect(err.problems[0]).toMatchObject({ file: FILE, line: 4, message: expect.stringContaining('unique') });
  });

  it('front matter that is a list, and front matter never closed', () => {
    expect(parseError(() => parse('---\n- a\n- b\n---\nText\n')).problems[0]).toMatchObject({ line: 2 });
    expect(parseError(() => parse('---\ntitle: T\nText without end\n')).problems[0]).toMatchObject({
      line: 1,
      message: expect.stringContaining('no closing'),
    });
  });

  it('every problem of the file at once, in line order, with nested keys', () => {
    const err = parseError(() =>
      parse(
        markdownFile(
          [
            'title: [not, text]',
            'date: 2026-02-30',
            'authors:',
            '  - name: Ok',
            '    email: not-an-email',
            'draft: yes',
            'slug: ../escape',
            'tags: ["!!!"]',
            'image: "javascript:alert(1)"',
          ].join('\n'),
        ),
      ),
    );
    expect(err.problems.map((p) => `${p.line} ${p.key}`)).toEqual([
      '2 title',
      '3 date',
      '6 authors[0].email',
      '7 draft',
      '8 slug',
      '9 tags[0]',
      '10 image',
    ]);
    expect(err.problems.find((p) => p.key === 'draft')!.message).toBe('expected true or false, got the text "yes"');
    expect(err.problems.find((p) => p.key === 'date')!.message).toContain('February 2026 has 28 days');
    expect(err.message.split('\n')).toHaveLength(8);
    expect(formatProblem(err.problems[0]!)).toBe(`${FILE}:2 (title): expected text, got a list; put the value in quotes`);
  });

  it('author and authors together', () => {
    const err = parseError(() => parse(markdownFile('title: T\ndate: 2026-01-01\nauthor: A\nauthors: [B]')));
    expect(err.problems).toEqual([expect.objectContaining({ key: 'author', line: 4 })]);
  });

  it('an unknown key inside an author', () => {
    const err = parseError(() => parse(markdownFile('title: T\ndate: 2026-01-01\nauthors:\n  - name: A\n    emial: a@example.org')));
    expect(err.problems[0]).toMatchObject({ key: 'authors[0]', line: 5 });
  });

  it('an empty title', () => {
    const err = parseError(() => parse(markdownFile('title: "  "\ndate: 2026-01-01')));
    expect(err.problems[0]).toMatchObject({ key: 'title', line: 2, message: expect.stringContaining('empty') });
  });

  it('an image or canonical that is not a web address', () => {
    const err = parseError(() => parse(markdownFile('title: T\ndate: 2026-01-01\ncanonical: "mailto:a@example.org"')));
    expect(err.problems[0]).toMatchObject({ key: 'canonical', line: 4 });
  });
});
